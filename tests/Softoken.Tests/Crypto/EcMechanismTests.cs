using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Signers;
using Softoken.Crypto;
using Softoken.Crypto.KeyEncoding;
using Softoken.Mechanisms;
using Softoken.Mechanisms.Parameters;
using Softoken.Objects;
using Softoken.Pkcs11;

namespace Softoken.Tests.Crypto;

public sealed class EcMechanismTests
{
    private static readonly byte[] P256 = Pk.EncodedOid("1.2.840.10045.3.1.7");

    // NIST CAVP 186-3 ECDSA test vectors, SigVer.rsp, [P-256,SHA-256], a record with Result = P.
    private const string SigVerMsg =
        "e1130af6a38ccb412a9c8d13e15dbfc9e69a16385af3c3f1e5da954fd5e7c45fd75e2b8c36699228e92840c0562fbf3772f07e17f1add56588dd45" +
        "f7450e1217ad239922dd9c32695dc71ff2424ca0dec1321aa47064a044b7fe3c2b97d03ce470a592304c5ef21eed9f93da56bb232d1eeb0035f9bf0d" +
        "fafdcc4606272b20a3";
    private const string SigVerQx = "e424dc61d4bb3cb7ef4344a7f8957a0c5134e16f7a67c074f82e6e12f49abf3c";
    private const string SigVerQy = "970eed7aa2bc48651545949de1dddaf0127e5965ac85d1243d6f60e7dfaee927";
    private const string SigVerR = "bf96b99aa49c705c910be33142017c642ff540c76349b9dab72f981fd9347f4f";
    private const string SigVerS = "17c55095819089c2e03b9cd415abdf12444e323075d98f31920b9e0f57ec871c";

    private static AttributeSet PublicKey(byte[] ecParams, byte[] point) =>
        Pk.Key(CKO.CKO_PUBLIC_KEY, CKK.CKK_EC, (CKA.CKA_EC_PARAMS, ecParams), (CKA.CKA_EC_POINT, point));

    [Fact]
    public void EcdsaVerifiesCavpSigVerVectorOnP256()
    {
        var raw = Pk.Hex("04" + SigVerQx + SigVerQy);
        var signature = Pk.Hex(SigVerR + SigVerS);
        var message = Pk.Hex(SigVerMsg);
        // CKA_EC_POINT as PKCS #11 says (DER OCTET STRING) and as some consumers send it (raw).
        foreach (var point in new[] { EcPoints.Wrap(raw), raw })
        {
            Assert.True(Pk.Verify(CKM.CKM_ECDSA_SHA256, PublicKey(P256, point), message, signature));
            Assert.True(Pk.Verify(CKM.CKM_ECDSA, PublicKey(P256, point), SHA256.HashData(message), signature));
        }
        var altered = (byte[])signature.Clone();
        altered[5] ^= 1;
        Assert.False(Pk.Verify(CKM.CKM_ECDSA_SHA256, PublicKey(P256, raw), message, altered));
        Assert.False(Pk.Verify(CKM.CKM_ECDSA_SHA256, PublicKey(P256, raw), message[1..], signature));
        Pk.Throws(CKR.CKR_SIGNATURE_LEN_RANGE, () => Pk.Verify(CKM.CKM_ECDSA_SHA256, PublicKey(P256, raw), message, signature[1..]));
    }

    [Fact]
    public void CavpSigGenPrivateKeyGivesItsPublicPointAndSigns()
    {
        // NIST CAVP 186-3 ECDSA SigGen.txt, [P-256,SHA-256], first record: d, Qx, Qy.
        var priv = Pk.Key(CKO.CKO_PRIVATE_KEY, CKK.CKK_EC, (CKA.CKA_EC_PARAMS, P256),
            (CKA.CKA_VALUE, Pk.Hex("519b423d715f8b581f4fa8ee59f4771a5b44c8130b4e3eacca54a56dda72b464")));
        var expected = Pk.Hex("04" + "1ccbe91c075fc7f4f033bfa248db8fccd3565de94bbfb12f3c59ff46c271bf83"
            + "ce4014c68811f9a21a1fdb2c0e6113e06db7ca93b7404e78dc7ccd5ca89a4ca9");
        var pub = PublicKeyDerivation.FromPrivate(priv);
        Assert.Equal(EcPoints.Wrap(expected), pub.RequireBytes(CKA.CKA_EC_POINT));
        var signature = Pk.Sign(CKM.CKM_ECDSA_SHA256, priv, "message"u8);
        Assert.True(Pk.Verify(CKM.CKM_ECDSA_SHA256, pub, "message"u8, signature));
    }

    public static TheoryData<string, int> Curves => new()
    {
        { "1.2.840.10045.3.1.7", 32 }, { "1.3.132.0.34", 48 }, { "1.3.132.0.35", 66 }, { "1.3.132.0.10", 32 },
        { "1.3.36.3.3.2.8.1.1.7", 32 }, { "1.3.36.3.3.2.8.1.1.9", 40 }, { "1.3.36.3.3.2.8.1.1.11", 48 }, { "1.3.36.3.3.2.8.1.1.13", 64 },
    };

    [Theory]
    [MemberData(nameof(Curves))]
    public void KeyPairGenerationOnEveryCurve(string oid, int length)
    {
        var (pub, priv) = Pk.Generate(CKM.CKM_EC_KEY_PAIR_GEN, Pk.Template((CKA.CKA_EC_PARAMS, Pk.EncodedOid(oid))));
        var point = pub.RequireBytes(CKA.CKA_EC_POINT);
        Assert.Equal(0x04, point[0]);
        var raw = EcPoints.Unwrap(point, EcCurves.FromOid(oid)!, CKR.CKR_GENERAL_ERROR);
        Assert.Equal(1 + 2 * length, raw.Length);
        Assert.Equal(SHA1.HashData(raw), pub.RequireBytes(CKA.CKA_ID));
        Assert.Equal(SHA1.HashData(raw), priv.RequireBytes(CKA.CKA_ID));
        Assert.Equal(length, priv.RequireBytes(CKA.CKA_VALUE).Length);
        Assert.Equal(Pk.EncodedOid(oid), priv.RequireBytes(CKA.CKA_EC_PARAMS));
        Assert.Equal((ulong)CKK.CKK_EC, priv.Ulong(CKA.CKA_KEY_TYPE));

        var signature = Pk.Sign(CKM.CKM_ECDSA_SHA256, priv, "data"u8);
        Assert.Equal(2 * length, signature.Length);
        Assert.True(Pk.Verify(CKM.CKM_ECDSA_SHA256, pub, "data"u8, signature));
        // BouncyCastle, an independent implementation, accepts the signature.
        var verifier = new ECDsaSigner();
        using var key = EcKey.Public(pub);
        verifier.Init(false, key.BouncyPublic());
        Assert.True(verifier.VerifySignature(SHA256.HashData("data"u8), Unsigned.ToBig(signature[..length]), Unsigned.ToBig(signature[length..])));
    }

    public static TheoryData<ulong> HashForms => new()
    {
        (ulong)CKM.CKM_ECDSA_SHA1, (ulong)CKM.CKM_ECDSA_SHA224, (ulong)CKM.CKM_ECDSA_SHA256, (ulong)CKM.CKM_ECDSA_SHA384,
        (ulong)CKM.CKM_ECDSA_SHA512, (ulong)CKM.CKM_ECDSA_SHA3_224, (ulong)CKM.CKM_ECDSA_SHA3_256, (ulong)CKM.CKM_ECDSA_SHA3_384,
        (ulong)CKM.CKM_ECDSA_SHA3_512,
    };

    [Theory]
    [MemberData(nameof(HashForms))]
    public void HashAndSignRoundTripsInParts(ulong type)
    {
        var mechanism = (CKM)type;
        var (pub, priv) = TestKeys.P256;
        var data = RandomNumberGenerator.GetBytes(777);
        var signature = Pk.SignInParts(mechanism, priv, data, 100);
        Assert.True(Pk.Verify(mechanism, pub, data, signature));
        Assert.True(Pk.Verify(mechanism, priv, data, signature));
        data[^1] ^= 1;
        Assert.False(Pk.Verify(mechanism, pub, data, signature));
    }

    [Fact]
    public void RawEcdsaIsSinglePartAndRefusesNoData()
    {
        var (_, priv) = TestKeys.P256;
        using var op = MechanismRegistry.Get(CKM.CKM_ECDSA).Sign!(Pk.Context(CKM.CKM_ECDSA, priv));
        Assert.False(op.SupportsMultiPart);
        Pk.Throws(CKR.CKR_DATA_LEN_RANGE, () => Pk.Sign(CKM.CKM_ECDSA, priv, ReadOnlySpan<byte>.Empty));
        // A digest longer than the order is truncated (FIPS 186-4 6.4), not refused.
        Assert.Equal(64, Pk.Sign(CKM.CKM_ECDSA, priv, new byte[64]).Length);
    }

    [Fact]
    public void CurveAndKeyErrors()
    {
        Pk.Throws(CKR.CKR_CURVE_NOT_SUPPORTED, () => Pk.Generate(CKM.CKM_EC_KEY_PAIR_GEN, Pk.Template((CKA.CKA_EC_PARAMS, Pk.EncodedOid("1.3.132.0.33")))));
        Pk.Throws(CKR.CKR_CURVE_NOT_SUPPORTED, () => Pk.Generate(CKM.CKM_EC_KEY_PAIR_GEN, Pk.Template((CKA.CKA_EC_PARAMS, Pk.EncodedOid("1.3.101.112")))));
        Pk.Throws(CKR.CKR_DOMAIN_PARAMS_INVALID, () => Pk.Generate(CKM.CKM_EC_KEY_PAIR_GEN, Pk.Template((CKA.CKA_EC_PARAMS, new byte[] { 6, 9, 1 }))));
        Pk.Throws(CKR.CKR_TEMPLATE_INCOMPLETE, () => Pk.Generate(CKM.CKM_EC_KEY_PAIR_GEN, Pk.Template()));
        Pk.Throws(CKR.CKR_KEY_TYPE_INCONSISTENT, () => Pk.Sign(CKM.CKM_ECDSA_SHA256, TestKeys.Rsa2048.Private, "m"u8));
        Pk.Throws(CKR.CKR_KEY_TYPE_INCONSISTENT, () => Pk.Sign(CKM.CKM_ECDSA_SHA256, TestKeys.P256.Public, "m"u8));
        var notOnCurve = Pk.Hex("04" + SigVerQx + SigVerQx);
        Pk.Throws(CKR.CKR_ATTRIBUTE_VALUE_INVALID, () => Pk.Verify(CKM.CKM_ECDSA_SHA256, PublicKey(P256, new byte[] { 4, 1, 2 }), "m"u8, new byte[64]));
        Pk.Throws(CKR.CKR_PUBLIC_KEY_INVALID, () => Pk.Verify(CKM.CKM_ECDSA_SHA256, PublicKey(P256, notOnCurve), "m"u8, new byte[64]));
    }

    [Fact]
    public void EcdhMatchesCavpCdhVectorOnP256()
    {
        // NIST CAVP "ECC CDH Primitive" test vectors (ecccdhtestvectors.zip, KAS_ECC_CDH_PrimitiveTest.txt), [P-256] COUNT = 0.
        var priv = Pk.Key(CKO.CKO_PRIVATE_KEY, CKK.CKK_EC, (CKA.CKA_EC_PARAMS, P256),
            (CKA.CKA_VALUE, Pk.Hex("7d7dc5f71eb29ddaf80d6214632eeae03d9058af1fb6d22ed80badb62bc1a534")));
        var peer = Pk.Hex("04700c48f77f56584c5cc632ca65640db91b6bacce3a4df6b42ce7cc838833d287"
            + "db71e509e3fd9b060ddb20ba5c51dcc5948d46fbf640dfe0441782cab85fa4ac");
        var z = Pk.Hex("46fc62106420ff012e54a434fbdd2d25ccc5852060561e68040dd7778997bd7b");
        Assert.Equal(EcPoints.Wrap(Pk.Hex("04ead218590119e8876b29146ff89ca61770c4edbbf97d38ce385ed281d8a6b230"
            + "28af61281fd35e2fa7002523acc85a429cb06ee6648325389f59edfce1405141")), PublicKeyDerivation.FromPrivate(priv).RequireBytes(CKA.CKA_EC_POINT));
        foreach (var data in new[] { peer, EcPoints.Wrap(peer) })
        {
            Assert.Equal(z, Pk.Derive(CKM.CKM_ECDH1_DERIVE, priv, new Ecdh1DeriveParameter(CKD.CKD_NULL, [], data)));
            Assert.Equal(z, Pk.Derive(CKM.CKM_ECDH1_COFACTOR_DERIVE, priv, new Ecdh1DeriveParameter(CKD.CKD_NULL, [], data)));
        }
        // A compressed peer point names the same point.
        var compressed = new byte[33];
        compressed[0] = (byte)(2 + (peer[^1] & 1));
        peer.AsSpan(1, 32).CopyTo(compressed.AsSpan(1));
        Assert.Equal(z, Pk.Derive(CKM.CKM_ECDH1_DERIVE, priv, new Ecdh1DeriveParameter(CKD.CKD_NULL, [], compressed)));
        // CKA_VALUE_LEN keeps the least significant bytes (softokn), or pads on the left.
        Assert.Equal(z[^16..], Pk.Derive(CKM.CKM_ECDH1_DERIVE, priv, new Ecdh1DeriveParameter(CKD.CKD_NULL, [], peer),
            Pk.Template((CKA.CKA_VALUE_LEN, 16))));
        Assert.Equal([.. new byte[8], .. z], Pk.Derive(CKM.CKM_ECDH1_DERIVE, priv, new Ecdh1DeriveParameter(CKD.CKD_NULL, [], peer),
            Pk.Template((CKA.CKA_VALUE_LEN, 40))));
        Assert.Equal(24, Pk.Derive(CKM.CKM_ECDH1_DERIVE, priv, new Ecdh1DeriveParameter(CKD.CKD_NULL, [], peer),
            Pk.Template((CKA.CKA_KEY_TYPE, CKK.CKK_DES3))).Length);
    }

    [Theory]
    [InlineData((ulong)CKD.CKD_SHA1_KDF, "SHA-1")]
    [InlineData((ulong)CKD.CKD_SHA224_KDF, "SHA-224")]
    [InlineData((ulong)CKD.CKD_SHA256_KDF, "SHA-256")]
    [InlineData((ulong)CKD.CKD_SHA384_KDF, "SHA-384")]
    [InlineData((ulong)CKD.CKD_SHA512_KDF, "SHA-512")]
    [InlineData((ulong)CKD.CKD_SHA3_224_KDF, "SHA3-224")]
    [InlineData((ulong)CKD.CKD_SHA3_512_KDF, "SHA3-512")]
    public void EcdhKdfsFollowAnsiX963(ulong kdf, string hash)
    {
        var (pub1, priv1) = TestKeys.P256;
        var (pub2, priv2) = Pk.Generate(CKM.CKM_EC_KEY_PAIR_GEN, Pk.Template((CKA.CKA_EC_PARAMS, P256)));
        var z = Pk.Derive(CKM.CKM_ECDH1_DERIVE, priv1, new Ecdh1DeriveParameter(CKD.CKD_NULL, [], pub2.RequireBytes(CKA.CKA_EC_POINT)));
        Assert.Equal(z, Pk.Derive(CKM.CKM_ECDH1_DERIVE, priv2, new Ecdh1DeriveParameter(CKD.CKD_NULL, [], pub1.RequireBytes(CKA.CKA_EC_POINT))));
        var shared = "shared info"u8.ToArray();
        var derived = Pk.Derive(CKM.CKM_ECDH1_DERIVE, priv1, new Ecdh1DeriveParameter((CKD)kdf, shared, pub2.RequireBytes(CKA.CKA_EC_POINT)),
            Pk.Template((CKA.CKA_VALUE_LEN, 70)));
        // ANSI X9.63 / SEC 1 section 3.6.1: Hash(Z || counter || SharedInfo), counter from 1, big-endian.
        var expected = new List<byte>();
        for (uint counter = 1; expected.Count < 70; counter++)
        {
            var h = Org.BouncyCastle.Security.DigestUtilities.GetDigest(hash);
            h.BlockUpdate(z);
            h.BlockUpdate([(byte)(counter >> 24), (byte)(counter >> 16), (byte)(counter >> 8), (byte)counter]);
            h.BlockUpdate(shared);
            var block = new byte[h.GetDigestSize()];
            h.DoFinal(block, 0);
            expected.AddRange(block);
        }
        Assert.Equal(expected.Take(70).ToArray(), derived);
        Assert.Equal(derived, Pk.Derive(CKM.CKM_ECDH1_DERIVE, priv2,
            new Ecdh1DeriveParameter((CKD)kdf, shared, pub1.RequireBytes(CKA.CKA_EC_POINT)), Pk.Template((CKA.CKA_VALUE_LEN, 70))));
    }

    [Fact]
    public void EcdhParameterErrors()
    {
        var (pub, priv) = TestKeys.P256;
        var point = pub.RequireBytes(CKA.CKA_EC_POINT);
        Pk.Throws(CKR.CKR_MECHANISM_PARAM_INVALID, () => Pk.Derive(CKM.CKM_ECDH1_DERIVE, priv, MechanismParameter.None));
        Pk.Throws(CKR.CKR_MECHANISM_PARAM_INVALID, () => Pk.Derive(CKM.CKM_ECDH1_DERIVE, priv, new Ecdh1DeriveParameter(CKD.CKD_NULL, [1], point)));
        Pk.Throws(CKR.CKR_MECHANISM_PARAM_INVALID, () => Pk.Derive(CKM.CKM_ECDH1_DERIVE, priv, new Ecdh1DeriveParameter(CKD.CKD_SHA1_KDF_ASN1, [], point)));
        Pk.Throws(CKR.CKR_MECHANISM_PARAM_INVALID, () => Pk.Derive(CKM.CKM_ECDH1_DERIVE, priv, new Ecdh1DeriveParameter(CKD.CKD_NULL, [], point[..20])));
        var offCurve = Pk.Hex("04" + SigVerQx + SigVerQx);
        Pk.Throws(CKR.CKR_MECHANISM_PARAM_INVALID, () => Pk.Derive(CKM.CKM_ECDH1_DERIVE, priv, new Ecdh1DeriveParameter(CKD.CKD_NULL, [], offCurve)));
        Pk.Throws(CKR.CKR_KEY_TYPE_INCONSISTENT, () => Pk.Derive(CKM.CKM_ECDH1_DERIVE, TestKeys.Rsa2048.Private, new Ecdh1DeriveParameter(CKD.CKD_NULL, [], point)));
        // A P-384 point handed to a P-256 key has the wrong length.
        var (p384, _) = Pk.Generate(CKM.CKM_EC_KEY_PAIR_GEN, Pk.Template((CKA.CKA_EC_PARAMS, Pk.EncodedOid("1.3.132.0.34"))));
        Pk.Throws(CKR.CKR_MECHANISM_PARAM_INVALID, () => Pk.Derive(CKM.CKM_ECDH1_DERIVE, priv,
            new Ecdh1DeriveParameter(CKD.CKD_NULL, [], p384.RequireBytes(CKA.CKA_EC_POINT))));
    }

    [Fact]
    public void EcdhOnSecp256k1AndBrainpool()
    {
        foreach (var oid in new[] { "1.3.132.0.10", "1.3.36.3.3.2.8.1.1.7" })
        {
            var (pubA, privA) = Pk.Generate(CKM.CKM_EC_KEY_PAIR_GEN, Pk.Template((CKA.CKA_EC_PARAMS, Pk.EncodedOid(oid))));
            var (pubB, privB) = Pk.Generate(CKM.CKM_EC_KEY_PAIR_GEN, Pk.Template((CKA.CKA_EC_PARAMS, Pk.EncodedOid(oid))));
            Assert.Equal(
                Pk.Derive(CKM.CKM_ECDH1_DERIVE, privA, new Ecdh1DeriveParameter(CKD.CKD_NULL, [], pubB.RequireBytes(CKA.CKA_EC_POINT))),
                Pk.Derive(CKM.CKM_ECDH1_DERIVE, privB, new Ecdh1DeriveParameter(CKD.CKD_NULL, [], pubA.RequireBytes(CKA.CKA_EC_POINT))));
        }
    }
}
