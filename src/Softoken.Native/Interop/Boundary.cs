using Softoken.Module;
using Softoken.Pkcs11;

namespace Softoken.Native.Interop;

/// <summary>The one place where an exception becomes a CK_RV. Every export catches once and calls
/// <see cref="ToRv"/>: an exception escaping an [UnmanagedCallersOnly] method would kill the host process.</summary>
internal static class Boundary
{
    public static CK_ULONG ToRv(Exception e) => e switch
    {
        Pkcs11Exception p => Rv(p.Rv),
        OutOfMemoryException or InsufficientExecutionStackException => Rv(CKR.CKR_HOST_MEMORY),
        _ => Rv(CKR.CKR_GENERAL_ERROR),
    };

    public static CK_ULONG Rv(CKR rv) => (CK_ULONG)(ulong)rv;

    public static readonly CK_ULONG Ok = Rv(CKR.CKR_OK);

    /// <summary>For functions Softoken does not offer: CKR_CRYPTOKI_NOT_INITIALIZED before C_Initialize,
    /// CKR_FUNCTION_NOT_SUPPORTED after (PKCS #11 v3.0 section 5.1: every function is present).</summary>
    public static CK_ULONG NotSupported() =>
        SoftokenModule.IsInitialized ? Rv(CKR.CKR_FUNCTION_NOT_SUPPORTED) : Rv(CKR.CKR_CRYPTOKI_NOT_INITIALIZED);
}
