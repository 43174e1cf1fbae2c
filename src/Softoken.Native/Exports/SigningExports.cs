using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Softoken.Mechanisms.Parameters;
using Softoken.Module;
using Softoken.Native.Abi;
using Softoken.Native.Interop;
using Softoken.Pkcs11;
using Softoken.Sessions;

namespace Softoken.Native.Exports;

/// <summary>Signing, MACs and verification, with and without recovery (PKCS #11 v3.0 sections 5.13 and 5.14).</summary>
internal static unsafe class SigningExports
{
    private delegate void InitFunction(SoftokenModule module, Session session, CKM type, MechanismParameter parameter, ulong hKey);

    [UnmanagedCallersOnly(EntryPoint = "C_SignInit", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_SignInit(CK_ULONG hSession, CK_MECHANISM* pMechanism, CK_ULONG hKey) =>
        Init(hSession, pMechanism, hKey, static (m, s, t, p, k) => m.SignInit(s, t, p, k));

    [UnmanagedCallersOnly(EntryPoint = "C_Sign", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_Sign(CK_ULONG hSession, byte* pData, CK_ULONG ulDataLen, byte* pSignature, CK_ULONG* pulSignatureLen)
    {
        try
        {
            var session = SoftokenModule.Current.Sessions.Get(hSession);
            var data = Args.In(pData, ulDataLen);
            var output = Output.Caller(pSignature, pulSignatureLen);
            bool done = session.Sign(data, output, out int length);
            return Output.Answer(done, output, pulSignatureLen, length);
        }
        catch (Exception e)
        {
            return Boundary.ToRv(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "C_SignUpdate", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_SignUpdate(CK_ULONG hSession, byte* pPart, CK_ULONG ulPartLen)
    {
        try
        {
            SoftokenModule.Current.Sessions.Get(hSession).SignUpdate(Args.In(pPart, ulPartLen));
            return Boundary.Ok;
        }
        catch (Exception e)
        {
            return Boundary.ToRv(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "C_SignFinal", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_SignFinal(CK_ULONG hSession, byte* pSignature, CK_ULONG* pulSignatureLen)
    {
        try
        {
            var session = SoftokenModule.Current.Sessions.Get(hSession);
            int needed = session.SignLength();
            if (pSignature != null && pulSignatureLen != null && session.SignLengthFromBuffer) needed = Args.Length(*pulSignatureLen);
            if (!Output.Prepare(pSignature, pulSignatureLen, needed, out var rv)) return rv;
            *pulSignatureLen = (CK_ULONG)session.SignFinal(Output.Span(pSignature, pulSignatureLen));
            return Boundary.Ok;
        }
        catch (Exception e)
        {
            return Boundary.ToRv(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "C_SignRecoverInit", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_SignRecoverInit(CK_ULONG hSession, CK_MECHANISM* pMechanism, CK_ULONG hKey) =>
        Init(hSession, pMechanism, hKey, static (m, s, t, p, k) => m.SignRecoverInit(s, t, p, k));

    [UnmanagedCallersOnly(EntryPoint = "C_SignRecover", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_SignRecover(CK_ULONG hSession, byte* pData, CK_ULONG ulDataLen, byte* pSignature, CK_ULONG* pulSignatureLen) =>
        Recover(hSession, pData, ulDataLen, pSignature, pulSignatureLen, sign: true);

    [UnmanagedCallersOnly(EntryPoint = "C_VerifyInit", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_VerifyInit(CK_ULONG hSession, CK_MECHANISM* pMechanism, CK_ULONG hKey) =>
        Init(hSession, pMechanism, hKey, static (m, s, t, p, k) => m.VerifyInit(s, t, p, k));

    [UnmanagedCallersOnly(EntryPoint = "C_Verify", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_Verify(CK_ULONG hSession, byte* pData, CK_ULONG ulDataLen, byte* pSignature, CK_ULONG ulSignatureLen)
    {
        try
        {
            var session = SoftokenModule.Current.Sessions.Get(hSession);
            session.Verify(Args.In(pData, ulDataLen), Args.In(pSignature, ulSignatureLen));
            return Boundary.Ok;
        }
        catch (Exception e)
        {
            return Boundary.ToRv(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "C_VerifyUpdate", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_VerifyUpdate(CK_ULONG hSession, byte* pPart, CK_ULONG ulPartLen)
    {
        try
        {
            SoftokenModule.Current.Sessions.Get(hSession).VerifyUpdate(Args.In(pPart, ulPartLen));
            return Boundary.Ok;
        }
        catch (Exception e)
        {
            return Boundary.ToRv(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "C_VerifyFinal", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_VerifyFinal(CK_ULONG hSession, byte* pSignature, CK_ULONG ulSignatureLen)
    {
        try
        {
            SoftokenModule.Current.Sessions.Get(hSession).VerifyFinal(Args.In(pSignature, ulSignatureLen));
            return Boundary.Ok;
        }
        catch (Exception e)
        {
            return Boundary.ToRv(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "C_VerifyRecoverInit", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_VerifyRecoverInit(CK_ULONG hSession, CK_MECHANISM* pMechanism, CK_ULONG hKey) =>
        Init(hSession, pMechanism, hKey, static (m, s, t, p, k) => m.VerifyRecoverInit(s, t, p, k));

    [UnmanagedCallersOnly(EntryPoint = "C_VerifyRecover", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_VerifyRecover(CK_ULONG hSession, byte* pSignature, CK_ULONG ulSignatureLen, byte* pData, CK_ULONG* pulDataLen) =>
        Recover(hSession, pSignature, ulSignatureLen, pData, pulDataLen, sign: false);

    private static CK_ULONG Init(CK_ULONG hSession, CK_MECHANISM* pMechanism, CK_ULONG hKey, InitFunction init)
    {
        try
        {
            var module = SoftokenModule.Current;
            var session = module.Sessions.Get(hSession);
            var (type, parameter) = Mechanism.Decode(pMechanism);
            init(module, session, type, parameter, hKey);
            return Boundary.Ok;
        }
        catch (Exception e)
        {
            return Boundary.ToRv(e);
        }
    }

    private static CK_ULONG Recover(CK_ULONG hSession, byte* pIn, CK_ULONG ulIn, byte* pOut, CK_ULONG* pulOut, bool sign)
    {
        try
        {
            var session = SoftokenModule.Current.Sessions.Get(hSession);
            var input = Args.In(pIn, ulIn);
            if (!Output.Prepare(pOut, pulOut, session.RecoverLength(sign, input.Length), out var rv)) return rv;
            *pulOut = (CK_ULONG)session.Recover(sign, input, Output.Span(pOut, pulOut));
            return Boundary.Ok;
        }
        catch (Exception e)
        {
            return Boundary.ToRv(e);
        }
    }

    /// <summary>PKCS #11 v3.2 section 5.15: verification with the signature given at init, on the mechanism's
    /// verify operation; the signature is checked when the data is complete.</summary>
    [UnmanagedCallersOnly(EntryPoint = "C_VerifySignatureInit", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_VerifySignatureInit(CK_ULONG hSession, CK_MECHANISM* pMechanism, CK_ULONG hKey, byte* pSignature,
        CK_ULONG ulSignatureLen)
    {
        try
        {
            var module = SoftokenModule.Current;
            var session = module.Sessions.Get(hSession);
            var (type, parameter) = Mechanism.Decode(pMechanism);
            Args.Require(pSignature);
            module.VerifySignatureInit(session, type, parameter, hKey, Args.In(pSignature, ulSignatureLen).ToArray());
            return Boundary.Ok;
        }
        catch (Exception e)
        {
            return Boundary.ToRv(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "C_VerifySignature", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_VerifySignature(CK_ULONG hSession, byte* pData, CK_ULONG ulDataLen)
    {
        try
        {
            SoftokenModule.Current.Sessions.Get(hSession).Verify(Args.In(pData, ulDataLen), default, signatureFirst: true);
            return Boundary.Ok;
        }
        catch (Exception e)
        {
            return Boundary.ToRv(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "C_VerifySignatureUpdate", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_VerifySignatureUpdate(CK_ULONG hSession, byte* pPart, CK_ULONG ulPartLen)
    {
        try
        {
            SoftokenModule.Current.Sessions.Get(hSession).VerifyUpdate(Args.In(pPart, ulPartLen), signatureFirst: true);
            return Boundary.Ok;
        }
        catch (Exception e)
        {
            return Boundary.ToRv(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "C_VerifySignatureFinal", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_VerifySignatureFinal(CK_ULONG hSession)
    {
        try
        {
            SoftokenModule.Current.Sessions.Get(hSession).VerifyFinal(default, signatureFirst: true);
            return Boundary.Ok;
        }
        catch (Exception e)
        {
            return Boundary.ToRv(e);
        }
    }
}
