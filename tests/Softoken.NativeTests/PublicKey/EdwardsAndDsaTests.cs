using System.Security.Cryptography;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using Org.BouncyCastle.Crypto.Agreement;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Softoken.NativeTests.Infrastructure;
using BigInteger = Org.BouncyCastle.Math.BigInteger;

namespace Softoken.NativeTests.PublicKey;

/// <summary>Issue 4 through the .so: EdDSA (pure, ctx, ph via CK_EDDSA_PARAMS) checked by BouncyCastle, X25519/X448
/// derivation against BouncyCastle, DSA signatures checked by BouncyCastle, DH derivation both ways.</summary>
public sealed class EdwardsAndDsaTests(ModuleFixture fixture) : PublicKeyTest(fixture)
{
    /// <summary>CK_EDDSA_PARAMS on x86-64: CK_BBOOL phFlag, 7 bytes padding, CK_ULONG ulContextDataLen,
    /// CK_BYTE_PTR pContextData. The context lives in <paramref name="context"/>, kept alive by the caller.</summary>
    private static byte[] EddsaParams(bool prehash, NativeBuffer? context)
    {
        var p = new byte[24];
        p[0] = prehash ? (byte)1 : (byte)0;
        BitConverter.TryWriteBytes(p.AsSpan(8), (ulong)(context?.Size ?? 0));
        BitConverter.TryWriteBytes(p.AsSpan(16), (ulong)(context?.Address ?? 0));
        return p;
    }

    private static Org.BouncyCastle.Crypto.ISigner BcVerifier(string curve, bool prehash, byte[] context, byte[] point)
    {
        Org.BouncyCastle.Crypto.ISigner signer = (curve, prehash) switch
        {
            (Curves.Ed25519, false) when context.Length == 0 => new Ed25519Signer(),
            (Curves.Ed25519, false) => new Ed25519ctxSigner(context),
            (Curves.Ed25519, true) => new Ed25519phSigner(context),
            (_, false) => new Ed448Signer(context),
            (_, true) => new Ed448phSigner(context),
        };
        signer.Init(false, curve == Curves.Ed25519
            ? new Ed25519PublicKeyParameters(point)
            : new Ed448PublicKeyParameters(point));
        return signer;
    }

    [Theory]
    [InlineData(Curves.Ed25519, false, "", false)]
    [InlineData(Curves.Ed25519, false, "", true)]
    [InlineData(Curves.Ed25519, false, "context", true)]
    [InlineData(Curves.Ed25519, true, "", true)]
    [InlineData(Curves.Ed25519, true, "ph context", true)]
    [InlineData(Curves.Ed448, false, "", false)]
    [InlineData(Curves.Ed448, false, "context", true)]
    [InlineData(Curves.Ed448, true, "", true)]
    [InlineData(Curves.Ed448, true, "ph context", true)]
    public void EddsaVerifiesWithBouncyCastle(string curve, bool prehash, string contextText, bool withParams)
    {
        var session = Session();
        var pair = Edwards(session, curve);
        var context = System.Text.Encoding.ASCII.GetBytes(contextText);
        using var contextBuffer = context.Length == 0 ? null : NativeBuffer.Of(context);
        var mechanism = withParams ? Mech(V3.EDDSA, EddsaParams(prehash, contextBuffer)) : Mech(V3.EDDSA);
        var signature = session.Sign(mechanism, pair.Private, Message);
        Assert.Equal(curve == Curves.Ed25519 ? 64 : 114, signature.Length);
        var verifier = BcVerifier(curve, prehash, context, EcPoint(session, pair.Public));
        verifier.BlockUpdate(Message, 0, Message.Length);
        Assert.True(verifier.VerifySignature(signature));
        Assert.True(VerifySinglePart(session, mechanism, pair.Public, Message, signature));
        // CKM_EDDSA is single-part only (PKCS #11 v3.0 section 2.3.14, table 41 footnote 2).
        Expect.Rv(CKR.CKR_MECHANISM_INVALID, () => SignMultiPart(session, mechanism, pair.Private, Message));
        signature[3] ^= 1;
        Assert.False(VerifySinglePart(session, mechanism, pair.Public, Message, signature));
    }

    [Fact]
    public void Ed25519Rfc8032Test1FromAnImportedKey()
    {
        // RFC 8032 section 7.1, TEST 1 (empty message).
        var secret = Convert.FromHexString("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
        var expected = Convert.FromHexString(
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
        var session = Session(KeyStorageSlotId);
        var key = session.CreateObject([A(CKA.CKA_CLASS, CKO.CKO_PRIVATE_KEY), A(CKA.CKA_KEY_TYPE, V3.EC_EDWARDS),
            A(CKA.CKA_TOKEN, false), A(CKA.CKA_SIGN, true), A(CKA.CKA_EC_PARAMS, Curves.PrintableString("edwards25519")),
            A(CKA.CKA_VALUE, secret)]);
        Assert.Equal(expected, session.Sign(Mech(V3.EDDSA), key, []));
    }

    private IObjectHandle DeriveSecret(ISession session, IObjectHandle key, byte[] peer, ulong length) =>
        session.DeriveKey(Mech(CKM.CKM_ECDH1_DERIVE, Factories.MechanismParamsFactory.CreateCkEcdh1DeriveParams((ulong)CKD.CKD_NULL, null, peer)),
            key,
            [A(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY), A(CKA.CKA_KEY_TYPE, CKK.CKK_GENERIC_SECRET), A(CKA.CKA_TOKEN, false),
             A(CKA.CKA_SENSITIVE, false), A(CKA.CKA_EXTRACTABLE, true), A(CKA.CKA_VALUE_LEN, length)]);

    [Theory]
    [InlineData(CryptoSlotId)]
    [InlineData(KeyStorageSlotId)]
    public void X25519AgreesWithBouncyCastle(ulong slot)
    {
        var session = Session(slot);
        var pair = Montgomery(session, Curves.Oid(Curves.X25519));
        var peer = new X25519PrivateKeyParameters(new Org.BouncyCastle.Security.SecureRandom());
        var peerPublic = peer.GeneratePublicKey().GetEncoded();
        var agreement = new X25519Agreement();
        agreement.Init(peer);
        var expected = new byte[32];
        agreement.CalculateAgreement(new X25519PublicKeyParameters(EcPoint(session, pair.Public)), expected, 0);
        Assert.Equal(expected, Bytes(session, DeriveSecret(session, pair.Private, peerPublic, 32), CKA.CKA_VALUE));
    }

    [Fact]
    public void X448AgreesWithBouncyCastle()
    {
        var session = Session();
        var pair = Montgomery(session, Curves.PrintableString("curve448"));
        var peer = new X448PrivateKeyParameters(new Org.BouncyCastle.Security.SecureRandom());
        var agreement = new X448Agreement();
        agreement.Init(peer);
        var expected = new byte[56];
        agreement.CalculateAgreement(new X448PublicKeyParameters(EcPoint(session, pair.Public)), expected, 0);
        var derived = DeriveSecret(session, pair.Private, peer.GeneratePublicKey().GetEncoded(), 56);
        Assert.Equal(expected, Bytes(session, derived, CKA.CKA_VALUE));
    }

    [Fact]
    public void X25519Rfc7748FromImportedKeys()
    {
        // RFC 7748 section 6.1: Alice's private key, Bob's public key, the shared secret.
        var alice = Convert.FromHexString("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        var bobPublic = Convert.FromHexString("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
        var shared = Convert.FromHexString("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
        var session = Session();
        var key = session.CreateObject([A(CKA.CKA_CLASS, CKO.CKO_PRIVATE_KEY), A(CKA.CKA_KEY_TYPE, V3.EC_MONTGOMERY),
            A(CKA.CKA_TOKEN, false), A(CKA.CKA_DERIVE, true), A(CKA.CKA_EC_PARAMS, Curves.Oid(Curves.X25519)),
            A(CKA.CKA_VALUE, alice)]);
        Assert.Equal(shared, Bytes(session, DeriveSecret(session, key, bobPublic, 32), CKA.CKA_VALUE));
    }

    public static readonly TheoryData<CKM> DsaMechanisms = new()
    {
        CKM.CKM_DSA, CKM.CKM_DSA_SHA1, CKM.CKM_DSA_SHA224, CKM.CKM_DSA_SHA256, CKM.CKM_DSA_SHA384, CKM.CKM_DSA_SHA512,
    };

    private static (byte[] P, byte[] Q, byte[] G)? dsaDomain;

    private (IObjectHandle Public, IObjectHandle Private) Dsa(ISession session)
    {
        if (dsaDomain is null)
        {
            var domain = session.GenerateKey(Mech(CKM.CKM_DSA_PARAMETER_GEN), [A(CKA.CKA_TOKEN, false), A(CKA.CKA_PRIME_BITS, 1024UL)]);
            dsaDomain = (Bytes(session, domain, CKA.CKA_PRIME), Bytes(session, domain, CKA.CKA_SUBPRIME), Bytes(session, domain, CKA.CKA_BASE));
        }
        var (p, q, g) = dsaDomain.Value;
        return GenerateKeyPair(session, CKM.CKM_DSA_KEY_PAIR_GEN, [A(CKA.CKA_PRIME, p), A(CKA.CKA_SUBPRIME, q), A(CKA.CKA_BASE, g)],
            [A(CKA.CKA_DECRYPT, false), A(CKA.CKA_SIGN_RECOVER, false), A(CKA.CKA_UNWRAP, false)],
            [A(CKA.CKA_ENCRYPT, false), A(CKA.CKA_VERIFY_RECOVER, false), A(CKA.CKA_WRAP, false)]);
    }

    [Theory]
    [MemberData(nameof(DsaMechanisms))]
    public void DsaVerifiesWithBouncyCastle(CKM mechanism)
    {
        var session = Session();
        var pair = Dsa(session);
        var (p, q, g) = dsaDomain!.Value;
        byte[] input = mechanism == CKM.CKM_DSA ? SHA1.HashData(Message) : Message;
        byte[] hash = mechanism switch
        {
            CKM.CKM_DSA or CKM.CKM_DSA_SHA1 => SHA1.HashData(Message),
            CKM.CKM_DSA_SHA224 => Org.BouncyCastle.Security.DigestUtilities.CalculateDigest("SHA-224", Message),
            CKM.CKM_DSA_SHA256 => SHA256.HashData(Message),
            CKM.CKM_DSA_SHA384 => SHA384.HashData(Message),
            _ => SHA512.HashData(Message),
        };
        var signature = session.Sign(Mech(mechanism), pair.Private, input);
        Assert.Equal(40, signature.Length);
        var parameters = new DsaParameters(new BigInteger(1, p), new BigInteger(1, q), new BigInteger(1, g));
        var verifier = new DsaSigner();
        verifier.Init(false, new DsaPublicKeyParameters(new BigInteger(1, Bytes(session, pair.Public, CKA.CKA_VALUE)), parameters));
        Assert.True(verifier.VerifySignature(hash, new BigInteger(1, signature[..20]), new BigInteger(1, signature[20..])));
        Assert.True(VerifySinglePart(session, Mech(mechanism), pair.Public, input, signature));
        if (mechanism != CKM.CKM_DSA)
        {
            Assert.True(VerifyMultiPart(session, Mech(mechanism), pair.Public, input, SignMultiPart(session, Mech(mechanism), pair.Private, input)));
        }
        signature[39] ^= 1;
        Assert.False(VerifySinglePart(session, Mech(mechanism), pair.Public, input, signature));
    }

    [Fact]
    public void DhDeriveAgreesBothWaysAndWithBouncyCastle()
    {
        var session = Session();
        var domain = session.GenerateKey(Mech(CKM.CKM_DH_PKCS_PARAMETER_GEN), [A(CKA.CKA_TOKEN, false), A(CKA.CKA_PRIME_BITS, 512UL)]);
        var p = Bytes(session, domain, CKA.CKA_PRIME);
        var g = Bytes(session, domain, CKA.CKA_BASE);
        (IObjectHandle Public, IObjectHandle Private) Pair() => GenerateKeyPair(session, CKM.CKM_DH_PKCS_KEY_PAIR_GEN,
            [A(CKA.CKA_PRIME, p), A(CKA.CKA_BASE, g)],
            [A(CKA.CKA_DERIVE, true), A(CKA.CKA_SIGN, false), A(CKA.CKA_DECRYPT, false), A(CKA.CKA_SIGN_RECOVER, false), A(CKA.CKA_UNWRAP, false)],
            [A(CKA.CKA_VERIFY, false), A(CKA.CKA_ENCRYPT, false), A(CKA.CKA_VERIFY_RECOVER, false), A(CKA.CKA_WRAP, false)]);
        var a = Pair();
        var b = Pair();
        IObjectHandle Derive(IObjectHandle key, byte[] peer) => session.DeriveKey(Mech(CKM.CKM_DH_PKCS_DERIVE, peer), key,
            [A(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY), A(CKA.CKA_KEY_TYPE, CKK.CKK_GENERIC_SECRET), A(CKA.CKA_TOKEN, false),
             A(CKA.CKA_SENSITIVE, false), A(CKA.CKA_EXTRACTABLE, true), A(CKA.CKA_VALUE_LEN, 64UL)]);
        var ab = Bytes(session, Derive(a.Private, Bytes(session, b.Public, CKA.CKA_VALUE)), CKA.CKA_VALUE);
        var ba = Bytes(session, Derive(b.Private, Bytes(session, a.Public, CKA.CKA_VALUE)), CKA.CKA_VALUE);
        Assert.Equal(ab, ba);

        var parameters = new DHParameters(new BigInteger(1, p), new BigInteger(1, g));
        var generator = new Org.BouncyCastle.Crypto.Generators.DHKeyPairGenerator();
        generator.Init(new DHKeyGenerationParameters(new Org.BouncyCastle.Security.SecureRandom(), parameters));
        var theirs = generator.GenerateKeyPair();
        var agreement = new DHBasicAgreement();
        agreement.Init(theirs.Private);
        var z = agreement.CalculateAgreement(new DHPublicKeyParameters(new BigInteger(1, Bytes(session, a.Public, CKA.CKA_VALUE)), parameters));
        var expected = z.ToByteArrayUnsigned();
        var tokenSide = Bytes(session, Derive(a.Private, ((DHPublicKeyParameters)theirs.Public).Y.ToByteArrayUnsigned()), CKA.CKA_VALUE);
        Assert.Equal([.. new byte[64 - expected.Length], .. expected], tokenSide);
    }
}
