using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Softoken.Native.Abi;
using Softoken.Native.Interop;

namespace Softoken.Native.Exports;

/// <summary>Signing and verifying (PKCS #11 v3.0 sections 5.13 and 5.14).</summary>
internal static unsafe class SigningExports
{
    [UnmanagedCallersOnly(EntryPoint = "C_SignInit", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_SignInit(CK_ULONG hSession, CK_MECHANISM* pMechanism, CK_ULONG hKey) => Boundary.NotSupported();

    [UnmanagedCallersOnly(EntryPoint = "C_Sign", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_Sign(CK_ULONG hSession, byte* pData, CK_ULONG ulDataLen, byte* pSignature, CK_ULONG* pulSignatureLen) => Boundary.NotSupported();

    [UnmanagedCallersOnly(EntryPoint = "C_SignUpdate", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_SignUpdate(CK_ULONG hSession, byte* pPart, CK_ULONG ulPartLen) => Boundary.NotSupported();

    [UnmanagedCallersOnly(EntryPoint = "C_SignFinal", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_SignFinal(CK_ULONG hSession, byte* pSignature, CK_ULONG* pulSignatureLen) => Boundary.NotSupported();

    [UnmanagedCallersOnly(EntryPoint = "C_SignRecoverInit", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_SignRecoverInit(CK_ULONG hSession, CK_MECHANISM* pMechanism, CK_ULONG hKey) => Boundary.NotSupported();

    [UnmanagedCallersOnly(EntryPoint = "C_SignRecover", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_SignRecover(CK_ULONG hSession, byte* pData, CK_ULONG ulDataLen, byte* pSignature, CK_ULONG* pulSignatureLen) => Boundary.NotSupported();

    [UnmanagedCallersOnly(EntryPoint = "C_VerifyInit", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_VerifyInit(CK_ULONG hSession, CK_MECHANISM* pMechanism, CK_ULONG hKey) => Boundary.NotSupported();

    [UnmanagedCallersOnly(EntryPoint = "C_Verify", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_Verify(CK_ULONG hSession, byte* pData, CK_ULONG ulDataLen, byte* pSignature, CK_ULONG ulSignatureLen) => Boundary.NotSupported();

    [UnmanagedCallersOnly(EntryPoint = "C_VerifyUpdate", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_VerifyUpdate(CK_ULONG hSession, byte* pPart, CK_ULONG ulPartLen) => Boundary.NotSupported();

    [UnmanagedCallersOnly(EntryPoint = "C_VerifyFinal", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_VerifyFinal(CK_ULONG hSession, byte* pSignature, CK_ULONG ulSignatureLen) => Boundary.NotSupported();

    [UnmanagedCallersOnly(EntryPoint = "C_VerifyRecoverInit", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_VerifyRecoverInit(CK_ULONG hSession, CK_MECHANISM* pMechanism, CK_ULONG hKey) => Boundary.NotSupported();

    [UnmanagedCallersOnly(EntryPoint = "C_VerifyRecover", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_VerifyRecover(CK_ULONG hSession, byte* pSignature, CK_ULONG ulSignatureLen, byte* pData, CK_ULONG* pulDataLen) => Boundary.NotSupported();
}
