using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Softoken.Module;
using Softoken.Native.Abi;
using Softoken.Native.Interop;

namespace Softoken.Native.Exports;

/// <summary>Dual-function cryptographic functions (PKCS #11 v3.0 section 5.15): each runs two active operations of
/// the session on the same data. The output convention is checked first, so a length query consumes nothing.</summary>
internal static unsafe class DualFunctionExports
{
    [UnmanagedCallersOnly(EntryPoint = "C_DigestEncryptUpdate", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_DigestEncryptUpdate(CK_ULONG hSession, byte* pPart, CK_ULONG ulPartLen, byte* pEncryptedPart, CK_ULONG* pulEncryptedPartLen)
    {
        try
        {
            var session = SoftokenModule.Current.Sessions.Get(hSession);
            var part = Args.In(pPart, ulPartLen);
            if (!Output.Prepare(pEncryptedPart, pulEncryptedPartLen, session.CipherUpdateLength(true, part.Length), out var rv)) return rv;
            session.DigestLength();
            session.DigestUpdate(part);
            *pulEncryptedPartLen = (CK_ULONG)session.CipherUpdate(true, part, Output.Span(pEncryptedPart, pulEncryptedPartLen));
            return Boundary.Ok;
        }
        catch (Exception e)
        {
            return Boundary.ToRv(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "C_DecryptDigestUpdate", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_DecryptDigestUpdate(CK_ULONG hSession, byte* pEncryptedPart, CK_ULONG ulEncryptedPartLen, byte* pPart, CK_ULONG* pulPartLen)
    {
        try
        {
            var session = SoftokenModule.Current.Sessions.Get(hSession);
            var encrypted = Args.In(pEncryptedPart, ulEncryptedPartLen);
            if (!Output.Prepare(pPart, pulPartLen, session.CipherUpdateLength(false, encrypted.Length), out var rv)) return rv;
            session.DigestLength();
            int n = session.CipherUpdate(false, encrypted, Output.Span(pPart, pulPartLen));
            session.DigestUpdate(new ReadOnlySpan<byte>(pPart, n));
            *pulPartLen = (CK_ULONG)n;
            return Boundary.Ok;
        }
        catch (Exception e)
        {
            return Boundary.ToRv(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "C_SignEncryptUpdate", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_SignEncryptUpdate(CK_ULONG hSession, byte* pPart, CK_ULONG ulPartLen, byte* pEncryptedPart, CK_ULONG* pulEncryptedPartLen)
    {
        try
        {
            var session = SoftokenModule.Current.Sessions.Get(hSession);
            var part = Args.In(pPart, ulPartLen);
            if (!Output.Prepare(pEncryptedPart, pulEncryptedPartLen, session.CipherUpdateLength(true, part.Length), out var rv)) return rv;
            session.SignLength();
            session.SignUpdate(part);
            *pulEncryptedPartLen = (CK_ULONG)session.CipherUpdate(true, part, Output.Span(pEncryptedPart, pulEncryptedPartLen));
            return Boundary.Ok;
        }
        catch (Exception e)
        {
            return Boundary.ToRv(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "C_DecryptVerifyUpdate", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_DecryptVerifyUpdate(CK_ULONG hSession, byte* pEncryptedPart, CK_ULONG ulEncryptedPartLen, byte* pPart, CK_ULONG* pulPartLen)
    {
        try
        {
            var session = SoftokenModule.Current.Sessions.Get(hSession);
            var encrypted = Args.In(pEncryptedPart, ulEncryptedPartLen);
            if (!Output.Prepare(pPart, pulPartLen, session.CipherUpdateLength(false, encrypted.Length), out var rv)) return rv;
            if (session.VerifyOp is null) return Boundary.Rv(Pkcs11.CKR.CKR_OPERATION_NOT_INITIALIZED);
            int n = session.CipherUpdate(false, encrypted, Output.Span(pPart, pulPartLen));
            session.VerifyUpdate(new ReadOnlySpan<byte>(pPart, n));
            *pulPartLen = (CK_ULONG)n;
            return Boundary.Ok;
        }
        catch (Exception e)
        {
            return Boundary.ToRv(e);
        }
    }
}
