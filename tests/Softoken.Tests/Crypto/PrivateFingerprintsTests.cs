using System.Security.Cryptography;
using Softoken.Crypto;
using Softoken.Pkcs11;

namespace Softoken.Tests.Crypto;

/// <summary>PrivateFingerprints: one computation per key value array, context and use; forgotten with the key; and
/// for an EC key the same fingerprints as computed without it.</summary>
public sealed class PrivateFingerprintsTests
{
    [Fact]
    public void AFingerprintIsComputedOncePerValueArrayContextAndUse()
    {
        var value = RandomNumberGenerator.GetBytes(32);
        var curve = new object();
        int calls = 0;
        KeyFingerprint Compute(int n, string use) => new((ulong)Interlocked.Increment(ref calls), (ulong)n, (ulong)use.Length, 0);

        var first = PrivateFingerprints.Get(value, curve, "ecdsa", 1, Compute);
        Assert.Equal(first, PrivateFingerprints.Get(value, curve, "ecdsa", 2, Compute));
        Assert.Equal(1, calls);
        var ecdh = PrivateFingerprints.Get(value, curve, "ecdh", 3, Compute);
        Assert.NotEqual(first, ecdh);
        Assert.Equal(ecdh, PrivateFingerprints.Get(value, curve, "ecdh", 4, Compute));
        Assert.Equal(first, PrivateFingerprints.Get(value, curve, "ecdsa", 5, Compute));
        Assert.Equal(2, calls);

        // An equal value in another array, or the same array for another curve, is computed afresh.
        PrivateFingerprints.Get((byte[])value.Clone(), curve, "ecdsa", 6, Compute);
        Assert.Equal(3, calls);
        var otherCurve = PrivateFingerprints.Get(value, new object(), "ecdsa", 7, Compute);
        Assert.Equal(4, calls);
        Assert.NotEqual(first, otherCurve);
    }

    [Fact]
    public void ForgettingTheKeyDropsItsEntry()
    {
        var value = RandomNumberGenerator.GetBytes(32);
        var curve = new object();
        PrivateFingerprints.Get(value, curve, "ecdsa", 0, (_, _) => new KeyFingerprint(1, 2, 3, 4));
        Assert.True(PrivateFingerprints.Has(value));
        KeyValueCaches.Forget(MechanismCalls.Secret(value));
        Assert.False(PrivateFingerprints.Has(value));
        Assert.Equal(new KeyFingerprint(5, 6, 7, 8), PrivateFingerprints.Get(value, curve, "ecdsa", 0, (_, _) => new KeyFingerprint(5, 6, 7, 8)));
    }

    [Fact]
    public void AnEcPrivateKeysFingerprintsAreTheDirectHashesEveryTime()
    {
        var (_, priv) = TestKeys.P256;
        var value = priv.RequireBytes(CKA.CKA_VALUE);
        var oid = Pk.EncodedOid("1.2.840.10045.3.1.7");
        var d = Softoken.Crypto.Unsigned.PadLeft(value, 32);
        KeyFingerprint[] expected = [KeyFingerprint.Of("ecdsa-private", oid, d), KeyFingerprint.Of("ecdh-private", oid, d)];
        Assert.Equal(expected, EcKey.FingerprintsOf(priv));
        Assert.True(PrivateFingerprints.Has(value));
        Assert.Equal(expected, EcKey.FingerprintsOf(priv));
    }
}
