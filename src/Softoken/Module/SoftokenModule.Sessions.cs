using Softoken.Pkcs11;
using Softoken.Sessions;

namespace Softoken.Module;

internal sealed partial class SoftokenModule
{
    /// <summary>C_OpenSession. Like softokn, the crypto slot accepts read/write sessions (for session objects);
    /// token objects there are refused with CKR_TOKEN_WRITE_PROTECTED.</summary>
    public Session OpenSession(ulong slotId, ulong flags)
    {
        var slot = GetSlot(slotId);
        if ((flags & CKF.CKF_SERIAL_SESSION) == 0) throw new Pkcs11Exception(CKR.CKR_SESSION_PARALLEL_NOT_SUPPORTED);
        bool readWrite = (flags & CKF.CKF_RW_SESSION) != 0;
        if (readWrite && slot.Store is { ReadOnly: true }) throw new Pkcs11Exception(CKR.CKR_TOKEN_WRITE_PROTECTED);
        lock (Gate)
        {
            if (!readWrite && slot.LoggedIn == CKU.CKU_SO) throw new Pkcs11Exception(CKR.CKR_SESSION_READ_WRITE_SO_EXISTS);
            return Sessions.Open(slot, readWrite);
        }
    }

    public void CloseSession(ulong handle)
    {
        lock (Gate)
        {
            if (!Sessions.Remove(handle, out var session) || session is null)
                throw new Pkcs11Exception(CKR.CKR_SESSION_HANDLE_INVALID);
            session.EndOperations();
            Objects.RemoveOwnedBy(handle);
            // PKCS #11 5.6: closing the last session of a slot logs the user out.
            if (!session.Slot.HasOpenSessions) ForgetLogin(session.Slot);
        }
    }

    public void CloseAllSessions(ulong slotId)
    {
        var slot = GetSlot(slotId);
        lock (Gate)
        {
            foreach (var session in Sessions.OnSlot(slot).ToArray())
            {
                Sessions.Remove(session.Handle, out _);
                session.EndOperations();
                Objects.RemoveOwnedBy(session.Handle);
            }
            ForgetLogin(slot);
        }
    }
}
