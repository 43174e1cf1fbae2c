using Softoken.Operations;
using Softoken.Pkcs11;
using Softoken.Slots;

namespace Softoken.Sessions;

/// <summary>One open session: its slot, its read/write flag and its active operations (one per kind). The
/// session lock serialises calls on one session; the module lock, when needed, is taken after it.</summary>
internal sealed partial class Session
{
    public Session(ulong handle, Slot slot, bool readWrite)
    {
        Handle = handle;
        Slot = slot;
        ReadWrite = readWrite;
    }

    public ulong Handle { get; }

    public Slot Slot { get; }

    public bool ReadWrite { get; }

    public Lock Gate { get; } = new();

    /// <summary>Set by a CKU_CONTEXT_SPECIFIC login, consumed by the operation that needed it.</summary>
    public bool ContextAuthenticated { get; set; }

    public DigestOperation? Digest { get; set; }

    public FindOperation? Find { get; set; }

    public bool HasActiveOperation =>
        Digest is not null || EncryptOp is not null || DecryptOp is not null || SignOp is not null || VerifyOp is not null
        || SignRecoverOp is not null || VerifyRecoverOp is not null;

    public CKS State => Slot.LoggedIn switch
    {
        CKU.CKU_SO => CKS.CKS_RW_SO_FUNCTIONS,
        CKU.CKU_USER => ReadWrite ? CKS.CKS_RW_USER_FUNCTIONS : CKS.CKS_RO_USER_FUNCTIONS,
        _ => ReadWrite ? CKS.CKS_RW_PUBLIC_SESSION : CKS.CKS_RO_PUBLIC_SESSION,
    };

    public ulong Flags => CKF.CKF_SERIAL_SESSION | (ReadWrite ? CKF.CKF_RW_SESSION : 0);

    /// <summary>C_SessionCancel: ends the active operations named by CKF_ operation flags.</summary>
    public void Cancel(ulong operationFlags)
    {
        lock (Gate)
        {
            if ((operationFlags & CKF.CKF_DIGEST) != 0)
            {
                Digest?.Dispose();
                Digest = null;
            }
            if ((operationFlags & CKF.CKF_FIND_OBJECTS) != 0) Find = null;
            EndCryptoOperations(operationFlags);
        }
    }

    /// <summary>Ends every active operation, wiping what they hold.</summary>
    public void EndOperations()
    {
        lock (Gate)
        {
            Digest?.Dispose();
            Digest = null;
            DisposeIdleDigest();
            Find = null;
            EndCryptoOperations(ulong.MaxValue);
            ContextAuthenticated = false;
        }
    }
}
