using System.Security.Cryptography;
using Softoken.Crypto.KeyEncoding;
using Softoken.Mechanisms;
using Softoken.Mechanisms.Parameters;
using Softoken.Objects;
using Softoken.Pkcs11;

namespace Softoken.Tests.Crypto;

public sealed class KeyEncodingTests
{
    private static void AssertSameComponents(AttributeSet expected, AttributeSet actual, params CKA[] types)
    {
        foreach (var t in types) Assert.True(expected.RequireBytes(t).AsSpan().SequenceEqual(actual.RequireBytes(t)), t.ToString());
    }

    [Fact]
    public void RsaPrivateKeyInfoRoundTripsAndIsReadByDotNet()
    {
        var (pub, priv) = TestKeys.Rsa2048;
        var der = PrivateKeyInfoCodec.Encode(priv);
        using (var rsa = RSA.Create())
        {
            rsa.ImportPkcs8PrivateKey(der, out int read);
            Assert.Equal(der.Length, read);
            Assert.Equal(pub.RequireBytes(CKA.CKA_MODULUS), rsa.ExportParameters(false).Modulus);
        }
        var decoded = PrivateKeyInfoCodec.Decode(der);
        Assert.Equal((ulong)CKO.CKO_PRIVATE_KEY, decoded.Ulong(CKA.CKA_CLASS));
        Assert.Equal((ulong)CKK.CKK_RSA, decoded.Ulong(CKA.CKA_KEY_TYPE));
        AssertSameComponents(priv, decoded, CKA.CKA_MODULUS, CKA.CKA_PUBLIC_EXPONENT, CKA.CKA_PRIVATE_EXPONENT, CKA.CKA_PRIME_1,
            CKA.CKA_PRIME_2, CKA.CKA_EXPONENT_1, CKA.CKA_EXPONENT_2, CKA.CKA_COEFFICIENT);

        var spki = SubjectPublicKeyInfoEncoder.Encode(pub);
        Assert.Equal(spki, SubjectPublicKeyInfoEncoder.Encode(priv));
        using var imported = RSA.Create();
        imported.ImportSubjectPublicKeyInfo(spki, out _);
        Assert.Equal(pub.RequireBytes(CKA.CKA_MODULUS), imported.ExportParameters(false).Modulus);
    }

    [Fact]
    public void RsaSubjectPublicKeyInfoIsBouncyCastlesEncoding()
    {
        // CKA_PUBLIC_KEY_INFO of RSA keys is encoded without BouncyCastle's key object (whose modulus validation
        // costs milliseconds): the bytes must be what BouncyCastle's factory writes.
        var (pub, priv) = TestKeys.Rsa2048;
        var modulus = new Org.BouncyCastle.Math.BigInteger(1, pub.RequireBytes(CKA.CKA_MODULUS));
        var exponent = new Org.BouncyCastle.Math.BigInteger(1, pub.RequireBytes(CKA.CKA_PUBLIC_EXPONENT));
        var expected = Org.BouncyCastle.X509.SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(
            new Org.BouncyCastle.Crypto.Parameters.RsaKeyParameters(false, modulus, exponent)).GetDerEncoded();
        Assert.Equal(expected, SubjectPublicKeyInfoEncoder.Encode(pub));
        Assert.Equal(expected, SubjectPublicKeyInfoEncoder.Encode(priv));
    }

    [Fact]
    public void EcPrivateKeyInfoFromDotNetSignsForDotNet()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var decoded = PrivateKeyInfoCodec.Decode(ecdsa.ExportPkcs8PrivateKey());
        Assert.Equal((ulong)CKK.CKK_EC, decoded.Ulong(CKA.CKA_KEY_TYPE));
        Assert.Equal(Pk.EncodedOid("1.3.132.0.34"), decoded.RequireBytes(CKA.CKA_EC_PARAMS));
        Assert.Equal(48, decoded.RequireBytes(CKA.CKA_VALUE).Length);
        var signature = Pk.Sign(CKM.CKM_ECDSA_SHA384, decoded, "from .NET"u8);
        Assert.True(ecdsa.VerifyData("from .NET"u8, signature, HashAlgorithmName.SHA384, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));

        var der = PrivateKeyInfoCodec.Encode(decoded);
        using var back = ECDsa.Create();
        back.ImportPkcs8PrivateKey(der, out _);
        Assert.Equal(ecdsa.ExportParameters(true).D, back.ExportParameters(true).D);
        using var spki = ECDsa.Create();
        spki.ImportSubjectPublicKeyInfo(SubjectPublicKeyInfoEncoder.Encode(decoded), out _);
        Assert.Equal(ecdsa.ExportParameters(false).Q.X, spki.ExportParameters(false).Q.X);
    }

    [Fact]
    public void DsaAndDhPrivateKeyInfoRoundTrip()
    {
        using var dsa = DSA.Create(1024);
        var decoded = PrivateKeyInfoCodec.Decode(dsa.ExportPkcs8PrivateKey());
        Assert.Equal((ulong)CKK.CKK_DSA, decoded.Ulong(CKA.CKA_KEY_TYPE));
        var signature = Pk.Sign(CKM.CKM_DSA_SHA256, decoded, "dsa"u8);
        Assert.True(dsa.VerifyData("dsa"u8, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
        var again = PrivateKeyInfoCodec.Decode(PrivateKeyInfoCodec.Encode(decoded));
        AssertSameComponents(decoded, again, CKA.CKA_PRIME, CKA.CKA_SUBPRIME, CKA.CKA_BASE, CKA.CKA_VALUE);
        using var pub = DSA.Create();
        pub.ImportSubjectPublicKeyInfo(SubjectPublicKeyInfoEncoder.Encode(decoded), out _);
        Assert.Equal(dsa.ExportParameters(false).Y, pub.ExportParameters(false).Y);
        // Written without BouncyCastle's key object, byte for byte what its factory writes.
        var dp = dsa.ExportParameters(false);
        Org.BouncyCastle.Math.BigInteger Big(byte[] v) => new(1, v);
        var bcPublic = new Org.BouncyCastle.Crypto.Parameters.DsaPublicKeyParameters(Big(dp.Y!),
            new Org.BouncyCastle.Crypto.Parameters.DsaParameters(Big(dp.P!), Big(dp.Q!), Big(dp.G!)));
        Assert.Equal(Org.BouncyCastle.X509.SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(bcPublic).GetDerEncoded(),
            SubjectPublicKeyInfoEncoder.Encode(decoded));

        var dh = Pk.Key(CKO.CKO_PRIVATE_KEY, CKK.CKK_DH, (CKA.CKA_PRIME, dsa.ExportParameters(false).P!), (CKA.CKA_BASE, new byte[] { 2 }),
            (CKA.CKA_VALUE, RandomNumberGenerator.GetBytes(20)));
        var dhBack = PrivateKeyInfoCodec.Decode(PrivateKeyInfoCodec.Encode(dh));
        Assert.Equal((ulong)CKK.CKK_DH, dhBack.Ulong(CKA.CKA_KEY_TYPE));
        AssertSameComponents(dh, dhBack, CKA.CKA_PRIME, CKA.CKA_BASE);
        Assert.Equal(dh.RequireBytes(CKA.CKA_VALUE).AsSpan().TrimStart((byte)0).ToArray(), dhBack.RequireBytes(CKA.CKA_VALUE));
        Assert.NotEmpty(SubjectPublicKeyInfoEncoder.Encode(dh));
    }

    [Theory]
    [InlineData((ulong)CKM.CKM_EC_EDWARDS_KEY_PAIR_GEN, "1.3.101.112", "302a300506032b6570032100")]
    [InlineData((ulong)CKM.CKM_EC_EDWARDS_KEY_PAIR_GEN, "1.3.101.113", "3043300506032b6571033a00")]
    [InlineData((ulong)CKM.CKM_EC_MONTGOMERY_KEY_PAIR_GEN, "1.3.101.110", "302a300506032b656e032100")]
    [InlineData((ulong)CKM.CKM_EC_MONTGOMERY_KEY_PAIR_GEN, "1.3.101.111", "3042300506032b656f033900")]
    public void EdwardsAndMontgomeryKeysRoundTrip(ulong generator, string oid, string spkiPrefix)
    {
        var (pub, priv) = Pk.Generate((CKM)generator, Pk.Template((CKA.CKA_EC_PARAMS, Pk.EncodedOid(oid))));
        var decoded = PrivateKeyInfoCodec.Decode(PrivateKeyInfoCodec.Encode(priv));
        AssertSameComponents(priv, decoded, CKA.CKA_EC_PARAMS, CKA.CKA_VALUE);
        Assert.Equal(priv.KeyType, decoded.KeyType);
        var spki = SubjectPublicKeyInfoEncoder.Encode(pub);
        Assert.StartsWith(spkiPrefix, Pk.ToHex(spki));
        Assert.Equal(spki, SubjectPublicKeyInfoEncoder.Encode(priv));
        Assert.Equal(pub.RequireBytes(CKA.CKA_EC_POINT), PublicKeyDerivation.FromPrivate(priv).RequireBytes(CKA.CKA_EC_POINT));
    }

    [Fact]
    public void PublicKeysFollowFromPrivateKeys()
    {
        var (rsaPub, rsaPriv) = TestKeys.Rsa2048;
        var derived = PublicKeyDerivation.FromPrivate(rsaPriv);
        Assert.Equal((ulong)CKO.CKO_PUBLIC_KEY, derived.Ulong(CKA.CKA_CLASS));
        AssertSameComponents(rsaPub, derived, CKA.CKA_MODULUS, CKA.CKA_PUBLIC_EXPONENT);
        Assert.Equal(2048UL, derived.Ulong(CKA.CKA_MODULUS_BITS));
        var (ecPub, ecPriv) = TestKeys.P256;
        AssertSameComponents(ecPub, PublicKeyDerivation.FromPrivate(ecPriv), CKA.CKA_EC_PARAMS, CKA.CKA_EC_POINT);

        var noExponent = Pk.Key(CKO.CKO_PRIVATE_KEY, CKK.CKK_RSA, (CKA.CKA_MODULUS, rsaPriv.RequireBytes(CKA.CKA_MODULUS)),
            (CKA.CKA_PRIVATE_EXPONENT, rsaPriv.RequireBytes(CKA.CKA_PRIVATE_EXPONENT)));
        Pk.Throws(CKR.CKR_TEMPLATE_INCOMPLETE, () => PublicKeyDerivation.FromPrivate(noExponent));
        Pk.Throws(CKR.CKR_KEY_TYPE_INCONSISTENT, () => PublicKeyDerivation.FromPrivate(Pk.Key(CKO.CKO_PRIVATE_KEY, CKK.CKK_AES)));
    }

    [Fact]
    public void DecodingErrors()
    {
        Pk.Throws(CKR.CKR_WRAPPED_KEY_INVALID, () => PrivateKeyInfoCodec.Decode([0x30, 0x03, 0x02, 0x01, 0x00]));
        Pk.Throws(CKR.CKR_WRAPPED_KEY_INVALID, () => PrivateKeyInfoCodec.Decode(RandomNumberGenerator.GetBytes(40)));
        Pk.Throws(CKR.CKR_KEY_NOT_WRAPPABLE, () => PrivateKeyInfoCodec.Encode(Pk.Key(CKO.CKO_PRIVATE_KEY, CKK.CKK_AES, (CKA.CKA_VALUE, new byte[16]))));
        Pk.Throws(CKR.CKR_KEY_TYPE_INCONSISTENT, () => PrivateKeyInfoCodec.Encode(TestKeys.P256.Public));
    }

    [Fact]
    public void WrapAndUnwrapAPrivateKeyWithOaep()
    {
        // What the wrap path does: PKCS #8 of the key, encrypted with the wrapping mechanism's cipher.
        var (rsaPub, rsaPriv) = TestKeys.Rsa4096;
        var (_, ecPriv) = TestKeys.P256;
        var oaep = new RsaOaepParameter(CKM.CKM_SHA256, CKG.CKG_MGF1_SHA256, 1, []);
        var wrapped = Pk.Cipher(MechanismRegistry.Get(CKM.CKM_RSA_PKCS_OAEP).Wrap!, CKM.CKM_RSA_PKCS_OAEP, rsaPub, PrivateKeyInfoCodec.Encode(ecPriv), oaep);
        var unwrapped = PrivateKeyInfoCodec.Decode(Pk.Cipher(MechanismRegistry.Get(CKM.CKM_RSA_PKCS_OAEP).Unwrap!, CKM.CKM_RSA_PKCS_OAEP, rsaPriv, wrapped, oaep));
        AssertSameComponents(ecPriv, unwrapped, CKA.CKA_EC_PARAMS, CKA.CKA_VALUE);
    }
}
