using System.Collections.Concurrent;
using Softoken.Pkcs11;
using Softoken.Slots;

namespace Softoken.Sessions;

/// <summary>The process's open sessions by handle. Handles start at 1 (0 is never valid) and are not reused while
/// the module stays initialised.</summary>
internal sealed class SessionTable
{
    private readonly ConcurrentDictionary<ulong, Session> sessions = new();
    private long lastHandle;

    public Session Get(ulong handle) =>
        sessions.TryGetValue(handle, out var session) ? session : throw new Pkcs11Exception(CKR.CKR_SESSION_HANDLE_INVALID);

    public Session Open(Slot slot, bool readWrite)
    {
        var session = new Session((ulong)Interlocked.Increment(ref lastHandle), slot, readWrite);
        sessions[session.Handle] = session;
        slot.SessionOpened();
        return session;
    }

    public bool Remove(ulong handle, out Session? session)
    {
        if (!sessions.TryRemove(handle, out session)) return false;
        session.Slot.SessionClosed();
        return true;
    }

    public IEnumerable<Session> OnSlot(Slot slot) => sessions.Values.Where(s => s.Slot == slot);

    public IEnumerable<Session> All => sessions.Values;
}
