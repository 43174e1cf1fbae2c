using System.Security.Cryptography;
using Softoken.Crypto;
using Softoken.Crypto.KeyEncoding;
using Softoken.Mechanisms;
using Softoken.Mechanisms.Parameters;
using Softoken.Objects;
using Softoken.Pkcs11;

namespace Softoken.Tests.Crypto;

public sealed class EdwardsMontgomeryTests
{
    private static readonly byte[] Ed25519Oid = Pk.EncodedOid("1.3.101.112");
    private static readonly byte[] Ed448Oid = Pk.EncodedOid("1.3.101.113");
    private static readonly byte[] X25519Oid = Pk.EncodedOid("1.3.101.110");
    private static readonly byte[] X448Oid = Pk.EncodedOid("1.3.101.111");

    private static byte[] Printable(string name) => new Org.BouncyCastle.Asn1.DerPrintableString(name).GetDerEncoded();

    private static AttributeSet Private(CKK type, byte[] ecParams, string value) =>
        Pk.Key(CKO.CKO_PRIVATE_KEY, type, (CKA.CKA_EC_PARAMS, ecParams), (CKA.CKA_VALUE, Pk.Hex(value)));

    private static AttributeSet Public(CKK type, byte[] ecParams, byte[] point) =>
        Pk.Key(CKO.CKO_PUBLIC_KEY, type, (CKA.CKA_EC_PARAMS, ecParams), (CKA.CKA_EC_POINT, point));

    // RFC 8032 section 7.1, Ed25519 TEST 1, TEST 2 and TEST 3.
    [Theory]
    [InlineData("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b")]
    [InlineData("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
        "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00")]
    [InlineData("c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
        "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
        "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a")]
    public void Ed25519MatchesRfc8032(string secret, string publicKey, string message, string signature)
    {
        foreach (var ecParams in new[] { Ed25519Oid, Printable("edwards25519") })
        {
            var priv = Private(CKK.CKK_EC_EDWARDS, ecParams, secret);
            Assert.Equal(Pk.Hex(signature), Pk.Sign(CKM.CKM_EDDSA, priv, Pk.Hex(message)));
            Assert.Equal(EcPoints.Wrap(Pk.Hex(publicKey)), PublicKeyDerivation.FromPrivate(priv).RequireBytes(CKA.CKA_EC_POINT));
            foreach (var point in new[] { EcPoints.Wrap(Pk.Hex(publicKey)), Pk.Hex(publicKey) })
            {
                var pub = Public(CKK.CKK_EC_EDWARDS, ecParams, point);
                Assert.True(Pk.Verify(CKM.CKM_EDDSA, pub, Pk.Hex(message), Pk.Hex(signature)));
                Assert.False(Pk.Verify(CKM.CKM_EDDSA, pub, [.. Pk.Hex(message), 0], Pk.Hex(signature)));
            }
        }
    }

    // RFC 8032 section 7.2 (Ed25519ctx, context "foo") and 7.3 (Ed25519ph, message "abc").
    [Fact]
    public void Ed25519ContextAndPrehashMatchRfc8032()
    {
        var ctx = Private(CKK.CKK_EC_EDWARDS, Ed25519Oid, "0305334e381af78f141cb666f6199f57bc3495335a256a95bd2a55bf546663f6");
        Assert.Equal(Pk.Hex("55a4cc2f70a54e04288c5f4cd1e45a7bb520b36292911876cada7323198dd87a8b36950b95130022907a7fb7c4e9b2d5f6cca685a587b4b21f4b888e4e7edb0d"),
            Pk.Sign(CKM.CKM_EDDSA, ctx, Pk.Hex("f726936d19c800494e3fdaff20b276a8"), new EddsaParameter(false, Pk.Hex("666f6f"))));
        var ph = Private(CKK.CKK_EC_EDWARDS, Ed25519Oid, "833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42");
        var phSignature = Pk.Hex("98a70222f0b8121aa9d30f813d683f809e462b469c7ff87639499bb94e6dae4131f85042463c2a355a2003d062adf5aaa10b8c61e636062aaad11c2a26083406");
        Assert.Equal(phSignature, Pk.Sign(CKM.CKM_EDDSA, ph, "abc"u8, new EddsaParameter(true, [])));
        var phPublic = Public(CKK.CKK_EC_EDWARDS, Ed25519Oid, Pk.Hex("ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf"));
        Assert.True(Pk.Verify(CKM.CKM_EDDSA, phPublic, "abc"u8, phSignature, new EddsaParameter(true, [])));
        // The same signature is not a pure Ed25519 signature.
        Assert.False(Pk.Verify(CKM.CKM_EDDSA, phPublic, "abc"u8, phSignature));
    }

    // RFC 8032 section 7.4, Ed448 "-----Blank" and "1 octet" tests.
    [Theory]
    [InlineData("6c82a562cb808d10d632be89c8513ebf6c929f34ddfa8c9f63c9960ef6e348a3528c8a3fcc2f044e39a3fc5b94492f8f032e7549a20098f95b",
        "5fd7449b59b461fd2ce787ec616ad46a1da1342485a70e1f8a0ea75d80e96778edf124769b46c7061bd6783df1e50f6cd1fa1abeafe8256180", "",
        "533a37f6bbe457251f023c0d88f976ae2dfb504a843e34d2074fd823d41a591f2b233f034f628281f2fd7a22ddd47d7828c59bd0a21bfd3980ff0d2028d4b18a9df63e006c5d1c2d345b925d8dc00b4104852db99ac5c7cdda8530a113a0f4dbb61149f05a7363268c71d95808ff2e652600")]
    [InlineData("c4eab05d357007c632f3dbb48489924d552b08fe0c353a0d4a1f00acda2c463afbea67c5e8d2877c5e3bc397a659949ef8021e954e0a12274e",
        "43ba28f430cdff456ae531545f7ecd0ac834a55d9358c0372bfa0c6c6798c0866aea01eb00742802b8438ea4cb82169c235160627b4c3a9480", "03",
        "26b8f91727bd62897af15e41eb43c377efb9c610d48f2335cb0bd0087810f4352541b143c4b981b7e18f62de8ccdf633fc1bf037ab7cd779805e0dbcc0aae1cbcee1afb2e027df36bc04dcecbf154336c19f0af7e0a6472905e799f1953d2a0ff3348ab21aa4adafd1d234441cf807c03a00")]
    public void Ed448MatchesRfc8032(string secret, string publicKey, string message, string signature)
    {
        foreach (var ecParams in new[] { Ed448Oid, Printable("edwards448") })
        {
            var priv = Private(CKK.CKK_EC_EDWARDS, ecParams, secret);
            Assert.Equal(Pk.Hex(signature), Pk.Sign(CKM.CKM_EDDSA, priv, Pk.Hex(message)));
            var pub = Public(CKK.CKK_EC_EDWARDS, ecParams, EcPoints.Wrap(Pk.Hex(publicKey)));
            Assert.True(Pk.Verify(CKM.CKM_EDDSA, pub, Pk.Hex(message), Pk.Hex(signature)));
            Assert.Equal(pub.RequireBytes(CKA.CKA_EC_POINT), PublicKeyDerivation.FromPrivate(priv).RequireBytes(CKA.CKA_EC_POINT));
        }
    }

    [Theory]
    [InlineData("1.3.101.112", 32, 64)]
    [InlineData("1.3.101.113", 57, 114)]
    public void EdwardsKeyPairsSignWithEveryVariant(string oid, int keyLength, int signatureLength)
    {
        var (pub, priv) = Pk.Generate(CKM.CKM_EC_EDWARDS_KEY_PAIR_GEN, Pk.Template((CKA.CKA_EC_PARAMS, Pk.EncodedOid(oid))));
        var point = EcPoints.Unwrap(pub.RequireBytes(CKA.CKA_EC_POINT), EcCurves.FromOid(oid)!, CKR.CKR_GENERAL_ERROR);
        Assert.Equal(keyLength, point.Length);
        Assert.Equal(keyLength, priv.RequireBytes(CKA.CKA_VALUE).Length);
        Assert.Equal(SHA1.HashData(point), priv.RequireBytes(CKA.CKA_ID));
        Assert.Equal((ulong)CKK.CKK_EC_EDWARDS, pub.Ulong(CKA.CKA_KEY_TYPE));
        var message = RandomNumberGenerator.GetBytes(500);
        foreach (var p in new EddsaParameter?[] { null, new(false, []), new(false, "context"u8.ToArray()), new(true, []), new(true, "ctx"u8.ToArray()) })
        {
            var signature = Pk.Sign(CKM.CKM_EDDSA, priv, message, p);
            Assert.Equal(signatureLength, signature.Length);
            Assert.True(Pk.Verify(CKM.CKM_EDDSA, pub, message, signature, p));
            Assert.False(Pk.Verify(CKM.CKM_EDDSA, pub, message[1..], signature, p));
        }
    }

    [Fact]
    public void EddsaErrors()
    {
        var (pub, priv) = Pk.Generate(CKM.CKM_EC_EDWARDS_KEY_PAIR_GEN, Pk.Template((CKA.CKA_EC_PARAMS, Printable("edwards25519"))));
        Assert.Equal(Printable("edwards25519"), pub.RequireBytes(CKA.CKA_EC_PARAMS));
        var signature = Pk.Sign(CKM.CKM_EDDSA, priv, "m"u8);
        Pk.Throws(CKR.CKR_SIGNATURE_LEN_RANGE, () => Pk.Verify(CKM.CKM_EDDSA, pub, "m"u8, signature[1..]));
        Pk.Throws(CKR.CKR_MECHANISM_PARAM_INVALID, () => Pk.Sign(CKM.CKM_EDDSA, priv, "m"u8, new EddsaParameter(false, new byte[256])));
        Pk.Throws(CKR.CKR_MECHANISM_PARAM_INVALID, () => Pk.Sign(CKM.CKM_EDDSA, priv, "m"u8, new BytesParameter([1])));
        Pk.Throws(CKR.CKR_KEY_TYPE_INCONSISTENT, () => Pk.Sign(CKM.CKM_EDDSA, TestKeys.P256.Private, "m"u8));
        Pk.Throws(CKR.CKR_CURVE_NOT_SUPPORTED, () => Pk.Generate(CKM.CKM_EC_EDWARDS_KEY_PAIR_GEN, Pk.Template((CKA.CKA_EC_PARAMS, X25519Oid))));
        Pk.Throws(CKR.CKR_CURVE_NOT_SUPPORTED, () => Pk.Generate(CKM.CKM_EC_EDWARDS_KEY_PAIR_GEN, Pk.Template((CKA.CKA_EC_PARAMS, Printable("curve25519")))));
        using var op = MechanismRegistry.Get(CKM.CKM_EDDSA).Sign!(Pk.Context(CKM.CKM_EDDSA, priv));
        Assert.False(op.SupportsMultiPart);
    }

    // RFC 7748 section 5.2, the first X25519 and X448 test vectors (scalar, input u-coordinate, output).
    [Theory]
    [InlineData("1.3.101.110", "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
        "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
        "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552")]
    [InlineData("1.3.101.111", "3d262fddf9ec8e88495266fea19a34d28882acef045104d0d1aae121700a779c984c24f8cdd78fbff44943eba368f54b29259a4f1c600ad3",
        "06fce640fa3487bfda5f6cf2d5263f8aad88334cbd07437f020f08f9814dc031ddbdc38c19c6da2583fa5429db94ada18aa7a7fb4ef8a086",
        "ce3e4ff95a60dc6697da1db1d85e6afbdf79b50a2412d7546d5f239fe14fbaadeb445fc66a01b0779d98223961111e21766282f73dd96b6f")]
    public void MontgomeryScalarMultiplicationMatchesRfc7748(string oid, string scalar, string u, string output)
    {
        var key = Private(CKK.CKK_EC_MONTGOMERY, Pk.EncodedOid(oid), scalar);
        foreach (var peer in new[] { Pk.Hex(u), EcPoints.Wrap(Pk.Hex(u)) })
        {
            Assert.Equal(Pk.Hex(output), Pk.Derive(CKM.CKM_ECDH1_DERIVE, key, new Ecdh1DeriveParameter(CKD.CKD_NULL, [], peer)));
            Assert.Equal(Pk.Hex(output), Pk.Derive(CKM.CKM_ECDH1_COFACTOR_DERIVE, key, new Ecdh1DeriveParameter(CKD.CKD_NULL, [], peer)));
        }
    }

    // RFC 7748 section 6.1: Alice's and Bob's X25519 keys and their shared secret.
    [Fact]
    public void X25519DiffieHellmanMatchesRfc7748()
    {
        var alice = Private(CKK.CKK_EC_MONTGOMERY, Printable("curve25519"), "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        var bob = Private(CKK.CKK_EC_MONTGOMERY, X25519Oid, "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
        var alicePublic = Pk.Hex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
        var bobPublic = Pk.Hex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
        Assert.Equal(EcPoints.Wrap(alicePublic), PublicKeyDerivation.FromPrivate(alice).RequireBytes(CKA.CKA_EC_POINT));
        Assert.Equal(EcPoints.Wrap(bobPublic), PublicKeyDerivation.FromPrivate(bob).RequireBytes(CKA.CKA_EC_POINT));
        var shared = Pk.Hex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
        Assert.Equal(shared, Pk.Derive(CKM.CKM_ECDH1_DERIVE, alice, new Ecdh1DeriveParameter(CKD.CKD_NULL, [], bobPublic)));
        Assert.Equal(shared, Pk.Derive(CKM.CKM_ECDH1_DERIVE, bob, new Ecdh1DeriveParameter(CKD.CKD_NULL, [], alicePublic)));
        Assert.Equal(shared[^16..], Pk.Derive(CKM.CKM_ECDH1_DERIVE, bob, new Ecdh1DeriveParameter(CKD.CKD_NULL, [], alicePublic),
            Pk.Template((CKA.CKA_VALUE_LEN, 16))));
        Assert.Equal(32, Pk.Derive(CKM.CKM_ECDH1_DERIVE, bob, new Ecdh1DeriveParameter(CKD.CKD_SHA256_KDF, "info"u8.ToArray(), alicePublic)).Length);
    }

    [Theory]
    [InlineData("1.3.101.110", 32)]
    [InlineData("1.3.101.111", 56)]
    public void MontgomeryKeyPairsAgree(string oid, int length)
    {
        var (pubA, privA) = Pk.Generate(CKM.CKM_EC_MONTGOMERY_KEY_PAIR_GEN, Pk.Template((CKA.CKA_EC_PARAMS, Pk.EncodedOid(oid))));
        var (pubB, privB) = Pk.Generate(CKM.CKM_EC_MONTGOMERY_KEY_PAIR_GEN, Pk.Template((CKA.CKA_EC_PARAMS, Pk.EncodedOid(oid))));
        Assert.Equal((ulong)CKK.CKK_EC_MONTGOMERY, privA.Ulong(CKA.CKA_KEY_TYPE));
        Assert.Equal(length, privA.RequireBytes(CKA.CKA_VALUE).Length);
        var ab = Pk.Derive(CKM.CKM_ECDH1_DERIVE, privA, new Ecdh1DeriveParameter(CKD.CKD_NULL, [], pubB.RequireBytes(CKA.CKA_EC_POINT)));
        var ba = Pk.Derive(CKM.CKM_ECDH1_DERIVE, privB, new Ecdh1DeriveParameter(CKD.CKD_NULL, [], pubA.RequireBytes(CKA.CKA_EC_POINT)));
        Assert.Equal(length, ab.Length);
        Assert.Equal(ab, ba);
    }

    [Fact]
    public void MontgomeryErrors()
    {
        var key = Private(CKK.CKK_EC_MONTGOMERY, X25519Oid, "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        // u = 0 has small order: the all-zero secret is refused (RFC 7748 section 6.1).
        Pk.Throws(CKR.CKR_MECHANISM_PARAM_INVALID, () => Pk.Derive(CKM.CKM_ECDH1_DERIVE, key, new Ecdh1DeriveParameter(CKD.CKD_NULL, [], new byte[32])));
        Pk.Throws(CKR.CKR_MECHANISM_PARAM_INVALID, () => Pk.Derive(CKM.CKM_ECDH1_DERIVE, key, new Ecdh1DeriveParameter(CKD.CKD_NULL, [], new byte[31])));
        Pk.Throws(CKR.CKR_CURVE_NOT_SUPPORTED, () => Pk.Generate(CKM.CKM_EC_MONTGOMERY_KEY_PAIR_GEN, Pk.Template((CKA.CKA_EC_PARAMS, Ed448Oid))));
        Pk.Throws(CKR.CKR_KEY_SIZE_RANGE, () => Pk.Derive(CKM.CKM_ECDH1_DERIVE, Private(CKK.CKK_EC_MONTGOMERY, X25519Oid, "0102"),
            new Ecdh1DeriveParameter(CKD.CKD_NULL, [], new byte[32])));
    }
}
