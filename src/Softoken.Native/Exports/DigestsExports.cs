using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Softoken.Module;
using Softoken.Native.Abi;
using Softoken.Native.Interop;
using Softoken.Pkcs11;
using Softoken.Sessions;

namespace Softoken.Native.Exports;

/// <summary>Message digesting (PKCS #11 v3.0 section 5.12). C_Digest and C_DigestFinal end the operation on every
/// answer but a length query or CKR_BUFFER_TOO_SMALL, and C_DigestUpdate on every error: bad arguments included,
/// so those three end it at the boundary too.</summary>
internal static unsafe class DigestsExports
{
    [UnmanagedCallersOnly(EntryPoint = "C_DigestInit", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_DigestInit(CK_ULONG hSession, CK_MECHANISM* pMechanism)
    {
        try
        {
            var session = SoftokenModule.Current.Sessions.Get(hSession);
            session.DigestInit(Mechanism.Type(pMechanism), Mechanism.Parameter(pMechanism));
            return Boundary.Ok;
        }
        catch (Exception e)
        {
            return Boundary.ToRv(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "C_Digest", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_Digest(CK_ULONG hSession, byte* pData, CK_ULONG ulDataLen, byte* pDigest, CK_ULONG* pulDigestLen)
    {
        Session? session = null;
        try
        {
            session = SoftokenModule.Current.Sessions.Get(hSession);
            var data = Args.In(pData, ulDataLen);
            var output = Output.Caller(pDigest, pulDigestLen);
            bool done = session.DigestOnce(data, output, out int length);
            return Output.Answer(done, output, pulDigestLen, length);
        }
        catch (Exception e)
        {
            return EndDigest(session, e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "C_DigestUpdate", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_DigestUpdate(CK_ULONG hSession, byte* pPart, CK_ULONG ulPartLen)
    {
        Session? session = null;
        try
        {
            session = SoftokenModule.Current.Sessions.Get(hSession);
            session.DigestUpdate(Args.In(pPart, ulPartLen));
            return Boundary.Ok;
        }
        catch (Exception e)
        {
            return EndDigest(session, e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "C_DigestKey", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_DigestKey(CK_ULONG hSession, CK_ULONG hKey)
    {
        try
        {
            var module = SoftokenModule.Current;
            module.DigestKey(module.Sessions.Get(hSession), hKey);
            return Boundary.Ok;
        }
        catch (Exception e)
        {
            return Boundary.ToRv(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "C_DigestFinal", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_DigestFinal(CK_ULONG hSession, byte* pDigest, CK_ULONG* pulDigestLen)
    {
        Session? session = null;
        try
        {
            session = SoftokenModule.Current.Sessions.Get(hSession);
            if (!Output.Prepare(pDigest, pulDigestLen, session.DigestLength(), out var rv)) return rv;
            *pulDigestLen = (CK_ULONG)session.DigestFinal(Output.Span(pDigest, pulDigestLen));
            return Boundary.Ok;
        }
        catch (Exception e)
        {
            return EndDigest(session, e);
        }
    }

    /// <summary>The error answer of C_Digest, C_DigestUpdate and C_DigestFinal: the operation ends with it.</summary>
    private static CK_ULONG EndDigest(Session? session, Exception e)
    {
        session?.Cancel(CKF.CKF_DIGEST);
        return Boundary.ToRv(e);
    }
}
