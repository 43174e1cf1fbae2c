using Softoken.Pkcs11;
using Softoken.Sessions;

namespace Softoken.Native.Interop;

/// <summary>The output-buffer convention of PKCS #11 v3.0 section 5.2, written once: a NULL buffer asks for the
/// length (CKR_OK); a buffer that is too small gets CKR_BUFFER_TOO_SMALL with the needed length, and the
/// operation stays active in both cases.</summary>
internal static unsafe class Output
{
    /// <summary>Returns true when the caller may write up to <c>*pulLen</c> bytes at <paramref name="p"/>;
    /// otherwise <paramref name="rv"/> is the answer and <c>*pulLen</c> holds <paramref name="needed"/>.</summary>
    public static bool Prepare(void* p, CK_ULONG* pulLen, int needed, out CK_ULONG rv)
    {
        Args.Require(pulLen);
        rv = Boundary.Ok;
        if (p == null)
        {
            *pulLen = (CK_ULONG)needed;
            return false;
        }
        if (Args.IsBad(p)) throw new Pkcs11Exception(CKR.CKR_ARGUMENTS_BAD);
        if ((ulong)*pulLen < (ulong)needed)
        {
            *pulLen = (CK_ULONG)needed;
            rv = Boundary.Rv(CKR.CKR_BUFFER_TOO_SMALL);
            return false;
        }
        return true;
    }

    /// <summary>The caller's buffer of a single-part call for the session to check and fill under one lock
    /// (<see cref="CallerBuffer"/>): a missing or bad length pointer, a bad buffer pointer or a length beyond
    /// int.MaxValue make it unusable (CKR_ARGUMENTS_BAD, as <see cref="Prepare"/> and <see cref="Span"/> answer).</summary>
    public static CallerBuffer Caller(byte* p, CK_ULONG* pulLen)
    {
        if (pulLen == null || Args.IsBad(pulLen)) return CallerBuffer.Unusable;
        if (p == null) return CallerBuffer.Query;
        if (Args.IsBad(p) || (ulong)*pulLen > int.MaxValue) return CallerBuffer.Unusable;
        return CallerBuffer.Of(new Span<byte>(p, (int)(ulong)*pulLen));
    }

    /// <summary>The answer of a single-part call after the session ran it (<paramref name="done"/>: the result's
    /// length) or declined it (the length needed: CKR_OK for a length query, else CKR_BUFFER_TOO_SMALL).</summary>
    public static CK_ULONG Answer(bool done, CallerBuffer output, CK_ULONG* pulLen, int length)
    {
        *pulLen = (CK_ULONG)length;
        return done || !output.Present ? Boundary.Ok : Boundary.Rv(CKR.CKR_BUFFER_TOO_SMALL);
    }

    /// <summary>The destination span of a prepared buffer.</summary>
    public static Span<byte> Span(byte* p, CK_ULONG* pulLen) => new(p, Args.Length(*pulLen));

    /// <summary>Copies a whole result under the convention.</summary>
    public static CK_ULONG Copy(ReadOnlySpan<byte> result, byte* p, CK_ULONG* pulLen)
    {
        if (!Prepare(p, pulLen, result.Length, out var rv)) return rv;
        result.CopyTo(new Span<byte>(p, result.Length));
        *pulLen = (CK_ULONG)result.Length;
        return Boundary.Ok;
    }

    /// <summary>A list of CK_ULONG values (slot IDs, mechanism types) under the same convention.</summary>
    public static CK_ULONG CopyList(ReadOnlySpan<ulong> values, CK_ULONG* p, CK_ULONG* pulCount)
    {
        if (!Prepare(p, pulCount, values.Length, out var rv)) return rv;
        for (int i = 0; i < values.Length; i++) p[i] = (CK_ULONG)values[i];
        *pulCount = (CK_ULONG)values.Length;
        return Boundary.Ok;
    }
}
