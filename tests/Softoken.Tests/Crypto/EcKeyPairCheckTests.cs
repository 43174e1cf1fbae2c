using System.Security.Cryptography;
using Softoken.Crypto;
using Softoken.Pkcs11;

namespace Softoken.Tests.Crypto;

/// <summary>The consistency check of CKM_EC_KEY_PAIR_GEN on OpenSSL's curves: BouncyCastle recomputes d*G and
/// compares it with the point OpenSSL generated.</summary>
public sealed class EcKeyPairCheckTests
{
    // NIST CAVP 186-3 ECDSA SigGen.txt, [P-256,SHA-256], first record: d, Qx, Qy.
    private static readonly byte[] CavpD = Pk.Hex("519b423d715f8b581f4fa8ee59f4771a5b44c8130b4e3eacca54a56dda72b464");
    private static readonly byte[] CavpQ = Pk.Hex("04" + "1ccbe91c075fc7f4f033bfa248db8fccd3565de94bbfb12f3c59ff46c271bf83"
        + "ce4014c68811f9a21a1fdb2c0e6113e06db7ca93b7404e78dc7ccd5ca89a4ca9");

    [Fact]
    public void AcceptsTheCavpKeyPair() => EcGenerator.KeyPairCheck(EcCurves.P256, CavpD, CavpQ);

    [Fact]
    public void RefusesACorruptedPointOrScalar()
    {
        for (int i = 1; i < CavpQ.Length; i += 16)
        {
            var q = (byte[])CavpQ.Clone();
            q[i] ^= 0x01;
            Pk.Throws(CKR.CKR_GENERAL_ERROR, () => EcGenerator.KeyPairCheck(EcCurves.P256, CavpD, q));
        }
        var d = (byte[])CavpD.Clone();
        d[^1] ^= 0x01;
        Pk.Throws(CKR.CKR_GENERAL_ERROR, () => EcGenerator.KeyPairCheck(EcCurves.P256, d, CavpQ));
    }

    public static TheoryData<string> PlatformCurves => new() { "1.2.840.10045.3.1.7", "1.3.132.0.35", "1.3.36.3.3.2.8.1.1.7" };

    /// <summary>Pairs OpenSSL generates (through .NET) pass BouncyCastle's recomputation: the two libraries agree on
    /// d*G, and a pair with another key's point does not pass.</summary>
    [Theory]
    [MemberData(nameof(PlatformCurves))]
    public void OpenSslPairsPassAndMismatchedPairsFail(string oid)
    {
        var curve = EcCurves.FromOid(oid)!;
        Assert.True(curve.UsePlatform);
        (byte[] D, byte[] Q) Generate()
        {
            using var key = ECDsa.Create(curve.PlatformCurve);
            var p = key.ExportParameters(true);
            return (Unsigned.PadLeft(p.D!, curve.OrderLength), [0x04, .. p.Q.X!, .. p.Q.Y!]);
        }
        var (d1, q1) = Generate();
        var (d2, q2) = Generate();
        EcGenerator.KeyPairCheck(curve, d1, q1);
        EcGenerator.KeyPairCheck(curve, d2, q2);
        Pk.Throws(CKR.CKR_GENERAL_ERROR, () => EcGenerator.KeyPairCheck(curve, d1, q2));
    }

    /// <summary>The check is chosen by whether BouncyCastle has the curve's field code: P-256 and P-521 take the
    /// key-pair check, brainpool keeps the sign-and-verify check.</summary>
    [Fact]
    public void FixedFieldCurvesAreTheSecCurves()
    {
        Assert.True(EcCurves.P256.BouncyFixedField);
        Assert.True(EcCurves.P521.BouncyFixedField);
        Assert.True(EcCurves.P384.BouncyFixedField);
        Assert.False(EcCurves.BrainpoolP256r1.BouncyFixedField);
        Assert.False(EcCurves.BrainpoolP512r1.BouncyFixedField);
    }

    /// <summary>Both mechanism rows still generate usable pairs on P-256 (the checked one and NSS's ECDHE one).</summary>
    [Theory]
    [InlineData((ulong)CKM.CKM_EC_KEY_PAIR_GEN)]
    [InlineData((ulong)CKM.CKM_NSS_ECDHE_NO_PAIRWISE_CHECK_KEY_PAIR_GEN)]
    public void BothRowsGenerateConsistentPairs(ulong mechanism)
    {
        var (pub, priv) = Pk.Generate((CKM)mechanism, Pk.Template((CKA.CKA_EC_PARAMS, Pk.EncodedOid("1.2.840.10045.3.1.7"))));
        var q = EcPoints.Unwrap(pub.RequireBytes(CKA.CKA_EC_POINT), EcCurves.P256, CKR.CKR_GENERAL_ERROR);
        EcGenerator.KeyPairCheck(EcCurves.P256, priv.RequireBytes(CKA.CKA_VALUE), q);
    }
}
