using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Softoken.Native.Abi;
using Softoken.Native.Interop;

namespace Softoken.Native.Exports;

/// <summary>Message-based functions (PKCS #11 v3.0 sections 5.10, 5.11, 5.13, 5.14).</summary>
internal static unsafe class MessagesExports
{
    [UnmanagedCallersOnly(EntryPoint = "C_MessageEncryptInit", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_MessageEncryptInit(CK_ULONG hSession, CK_MECHANISM* pMechanism, CK_ULONG hKey) => Boundary.NotSupported();

    [UnmanagedCallersOnly(EntryPoint = "C_EncryptMessage", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_EncryptMessage(CK_ULONG hSession, void* pParameter, CK_ULONG ulParameterLen, byte* pAssociatedData, CK_ULONG ulAssociatedDataLen, byte* pPlaintext, CK_ULONG ulPlaintextLen, byte* pCiphertext, CK_ULONG* pulCiphertextLen) => Boundary.NotSupported();

    [UnmanagedCallersOnly(EntryPoint = "C_EncryptMessageBegin", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_EncryptMessageBegin(CK_ULONG hSession, void* pParameter, CK_ULONG ulParameterLen, byte* pAssociatedData, CK_ULONG ulAssociatedDataLen) => Boundary.NotSupported();

    [UnmanagedCallersOnly(EntryPoint = "C_EncryptMessageNext", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_EncryptMessageNext(CK_ULONG hSession, void* pParameter, CK_ULONG ulParameterLen, byte* pPlaintextPart, CK_ULONG ulPlaintextPartLen, byte* pCiphertextPart, CK_ULONG* pulCiphertextPartLen, CK_ULONG flags) => Boundary.NotSupported();

    [UnmanagedCallersOnly(EntryPoint = "C_MessageEncryptFinal", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_MessageEncryptFinal(CK_ULONG hSession) => Boundary.NotSupported();

    [UnmanagedCallersOnly(EntryPoint = "C_MessageDecryptInit", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_MessageDecryptInit(CK_ULONG hSession, CK_MECHANISM* pMechanism, CK_ULONG hKey) => Boundary.NotSupported();

    [UnmanagedCallersOnly(EntryPoint = "C_DecryptMessage", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_DecryptMessage(CK_ULONG hSession, void* pParameter, CK_ULONG ulParameterLen, byte* pAssociatedData, CK_ULONG ulAssociatedDataLen, byte* pCiphertext, CK_ULONG ulCiphertextLen, byte* pPlaintext, CK_ULONG* pulPlaintextLen) => Boundary.NotSupported();

    [UnmanagedCallersOnly(EntryPoint = "C_DecryptMessageBegin", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_DecryptMessageBegin(CK_ULONG hSession, void* pParameter, CK_ULONG ulParameterLen, byte* pAssociatedData, CK_ULONG ulAssociatedDataLen) => Boundary.NotSupported();

    [UnmanagedCallersOnly(EntryPoint = "C_DecryptMessageNext", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_DecryptMessageNext(CK_ULONG hSession, void* pParameter, CK_ULONG ulParameterLen, byte* pCiphertextPart, CK_ULONG ulCiphertextPartLen, byte* pPlaintextPart, CK_ULONG* pulPlaintextPartLen, CK_ULONG flags) => Boundary.NotSupported();

    [UnmanagedCallersOnly(EntryPoint = "C_MessageDecryptFinal", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_MessageDecryptFinal(CK_ULONG hSession) => Boundary.NotSupported();

    [UnmanagedCallersOnly(EntryPoint = "C_MessageSignInit", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_MessageSignInit(CK_ULONG hSession, CK_MECHANISM* pMechanism, CK_ULONG hKey) => Boundary.NotSupported();

    [UnmanagedCallersOnly(EntryPoint = "C_SignMessage", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_SignMessage(CK_ULONG hSession, void* pParameter, CK_ULONG ulParameterLen, byte* pData, CK_ULONG ulDataLen, byte* pSignature, CK_ULONG* pulSignatureLen) => Boundary.NotSupported();

    [UnmanagedCallersOnly(EntryPoint = "C_SignMessageBegin", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_SignMessageBegin(CK_ULONG hSession, void* pParameter, CK_ULONG ulParameterLen) => Boundary.NotSupported();

    [UnmanagedCallersOnly(EntryPoint = "C_SignMessageNext", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_SignMessageNext(CK_ULONG hSession, void* pParameter, CK_ULONG ulParameterLen, byte* pData, CK_ULONG ulDataLen, byte* pSignature, CK_ULONG* pulSignatureLen) => Boundary.NotSupported();

    [UnmanagedCallersOnly(EntryPoint = "C_MessageSignFinal", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_MessageSignFinal(CK_ULONG hSession) => Boundary.NotSupported();

    [UnmanagedCallersOnly(EntryPoint = "C_MessageVerifyInit", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_MessageVerifyInit(CK_ULONG hSession, CK_MECHANISM* pMechanism, CK_ULONG hKey) => Boundary.NotSupported();

    [UnmanagedCallersOnly(EntryPoint = "C_VerifyMessage", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_VerifyMessage(CK_ULONG hSession, void* pParameter, CK_ULONG ulParameterLen, byte* pData, CK_ULONG ulDataLen, byte* pSignature, CK_ULONG ulSignatureLen) => Boundary.NotSupported();

    [UnmanagedCallersOnly(EntryPoint = "C_VerifyMessageBegin", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_VerifyMessageBegin(CK_ULONG hSession, void* pParameter, CK_ULONG ulParameterLen) => Boundary.NotSupported();

    [UnmanagedCallersOnly(EntryPoint = "C_VerifyMessageNext", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_VerifyMessageNext(CK_ULONG hSession, void* pParameter, CK_ULONG ulParameterLen, byte* pData, CK_ULONG ulDataLen, byte* pSignature, CK_ULONG ulSignatureLen) => Boundary.NotSupported();

    [UnmanagedCallersOnly(EntryPoint = "C_MessageVerifyFinal", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_MessageVerifyFinal(CK_ULONG hSession) => Boundary.NotSupported();
}
