using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Softoken.Native.Abi;
using Softoken.Native.Interop;

namespace Softoken.Native.Exports;

/// <summary>Dual-function cryptographic functions (PKCS #11 v3.0 section 5.15).</summary>
internal static unsafe class DualFunctionExports
{
    [UnmanagedCallersOnly(EntryPoint = "C_DigestEncryptUpdate", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_DigestEncryptUpdate(CK_ULONG hSession, byte* pPart, CK_ULONG ulPartLen, byte* pEncryptedPart, CK_ULONG* pulEncryptedPartLen) => Boundary.NotSupported();

    [UnmanagedCallersOnly(EntryPoint = "C_DecryptDigestUpdate", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_DecryptDigestUpdate(CK_ULONG hSession, byte* pEncryptedPart, CK_ULONG ulEncryptedPartLen, byte* pPart, CK_ULONG* pulPartLen) => Boundary.NotSupported();

    [UnmanagedCallersOnly(EntryPoint = "C_SignEncryptUpdate", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_SignEncryptUpdate(CK_ULONG hSession, byte* pPart, CK_ULONG ulPartLen, byte* pEncryptedPart, CK_ULONG* pulEncryptedPartLen) => Boundary.NotSupported();

    [UnmanagedCallersOnly(EntryPoint = "C_DecryptVerifyUpdate", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_DecryptVerifyUpdate(CK_ULONG hSession, byte* pEncryptedPart, CK_ULONG ulEncryptedPartLen, byte* pPart, CK_ULONG* pulPartLen) => Boundary.NotSupported();
}
