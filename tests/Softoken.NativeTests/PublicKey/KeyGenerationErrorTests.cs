using System.Security.Cryptography;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using Softoken.NativeTests.Infrastructure;

namespace Softoken.NativeTests.PublicKey;

/// <summary>Issue 4, keys: token key pairs survive a restart and keep working; generation and parameter errors
/// through the .so.</summary>
public sealed class KeyGenerationErrorTests(ModuleFixture fixture) : PublicKeyTest(fixture)
{
    [Fact]
    public void TokenKeyPairsSurviveARestartAndStillSign()
    {
        var session = Session(KeyStorageSlotId);
        var ec = GenerateKeyPair(session, CKM.CKM_EC_KEY_PAIR_GEN, [A(CKA.CKA_EC_PARAMS, Curves.Oid(Curves.P256))],
            [A(CKA.CKA_TOKEN, true)], [A(CKA.CKA_TOKEN, true)]);
        var ed = GenerateKeyPair(session, V3.EC_EDWARDS_KEY_PAIR_GEN, [A(CKA.CKA_EC_PARAMS, Curves.Oid(Curves.Ed25519))],
            [A(CKA.CKA_TOKEN, true)], [A(CKA.CKA_TOKEN, true)]);
        var ecId = Bytes(session, ec.Private, CKA.CKA_ID);
        var edId = Bytes(session, ed.Private, CKA.CKA_ID);
        var ecPoint = EcPoint(session, ec.Public);
        var edPublic = Bytes(session, ed.Public, CKA.CKA_EC_POINT);

        Restart();
        session = OpenSession(KeyStorageSlotId, readWrite: true);
        session.Login(CKU.CKU_USER, UserPin);
        IObjectHandle Find(CKO cls, byte[] id) =>
            Assert.Single(session.FindAllObjects([A(CKA.CKA_CLASS, cls), A(CKA.CKA_ID, id)]));
        var ecPrivate = Find(CKO.CKO_PRIVATE_KEY, ecId);
        var ecPublic = Find(CKO.CKO_PUBLIC_KEY, ecId);
        Assert.Equal(ecPoint, EcPoint(session, ecPublic));
        Assert.True(Bool(session, ecPrivate, CKA.CKA_LOCAL));
        Assert.True(Bool(session, ecPrivate, CKA.CKA_NEVER_EXTRACTABLE));
        Assert.Equal((ulong)CKM.CKM_EC_KEY_PAIR_GEN, Ulong(session, ecPrivate, CKA.CKA_KEY_GEN_MECHANISM));
        Assert.True(Unreadable(session, ecPrivate, CKA.CKA_VALUE));
        using var ecdsa = DotNetEcdsa(session, ecPublic, Curves.P256);
        Assert.True(ecdsa.VerifyData(Message, session.Sign(Mech(CKM.CKM_ECDSA_SHA256), ecPrivate, Message), HashAlgorithmName.SHA256));

        var edPrivate = Find(CKO.CKO_PRIVATE_KEY, edId);
        Assert.Equal(edPublic, Bytes(session, Find(CKO.CKO_PUBLIC_KEY, edId), CKA.CKA_EC_POINT));
        var signature = session.Sign(Mech(V3.EDDSA), edPrivate, Message);
        var verifier = new Org.BouncyCastle.Crypto.Signers.Ed25519Signer();
        verifier.Init(false, new Org.BouncyCastle.Crypto.Parameters.Ed25519PublicKeyParameters(Curves.UnwrapOctetString(edPublic)));
        verifier.BlockUpdate(Message, 0, Message.Length);
        Assert.True(verifier.VerifySignature(signature));
    }

    [Fact]
    public void PrivateTokenKeyNeedsALogin()
    {
        SetUserPin(UserPin);
        var session = OpenSession(KeyStorageSlotId, readWrite: true);
        Expect.Rv(CKR.CKR_USER_NOT_LOGGED_IN, () => GenerateKeyPair(session, CKM.CKM_EC_KEY_PAIR_GEN,
            [A(CKA.CKA_EC_PARAMS, Curves.Oid(Curves.P256))], [A(CKA.CKA_TOKEN, true)], [A(CKA.CKA_TOKEN, true)]));
    }

    [Fact]
    public void GenerationRefusesBadTemplates()
    {
        var session = Session();
        Expect.Rv(CKR.CKR_KEY_SIZE_RANGE, () => Rsa(session, 256));
        Expect.Rv(CKR.CKR_TEMPLATE_INCOMPLETE, () => GenerateKeyPair(session, CKM.CKM_RSA_PKCS_KEY_PAIR_GEN, []));
        Expect.Rv(CKR.CKR_TEMPLATE_INCOMPLETE, () => GenerateKeyPair(session, CKM.CKM_EC_KEY_PAIR_GEN, []));
        // An OID the token does not know, and bytes that are not DER.
        Expect.Rv(CKR.CKR_CURVE_NOT_SUPPORTED, () => Ec(session, "1.2.3.4.5"));
        Expect.Rv(CKR.CKR_DOMAIN_PARAMS_INVALID, () => GenerateKeyPair(session, CKM.CKM_EC_KEY_PAIR_GEN,
            [A(CKA.CKA_EC_PARAMS, new byte[] { 0x06, 0x50, 1 })]));
        // Edwards curves are not for CKM_EC_KEY_PAIR_GEN, nor Weierstrass curves for the Edwards generator.
        Expect.Rv(CKR.CKR_CURVE_NOT_SUPPORTED, () => Edwards(session, Curves.P256));
        Expect.Rv(CKR.CKR_CURVE_NOT_SUPPORTED, () => Edwards(session, Curves.X25519));
        // A class that contradicts the half.
        Expect.Rv(CKR.CKR_TEMPLATE_INCONSISTENT, () => Rsa(session, 1024, [A(CKA.CKA_CLASS, CKO.CKO_PUBLIC_KEY)]));
    }

    [Fact]
    public void DerivationAndEddsaParameterErrors()
    {
        var session = Session();
        var domain = session.GenerateKey(Mech(CKM.CKM_DH_PKCS_PARAMETER_GEN), [A(CKA.CKA_TOKEN, false), A(CKA.CKA_PRIME_BITS, 512UL)]);
        var p = Bytes(session, domain, CKA.CKA_PRIME);
        var dh = GenerateKeyPair(session, CKM.CKM_DH_PKCS_KEY_PAIR_GEN, [A(CKA.CKA_PRIME, p), A(CKA.CKA_BASE, Bytes(session, domain, CKA.CKA_BASE))],
            [A(CKA.CKA_DERIVE, true)], [A(CKA.CKA_ENCRYPT, false), A(CKA.CKA_VERIFY, false), A(CKA.CKA_VERIFY_RECOVER, false), A(CKA.CKA_WRAP, false)]);
        List<IObjectAttribute> secret = [A(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY), A(CKA.CKA_KEY_TYPE, CKK.CKK_GENERIC_SECRET),
            A(CKA.CKA_TOKEN, false), A(CKA.CKA_VALUE_LEN, 16UL)];
        // Peer values outside [2, p-2] (the small-subgroup checks softokn makes).
        Expect.Rv(CKR.CKR_MECHANISM_PARAM_INVALID, () => session.DeriveKey(Mech(CKM.CKM_DH_PKCS_DERIVE, new byte[] { 1 }), dh.Private, secret));
        var pMinus1 = (byte[])p.Clone();
        pMinus1[^1] -= 1;
        Expect.Rv(CKR.CKR_MECHANISM_PARAM_INVALID, () => session.DeriveKey(Mech(CKM.CKM_DH_PKCS_DERIVE, pMinus1), dh.Private, secret));
        // A DH key is not an EC key.
        Expect.Rv(CKR.CKR_KEY_TYPE_INCONSISTENT, () => session.DeriveKey(
            Mech(CKM.CKM_ECDH1_DERIVE, Factories.MechanismParamsFactory.CreateCkEcdh1DeriveParams((ulong)CKD.CKD_NULL, null, new byte[65])),
            dh.Private, secret));

        // CK_EDDSA_PARAMS with a context longer than 255 bytes, and a parameter of the wrong size.
        var ed = Edwards(session);
        using var longContext = new NativeBuffer(256, 0x41);
        var p24 = new byte[24];
        BitConverter.TryWriteBytes(p24.AsSpan(8), 256UL);
        BitConverter.TryWriteBytes(p24.AsSpan(16), (ulong)longContext.Address);
        Expect.Rv(CKR.CKR_MECHANISM_PARAM_INVALID, () => session.Sign(Mech(V3.EDDSA, p24), ed.Private, Message));
        Expect.Rv(CKR.CKR_MECHANISM_PARAM_INVALID, () => session.Sign(Mech(V3.EDDSA, new byte[7]), ed.Private, Message));
    }

    [Fact]
    public void VerifyRecoverRejectsABadSignature()
    {
        var session = Session();
        var rsa = Rsa(session);
        var signature = session.SignRecover(Mech(CKM.CKM_RSA_PKCS), rsa.Private, "data"u8.ToArray());
        signature[0] ^= 0x40;
        session.VerifyRecover(Mech(CKM.CKM_RSA_PKCS), rsa.Public, signature, out bool valid);
        Assert.False(valid);
        Expect.Rv(CKR.CKR_SIGNATURE_LEN_RANGE, () => session.VerifyRecover(Mech(CKM.CKM_RSA_PKCS), rsa.Public, signature[..100], out _));
    }
}
