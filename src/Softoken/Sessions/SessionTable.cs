using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Softoken.Pkcs11;
using Softoken.Slots;

namespace Softoken.Sessions;

/// <summary>The process's open sessions by handle. Handles start at 1 (0 is never valid) and are not reused while
/// the module stays initialised.</summary>
internal sealed class SessionTable
{
    private readonly ConcurrentDictionary<ulong, Session> sessions = new();
    private readonly ConcurrentDictionary<Slot, StrongBox<int>> openCounts = new();
    private long lastHandle;

    public Session Get(ulong handle) =>
        sessions.TryGetValue(handle, out var session) ? session : throw new Pkcs11Exception(CKR.CKR_SESSION_HANDLE_INVALID);

    public Session Open(Slot slot, bool readWrite)
    {
        var session = new Session((ulong)Interlocked.Increment(ref lastHandle), slot, readWrite);
        sessions[session.Handle] = session;
        Interlocked.Increment(ref OpenCount(slot).Value);
        return session;
    }

    public bool Remove(ulong handle, out Session? session)
    {
        if (!sessions.TryRemove(handle, out session)) return false;
        Interlocked.Decrement(ref OpenCount(session.Slot).Value);
        return true;
    }

    /// <summary>True while the slot has an open session: a counter, so that C_CloseSession does not snapshot every
    /// session (ConcurrentDictionary.Values takes all its locks and copies).</summary>
    public bool AnyOn(Slot slot) => Volatile.Read(ref OpenCount(slot).Value) > 0;

    public IEnumerable<Session> OnSlot(Slot slot) => sessions.Values.Where(s => s.Slot == slot);

    public IEnumerable<Session> All => sessions.Values;

    private StrongBox<int> OpenCount(Slot slot) => openCounts.GetOrAdd(slot, static _ => new StrongBox<int>());
}
