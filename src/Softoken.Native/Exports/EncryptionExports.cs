using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Softoken.Module;
using Softoken.Native.Abi;
using Softoken.Native.Interop;

namespace Softoken.Native.Exports;

/// <summary>Encryption and decryption (PKCS #11 v3.0 sections 5.9 and 5.11): one code path for both directions.</summary>
internal static unsafe class EncryptionExports
{
    [UnmanagedCallersOnly(EntryPoint = "C_EncryptInit", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_EncryptInit(CK_ULONG hSession, CK_MECHANISM* pMechanism, CK_ULONG hKey) => Init(hSession, pMechanism, hKey, true);

    [UnmanagedCallersOnly(EntryPoint = "C_Encrypt", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_Encrypt(CK_ULONG hSession, byte* pData, CK_ULONG ulDataLen, byte* pEncryptedData, CK_ULONG* pulEncryptedDataLen) =>
        OneShot(hSession, pData, ulDataLen, pEncryptedData, pulEncryptedDataLen, true);

    [UnmanagedCallersOnly(EntryPoint = "C_EncryptUpdate", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_EncryptUpdate(CK_ULONG hSession, byte* pPart, CK_ULONG ulPartLen, byte* pEncryptedPart, CK_ULONG* pulEncryptedPartLen) =>
        Update(hSession, pPart, ulPartLen, pEncryptedPart, pulEncryptedPartLen, true);

    [UnmanagedCallersOnly(EntryPoint = "C_EncryptFinal", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_EncryptFinal(CK_ULONG hSession, byte* pLastEncryptedPart, CK_ULONG* pulLastEncryptedPartLen) =>
        Final(hSession, pLastEncryptedPart, pulLastEncryptedPartLen, true);

    [UnmanagedCallersOnly(EntryPoint = "C_DecryptInit", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_DecryptInit(CK_ULONG hSession, CK_MECHANISM* pMechanism, CK_ULONG hKey) => Init(hSession, pMechanism, hKey, false);

    [UnmanagedCallersOnly(EntryPoint = "C_Decrypt", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_Decrypt(CK_ULONG hSession, byte* pEncryptedData, CK_ULONG ulEncryptedDataLen, byte* pData, CK_ULONG* pulDataLen) =>
        OneShot(hSession, pEncryptedData, ulEncryptedDataLen, pData, pulDataLen, false);

    [UnmanagedCallersOnly(EntryPoint = "C_DecryptUpdate", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_DecryptUpdate(CK_ULONG hSession, byte* pEncryptedPart, CK_ULONG ulEncryptedPartLen, byte* pPart, CK_ULONG* pulPartLen) =>
        Update(hSession, pEncryptedPart, ulEncryptedPartLen, pPart, pulPartLen, false);

    [UnmanagedCallersOnly(EntryPoint = "C_DecryptFinal", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_DecryptFinal(CK_ULONG hSession, byte* pLastPart, CK_ULONG* pulLastPartLen) =>
        Final(hSession, pLastPart, pulLastPartLen, false);

    private static CK_ULONG Init(CK_ULONG hSession, CK_MECHANISM* pMechanism, CK_ULONG hKey, bool encrypt)
    {
        try
        {
            var module = SoftokenModule.Current;
            var session = module.Sessions.Get(hSession);
            var (type, parameter) = Mechanism.Decode(pMechanism);
            if (encrypt) module.EncryptInit(session, type, parameter, hKey);
            else module.DecryptInit(session, type, parameter, hKey);
            return Boundary.Ok;
        }
        catch (Exception e)
        {
            return Boundary.ToRv(e);
        }
    }

    private static CK_ULONG OneShot(CK_ULONG hSession, byte* pIn, CK_ULONG ulIn, byte* pOut, CK_ULONG* pulOut, bool encrypt)
    {
        try
        {
            var session = SoftokenModule.Current.Sessions.Get(hSession);
            var input = Args.In(pIn, ulIn);
            var output = Output.Caller(pOut, pulOut);
            bool done = session.CipherOneShot(encrypt, input, output, out int length);
            return Output.Answer(done, output, pulOut, length);
        }
        catch (Exception e)
        {
            return Boundary.ToRv(e);
        }
    }

    private static CK_ULONG Update(CK_ULONG hSession, byte* pIn, CK_ULONG ulIn, byte* pOut, CK_ULONG* pulOut, bool encrypt)
    {
        try
        {
            var session = SoftokenModule.Current.Sessions.Get(hSession);
            var input = Args.In(pIn, ulIn);
            if (!Output.Prepare(pOut, pulOut, session.CipherUpdateLength(encrypt, input.Length), out var rv)) return rv;
            *pulOut = (CK_ULONG)session.CipherUpdate(encrypt, input, Output.Span(pOut, pulOut));
            return Boundary.Ok;
        }
        catch (Exception e)
        {
            return Boundary.ToRv(e);
        }
    }

    private static CK_ULONG Final(CK_ULONG hSession, byte* pOut, CK_ULONG* pulOut, bool encrypt)
    {
        try
        {
            var session = SoftokenModule.Current.Sessions.Get(hSession);
            if (!Output.Prepare(pOut, pulOut, session.CipherFinalLength(encrypt), out var rv)) return rv;
            *pulOut = (CK_ULONG)session.CipherFinal(encrypt, Output.Span(pOut, pulOut));
            return Boundary.Ok;
        }
        catch (Exception e)
        {
            return Boundary.ToRv(e);
        }
    }
}
