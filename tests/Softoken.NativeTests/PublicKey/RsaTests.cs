using System.Security.Cryptography;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Softoken.NativeTests.Infrastructure;

namespace Softoken.NativeTests.PublicKey;

/// <summary>Issue 4, RSA through the .so: every signature mechanism single- and multi-part, checked by .NET (or
/// BouncyCastle for the SHA-224 variants .NET lacks); PKCS #1 v1.5, OAEP and raw encryption both ways; sign/verify
/// recover.</summary>
public sealed class RsaTests(ModuleFixture fixture) : PublicKeyTest(fixture)
{
    public static readonly TheoryData<CKM> HashAndSignPkcs = new()
    {
        CKM.CKM_MD5_RSA_PKCS, CKM.CKM_SHA1_RSA_PKCS, CKM.CKM_SHA224_RSA_PKCS, CKM.CKM_SHA256_RSA_PKCS,
        CKM.CKM_SHA384_RSA_PKCS, CKM.CKM_SHA512_RSA_PKCS, V3.SHA3_224_RSA_PKCS, V3.SHA3_256_RSA_PKCS,
        V3.SHA3_384_RSA_PKCS, V3.SHA3_512_RSA_PKCS,
    };

    public static readonly TheoryData<CKM> HashAndSignPss = new()
    {
        CKM.CKM_SHA1_RSA_PKCS_PSS, CKM.CKM_SHA224_RSA_PKCS_PSS, CKM.CKM_SHA256_RSA_PKCS_PSS, CKM.CKM_SHA384_RSA_PKCS_PSS,
        CKM.CKM_SHA512_RSA_PKCS_PSS, V3.SHA3_224_RSA_PKCS_PSS, V3.SHA3_256_RSA_PKCS_PSS, V3.SHA3_384_RSA_PKCS_PSS,
        V3.SHA3_512_RSA_PKCS_PSS,
    };

    private static (CKM Hash, CKG Mgf, int Length, Org.BouncyCastle.Crypto.IDigest Bc) Hash(CKM mechanism) => mechanism switch
    {
        CKM.CKM_MD5_RSA_PKCS => (CKM.CKM_MD5, 0, 16, new MD5Digest()),
        CKM.CKM_SHA1_RSA_PKCS or CKM.CKM_SHA1_RSA_PKCS_PSS => (CKM.CKM_SHA_1, CKG.CKG_MGF1_SHA1, 20, new Sha1Digest()),
        CKM.CKM_SHA224_RSA_PKCS or CKM.CKM_SHA224_RSA_PKCS_PSS => (CKM.CKM_SHA224, CKG.CKG_MGF1_SHA224, 28, new Sha224Digest()),
        CKM.CKM_SHA256_RSA_PKCS or CKM.CKM_SHA256_RSA_PKCS_PSS => (CKM.CKM_SHA256, CKG.CKG_MGF1_SHA256, 32, new Sha256Digest()),
        CKM.CKM_SHA384_RSA_PKCS or CKM.CKM_SHA384_RSA_PKCS_PSS => (CKM.CKM_SHA384, CKG.CKG_MGF1_SHA384, 48, new Sha384Digest()),
        CKM.CKM_SHA512_RSA_PKCS or CKM.CKM_SHA512_RSA_PKCS_PSS => (CKM.CKM_SHA512, CKG.CKG_MGF1_SHA512, 64, new Sha512Digest()),
        V3.SHA3_224_RSA_PKCS or V3.SHA3_224_RSA_PKCS_PSS => ((CKM)0x2B5, (CKG)6, 28, new Sha3Digest(224)),
        V3.SHA3_256_RSA_PKCS or V3.SHA3_256_RSA_PKCS_PSS => (V3.SHA3_256, (CKG)7, 32, new Sha3Digest(256)),
        V3.SHA3_384_RSA_PKCS or V3.SHA3_384_RSA_PKCS_PSS => ((CKM)0x2C0, (CKG)8, 48, new Sha3Digest(384)),
        V3.SHA3_512_RSA_PKCS or V3.SHA3_512_RSA_PKCS_PSS => ((CKM)0x2D0, (CKG)9, 64, new Sha3Digest(512)),
        _ => throw new ArgumentOutOfRangeException(nameof(mechanism)),
    };

    private static RsaKeyParameters BcPublic(ISession session, IObjectHandle key) => new(false,
        new Org.BouncyCastle.Math.BigInteger(1, Bytes(session, key, CKA.CKA_MODULUS)),
        new Org.BouncyCastle.Math.BigInteger(1, Bytes(session, key, CKA.CKA_PUBLIC_EXPONENT)));

    [Theory]
    [MemberData(nameof(HashAndSignPkcs))]
    public void HashAndSignPkcs1SinglePartAndMultiPartVerifyIndependently(CKM mechanism)
    {
        var session = Session();
        var pair = Rsa(session);
        var single = session.Sign(Mech(mechanism), pair.Private, Message);
        var multi = SignMultiPart(session, Mech(mechanism), pair.Private, Message);
        Assert.Equal(single, multi); // PKCS #1 v1.5 is deterministic.
        var signer = new RsaDigestSigner(Hash(mechanism).Bc);
        signer.Init(false, BcPublic(session, pair.Public));
        signer.BlockUpdate(Message, 0, Message.Length);
        Assert.True(signer.VerifySignature(single));
        if (mechanism is not (CKM.CKM_SHA224_RSA_PKCS or V3.SHA3_224_RSA_PKCS))
        {
            using var rsa = DotNetRsa(session, pair.Public);
            Assert.True(rsa.VerifyData(Message, single, HashName(mechanism), RSASignaturePadding.Pkcs1));
        }
        Assert.True(VerifySinglePart(session, Mech(mechanism), pair.Public, Message, single));
        Assert.True(VerifyMultiPart(session, Mech(mechanism), pair.Public, Message, single));
        single[5] ^= 1;
        Assert.False(VerifySinglePart(session, Mech(mechanism), pair.Public, Message, single));
        Assert.False(VerifyMultiPart(session, Mech(mechanism), pair.Public, Message, single));
    }

    [Theory]
    [MemberData(nameof(HashAndSignPss))]
    public void HashAndSignPssWithParametersVerifiesIndependently(CKM mechanism)
    {
        var session = Session();
        var (hash, mgf, length, bc) = Hash(mechanism);
        var pair = Rsa(session, length == 64 ? 2048UL : 1024UL); // emLen >= hLen + sLen + 2
        var pss = Mech(mechanism, Factories.MechanismParamsFactory.CreateCkRsaPkcsPssParams((ulong)hash, (ulong)mgf, (ulong)length));
        var single = session.Sign(pss, pair.Private, Message);
        var multi = SignMultiPart(session, pss, pair.Private, Message);
        Assert.NotEqual(single, multi); // random salt
        foreach (var signature in new[] { single, multi })
        {
            var verifier = new PssSigner(new Org.BouncyCastle.Crypto.Engines.RsaBlindedEngine(), bc, length);
            verifier.Init(false, BcPublic(session, pair.Public));
            verifier.BlockUpdate(Message, 0, Message.Length);
            Assert.True(verifier.VerifySignature(signature));
            if (mechanism is not (CKM.CKM_SHA224_RSA_PKCS_PSS or V3.SHA3_224_RSA_PKCS_PSS))
            {
                using var rsa = DotNetRsa(session, pair.Public);
                Assert.True(rsa.VerifyData(Message, signature, HashName(mechanism), RSASignaturePadding.Pss));
            }
            Assert.True(VerifySinglePart(session, pss, pair.Public, Message, signature));
            Assert.True(VerifyMultiPart(session, pss, pair.Public, Message, signature));
        }
        // A signature .NET made verifies on the token.
        if (mechanism is not (CKM.CKM_SHA224_RSA_PKCS_PSS or V3.SHA3_224_RSA_PKCS_PSS))
        {
            using var own = System.Security.Cryptography.RSA.Create(length == 64 ? 2048 : 1024);
            var imported = ImportRsaPublic(session, own);
            var theirs = own.SignData(Message, HashName(mechanism), RSASignaturePadding.Pss);
            Assert.True(VerifySinglePart(session, pss, imported, Message, theirs));
        }
    }

    private IObjectHandle ImportRsaPublic(ISession session, RSA rsa)
    {
        var p = rsa.ExportParameters(false);
        return session.CreateObject([A(CKA.CKA_CLASS, CKO.CKO_PUBLIC_KEY), A(CKA.CKA_KEY_TYPE, CKK.CKK_RSA),
            A(CKA.CKA_TOKEN, false), A(CKA.CKA_VERIFY, true), A(CKA.CKA_ENCRYPT, true), A(CKA.CKA_VERIFY_RECOVER, true),
            A(CKA.CKA_MODULUS, p.Modulus!), A(CKA.CKA_PUBLIC_EXPONENT, p.Exponent!)]);
    }

    [Fact]
    public void RawPssOnADigestVerifiesWithDotNet()
    {
        var session = Session();
        var pair = Rsa(session);
        var digest = SHA256.HashData(Message);
        var pss = Mech(CKM.CKM_RSA_PKCS_PSS, Factories.MechanismParamsFactory.CreateCkRsaPkcsPssParams(
            (ulong)CKM.CKM_SHA256, (ulong)CKG.CKG_MGF1_SHA256, 32));
        var signature = session.Sign(pss, pair.Private, digest);
        using var rsa = DotNetRsa(session, pair.Public);
        Assert.True(rsa.VerifyHash(digest, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pss));
        Assert.True(VerifySinglePart(session, pss, pair.Public, digest, signature));
        // A SHA-256 PSS signature with MGF1-SHA3-256 differs: the token refuses it under the SHA-256 MGF.
        var other = Mech(CKM.CKM_RSA_PKCS_PSS, Factories.MechanismParamsFactory.CreateCkRsaPkcsPssParams(
            (ulong)CKM.CKM_SHA256, (ulong)V3.MGF1_SHA3_256, 32));
        var otherSignature = session.Sign(other, pair.Private, digest);
        Assert.False(VerifySinglePart(session, pss, pair.Public, digest, otherSignature));
        Assert.True(VerifySinglePart(session, other, pair.Public, digest, otherSignature));
    }

    [Fact]
    public void RawPkcs1OnADigestInfoMatchesDotNet()
    {
        var session = Session();
        var pair = Rsa(session);
        var digest = SHA256.HashData(Message);
        byte[] digestInfo = [0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05,
            0x00, 0x04, 0x20, .. digest];
        var signature = session.Sign(Mech(CKM.CKM_RSA_PKCS), pair.Private, digestInfo);
        using var rsa = DotNetRsa(session, pair.Public);
        Assert.True(rsa.VerifyHash(digest, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        // Raw PKCS #1 signing is single-part only (table 26, footnote 2).
        Expect.Rv(CKR.CKR_MECHANISM_INVALID, () => SignMultiPart(session, Mech(CKM.CKM_RSA_PKCS), pair.Private, digestInfo));
    }

    [Fact]
    public void RawX509SignatureIsTheModularPower()
    {
        var session = Session();
        var pair = Rsa(session);
        var data = new byte[] { 0x01, 0x02, 0x03 };
        var signature = session.Sign(Mech(CKM.CKM_RSA_X_509), pair.Private, data);
        Assert.Equal(128, signature.Length);
        var n = new System.Numerics.BigInteger(Bytes(session, pair.Public, CKA.CKA_MODULUS), true, true);
        var s = new System.Numerics.BigInteger(signature, true, true);
        Assert.Equal(new System.Numerics.BigInteger(data, true, true), System.Numerics.BigInteger.ModPow(s, 65537, n));
        Assert.True(VerifySinglePart(session, Mech(CKM.CKM_RSA_X_509), pair.Public, data, signature));
    }

    [Fact]
    public void Pkcs1EncryptionBothWaysWithDotNet()
    {
        var session = Session(KeyStorageSlotId);
        var pair = Rsa(session);
        using var rsa = DotNetRsa(session, pair.Public);
        var fromDotNet = rsa.Encrypt(Message, RSAEncryptionPadding.Pkcs1);
        Assert.Equal(Message, session.Decrypt(Mech(CKM.CKM_RSA_PKCS), pair.Private, fromDotNet));
        var fromToken = session.Encrypt(Mech(CKM.CKM_RSA_PKCS), pair.Public, Message);
        Assert.Equal(Message, session.Decrypt(Mech(CKM.CKM_RSA_PKCS), pair.Private, fromToken));
        // PKCS #1 encryption is single-part only (PKCS #11 v3.0 section 2.1.6 table 26).
        using var input = new MemoryStream(Message);
        using var output = new MemoryStream();
        Expect.Rv(CKR.CKR_MECHANISM_INVALID, () => session.Encrypt(Mech(CKM.CKM_RSA_PKCS), pair.Public, input, output, 9));
    }

    [Theory]
    [InlineData(CKM.CKM_SHA_1, CKG.CKG_MGF1_SHA1, "")]
    [InlineData(CKM.CKM_SHA256, CKG.CKG_MGF1_SHA256, "")]
    [InlineData(CKM.CKM_SHA256, CKG.CKG_MGF1_SHA256, "label")]
    [InlineData(CKM.CKM_SHA384, CKG.CKG_MGF1_SHA384, "a longer label")]
    [InlineData(CKM.CKM_SHA512, CKG.CKG_MGF1_SHA512, "x")]
    public void OaepWithLabelsDecryptsAndEncryptsLikeBouncyCastle(CKM hash, CKG mgf, string label)
    {
        var session = Session();
        var pair = Rsa(session, hash == CKM.CKM_SHA512 ? 2048UL : 1024UL); // k >= 2 hLen + 2
        var labelBytes = System.Text.Encoding.ASCII.GetBytes(label);
        var oaep = Mech(CKM.CKM_RSA_PKCS_OAEP, Factories.MechanismParamsFactory.CreateCkRsaPkcsOaepParams(
            (ulong)hash, (ulong)mgf, (ulong)CKZ.CKZ_DATA_SPECIFIED, labelBytes.Length == 0 ? null : labelBytes));
        Org.BouncyCastle.Crypto.IDigest Digest() => hash switch
        {
            CKM.CKM_SHA_1 => new Sha1Digest(), CKM.CKM_SHA256 => new Sha256Digest(), CKM.CKM_SHA384 => new Sha384Digest(),
            _ => new Sha512Digest(),
        };
        var encoding = new Org.BouncyCastle.Crypto.Encodings.OaepEncoding(
            new Org.BouncyCastle.Crypto.Engines.RsaEngine(), Digest(), Digest(), labelBytes);
        encoding.Init(true, new ParametersWithRandom(BcPublic(session, pair.Public), new Org.BouncyCastle.Security.SecureRandom()));
        var data = Message[..20];
        var theirs = encoding.ProcessBlock(data, 0, data.Length);
        Assert.Equal(data, session.Decrypt(oaep, pair.Private, theirs));
        var ours = session.Encrypt(oaep, pair.Public, data);
        Assert.Equal(data, session.Decrypt(oaep, pair.Private, ours));
        if (label.Length == 0)
        {
            using var rsa = DotNetRsa(session, pair.Public);
            var padding = RSAEncryptionPadding.CreateOaep(hash switch
            {
                CKM.CKM_SHA_1 => HashAlgorithmName.SHA1, CKM.CKM_SHA256 => HashAlgorithmName.SHA256, _ => HashAlgorithmName.SHA512,
            });
            Assert.Equal(data, session.Decrypt(oaep, pair.Private, rsa.Encrypt(data, padding)));
        }
        else
        {
            // The wrong label fails to decrypt.
            var wrong = Mech(CKM.CKM_RSA_PKCS_OAEP, Factories.MechanismParamsFactory.CreateCkRsaPkcsOaepParams(
                (ulong)hash, (ulong)mgf, (ulong)CKZ.CKZ_DATA_SPECIFIED, [.. labelBytes, 0x21]));
            var e = Assert.Throws<Pkcs11Exception>(() => session.Decrypt(wrong, pair.Private, ours));
            Assert.True(e.RV is CKR.CKR_ENCRYPTED_DATA_INVALID or CKR.CKR_DATA_INVALID, e.RV.ToString());
        }
    }

    [Fact]
    public void RawX509EncryptionRoundTrips()
    {
        var session = Session();
        var pair = Rsa(session);
        var block = new byte[128];
        block[1] = 0x42;
        block[127] = 0x17;
        var encrypted = session.Encrypt(Mech(CKM.CKM_RSA_X_509), pair.Public, block);
        Assert.Equal(128, encrypted.Length);
        Assert.Equal(block, session.Decrypt(Mech(CKM.CKM_RSA_X_509), pair.Private, encrypted));
        using var rsa = DotNetRsa(session, pair.Public);
        var n = new System.Numerics.BigInteger(Bytes(session, pair.Public, CKA.CKA_MODULUS), true, true);
        var expected = System.Numerics.BigInteger.ModPow(new System.Numerics.BigInteger(block, true, true), 65537, n);
        Assert.Equal(expected, new System.Numerics.BigInteger(encrypted, true, true));
    }

    [Theory]
    [InlineData(CKM.CKM_RSA_PKCS)]
    [InlineData(CKM.CKM_RSA_X_509)]
    public void SignRecoverThenVerifyRecover(CKM mechanism)
    {
        var session = Session();
        var pair = Rsa(session);
        var data = "recoverable"u8.ToArray();
        var signature = session.SignRecover(Mech(mechanism), pair.Private, data);
        Assert.Equal(signature, session.Sign(Mech(mechanism), pair.Private, data));
        var recovered = session.VerifyRecover(Mech(mechanism), pair.Public, signature, out bool valid);
        Assert.True(valid);
        if (mechanism == CKM.CKM_RSA_PKCS)
        {
            Assert.Equal(data, recovered);
            using var rsa = DotNetRsa(session, pair.Public);
            var decrypted = System.Numerics.BigInteger.ModPow(new System.Numerics.BigInteger(signature, true, true), 65537,
                new System.Numerics.BigInteger(Bytes(session, pair.Public, CKA.CKA_MODULUS), true, true));
            var block = decrypted.ToByteArray(true, true);
            Assert.Equal(0x01, block[0]); // 00 01 FF.. 00 data: the leading zero is dropped by BigInteger
            Assert.Equal(data, block[^data.Length..]);
        }
        else
        {
            // X.509 recovers the whole modulus-sized block, left-padded with zeros (softokn).
            Assert.Equal(data, recovered.SkipWhile(b => b == 0).ToArray());
        }
    }
}
