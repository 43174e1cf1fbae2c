using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Softoken.Native.Abi;
using Softoken.Native.Interop;

namespace Softoken.Native.Exports;

/// <summary>Encryption and decryption (PKCS #11 v3.0 sections 5.9 and 5.11).</summary>
internal static unsafe class EncryptionExports
{
    [UnmanagedCallersOnly(EntryPoint = "C_EncryptInit", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_EncryptInit(CK_ULONG hSession, CK_MECHANISM* pMechanism, CK_ULONG hKey) => Boundary.NotSupported();

    [UnmanagedCallersOnly(EntryPoint = "C_Encrypt", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_Encrypt(CK_ULONG hSession, byte* pData, CK_ULONG ulDataLen, byte* pEncryptedData, CK_ULONG* pulEncryptedDataLen) => Boundary.NotSupported();

    [UnmanagedCallersOnly(EntryPoint = "C_EncryptUpdate", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_EncryptUpdate(CK_ULONG hSession, byte* pPart, CK_ULONG ulPartLen, byte* pEncryptedPart, CK_ULONG* pulEncryptedPartLen) => Boundary.NotSupported();

    [UnmanagedCallersOnly(EntryPoint = "C_EncryptFinal", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_EncryptFinal(CK_ULONG hSession, byte* pLastEncryptedPart, CK_ULONG* pulLastEncryptedPartLen) => Boundary.NotSupported();

    [UnmanagedCallersOnly(EntryPoint = "C_DecryptInit", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_DecryptInit(CK_ULONG hSession, CK_MECHANISM* pMechanism, CK_ULONG hKey) => Boundary.NotSupported();

    [UnmanagedCallersOnly(EntryPoint = "C_Decrypt", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_Decrypt(CK_ULONG hSession, byte* pEncryptedData, CK_ULONG ulEncryptedDataLen, byte* pData, CK_ULONG* pulDataLen) => Boundary.NotSupported();

    [UnmanagedCallersOnly(EntryPoint = "C_DecryptUpdate", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_DecryptUpdate(CK_ULONG hSession, byte* pEncryptedPart, CK_ULONG ulEncryptedPartLen, byte* pPart, CK_ULONG* pulPartLen) => Boundary.NotSupported();

    [UnmanagedCallersOnly(EntryPoint = "C_DecryptFinal", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_DecryptFinal(CK_ULONG hSession, byte* pLastPart, CK_ULONG* pulLastPartLen) => Boundary.NotSupported();
}
