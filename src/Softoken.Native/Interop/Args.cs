using Softoken.Pkcs11;

namespace Softoken.Native.Interop;

/// <summary>Argument checks shared by every export. No pointer below 4096 is ever dereferenced: the first page
/// is never mapped, so such a value is garbage (test suites pass (void*)1 on purpose).</summary>
internal static unsafe class Args
{
    private const nuint FirstValidAddress = 4096;

    public static bool IsBad(void* p) => p != null && (nuint)p < FirstValidAddress;

    /// <summary>A pointer the function cannot do without.</summary>
    public static void Require(void* p)
    {
        if (p == null || (nuint)p < FirstValidAddress) throw new Pkcs11Exception(CKR.CKR_ARGUMENTS_BAD);
    }

    /// <summary>An input buffer: a NULL pointer is allowed only with length 0.</summary>
    public static ReadOnlySpan<byte> In(byte* p, CK_ULONG length)
    {
        if (length == 0) return ReadOnlySpan<byte>.Empty;
        Require(p);
        if ((ulong)length > int.MaxValue) throw new Pkcs11Exception(CKR.CKR_ARGUMENTS_BAD);
        return new ReadOnlySpan<byte>(p, (int)length);
    }

    public static int Length(CK_ULONG length) =>
        (ulong)length > int.MaxValue ? throw new Pkcs11Exception(CKR.CKR_ARGUMENTS_BAD) : (int)length;

    public static CKR ToCkr(CK_ULONG value) => (CKR)(ulong)value;
}
