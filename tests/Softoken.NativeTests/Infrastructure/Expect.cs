using Net.Pkcs11Interop.Common;

namespace Softoken.NativeTests.Infrastructure;

/// <summary>Assertions on the CK_RV behind a high-level Pkcs11Interop call.</summary>
internal static class Expect
{
    public static void Rv(CKR expected, Action action)
    {
        var e = Assert.Throws<Pkcs11Exception>(action);
        Assert.Equal(expected, e.RV);
    }

    public static void Rv<T>(CKR expected, Func<T> action) => Rv(expected, () => { _ = action(); });

    /// <summary>Asserts a low-level return value with the call named in the failure message.</summary>
    public static void Ok(CKR rv, string what = "call") => Assert.True(rv == CKR.CKR_OK, $"{what} returned {rv}");
}
