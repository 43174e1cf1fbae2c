using System.Security.Cryptography;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;
using Softoken.NativeTests.Infrastructure;

namespace Softoken.NativeTests.PublicKey;

/// <summary>Issue 4, keys: private keys made by .NET and imported with C_CreateObject sign like generated ones;
/// a private key wraps as PKCS #8 under an AES key-wrap key and unwraps into a working key.</summary>
public sealed class ImportAndWrapTests(ModuleFixture fixture) : PublicKeyTest(fixture)
{
    private static readonly CKM AesKeyWrapKwp = (CKM)0x210B;

    private IObjectHandle ImportRsaPrivate(ISession session, RSA rsa, bool extractable = false)
    {
        var p = rsa.ExportParameters(true);
        return session.CreateObject([A(CKA.CKA_CLASS, CKO.CKO_PRIVATE_KEY), A(CKA.CKA_KEY_TYPE, CKK.CKK_RSA),
            A(CKA.CKA_TOKEN, false), A(CKA.CKA_PRIVATE, true), A(CKA.CKA_SENSITIVE, true), A(CKA.CKA_SIGN, true),
            A(CKA.CKA_DECRYPT, true), A(CKA.CKA_EXTRACTABLE, extractable),
            A(CKA.CKA_MODULUS, p.Modulus!), A(CKA.CKA_PUBLIC_EXPONENT, p.Exponent!), A(CKA.CKA_PRIVATE_EXPONENT, p.D!),
            A(CKA.CKA_PRIME_1, p.P!), A(CKA.CKA_PRIME_2, p.Q!), A(CKA.CKA_EXPONENT_1, p.DP!), A(CKA.CKA_EXPONENT_2, p.DQ!),
            A(CKA.CKA_COEFFICIENT, p.InverseQ!)]);
    }

    [Theory]
    [MemberData(nameof(BothSlots))]
    public void ImportedRsaKeySignsAndDecryptsLikeAGeneratedOne(ulong slot)
    {
        var session = Session(slot);
        using var rsa = RSA.Create(2048);
        var key = ImportRsaPrivate(session, rsa);
        Assert.False(Bool(session, key, CKA.CKA_LOCAL));
        Assert.False(Bool(session, key, CKA.CKA_ALWAYS_SENSITIVE));
        Assert.True(Unreadable(session, key, CKA.CKA_PRIVATE_EXPONENT));
        var signature = session.Sign(Mech(CKM.CKM_SHA256_RSA_PKCS), key, Message);
        Assert.True(rsa.VerifyData(Message, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        var pss = Mech(CKM.CKM_SHA384_RSA_PKCS_PSS, Factories.MechanismParamsFactory.CreateCkRsaPkcsPssParams(
            (ulong)CKM.CKM_SHA384, (ulong)CKG.CKG_MGF1_SHA384, 48));
        Assert.True(rsa.VerifyData(Message, session.Sign(pss, key, Message), HashAlgorithmName.SHA384, RSASignaturePadding.Pss));
        var oaep = Mech(CKM.CKM_RSA_PKCS_OAEP, Factories.MechanismParamsFactory.CreateCkRsaPkcsOaepParams(
            (ulong)CKM.CKM_SHA256, (ulong)CKG.CKG_MGF1_SHA256, (ulong)CKZ.CKZ_DATA_SPECIFIED, null));
        Assert.Equal(Message, session.Decrypt(oaep, key, rsa.Encrypt(Message, RSAEncryptionPadding.OaepSHA256)));
    }

    [Theory]
    [InlineData(CryptoSlotId, Curves.P256)]
    [InlineData(KeyStorageSlotId, Curves.P256)]
    [InlineData(CryptoSlotId, Curves.P521)]
    [InlineData(CryptoSlotId, Curves.BrainpoolP256r1)]
    public void ImportedEcKeySignsAndDerivesLikeAGeneratedOne(ulong slot, string curve)
    {
        var session = Session(slot);
        using var ecdsa = ECDsa.Create(ECCurve.CreateFromValue(curve));
        var p = ecdsa.ExportParameters(true);
        var key = session.CreateObject([A(CKA.CKA_CLASS, CKO.CKO_PRIVATE_KEY), A(CKA.CKA_KEY_TYPE, CKK.CKK_EC),
            A(CKA.CKA_TOKEN, false), A(CKA.CKA_SENSITIVE, true), A(CKA.CKA_SIGN, true), A(CKA.CKA_DERIVE, true),
            A(CKA.CKA_EC_PARAMS, Curves.Oid(curve)), A(CKA.CKA_VALUE, p.D!)]);
        var signature = session.Sign(Mech(CKM.CKM_ECDSA_SHA256), key, Message);
        Assert.True(ecdsa.VerifyData(Message, signature, HashAlgorithmName.SHA256));
        var digest = SHA512.HashData(Message);
        Assert.True(ecdsa.VerifyHash(digest, session.Sign(Mech(CKM.CKM_ECDSA), key, digest)));

        using var mine = ECDiffieHellman.Create(p);
        using var peer = ECDiffieHellman.Create(ECCurve.CreateFromValue(curve));
        var q = peer.ExportParameters(false).Q;
        var secret = session.DeriveKey(
            Mech(CKM.CKM_ECDH1_DERIVE, Factories.MechanismParamsFactory.CreateCkEcdh1DeriveParams((ulong)CKD.CKD_NULL, null, [0x04, .. q.X!, .. q.Y!])),
            key, [A(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY), A(CKA.CKA_KEY_TYPE, CKK.CKK_GENERIC_SECRET), A(CKA.CKA_TOKEN, false),
                  A(CKA.CKA_SENSITIVE, false), A(CKA.CKA_EXTRACTABLE, true), A(CKA.CKA_VALUE_LEN, (ulong)q.X!.Length)]);
        Assert.Equal(mine.DeriveRawSecretAgreement(peer.PublicKey), Bytes(session, secret, CKA.CKA_VALUE));
    }

    [Fact]
    public void ImportedRsaKeyWithoutCrtComponentsStillSigns()
    {
        // softokn completes p, q and the CRT values from n, e and d (RSA_PopulatePrivateKey).
        var session = Session();
        using var rsa = RSA.Create(1024);
        var p = rsa.ExportParameters(true);
        var key = session.CreateObject([A(CKA.CKA_CLASS, CKO.CKO_PRIVATE_KEY), A(CKA.CKA_KEY_TYPE, CKK.CKK_RSA),
            A(CKA.CKA_TOKEN, false), A(CKA.CKA_SIGN, true), A(CKA.CKA_MODULUS, p.Modulus!),
            A(CKA.CKA_PUBLIC_EXPONENT, p.Exponent!), A(CKA.CKA_PRIVATE_EXPONENT, p.D!)]);
        var signature = session.Sign(Mech(CKM.CKM_SHA256_RSA_PKCS), key, Message);
        Assert.True(rsa.VerifyData(Message, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    [Fact]
    public void EcPublicKeyOffTheCurveIsRefusedOnCreate()
    {
        // softokn validates an imported EC public point (EC_ValidatePublicKey): CKR_TEMPLATE_INCONSISTENT.
        var session = Session();
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var q = ecdsa.ExportParameters(false).Q;
        byte[] good = [0x04, .. q.X!, .. q.Y!];
        byte[] offCurve = (byte[])good.Clone();
        offCurve[^1] ^= 1;
        List<IObjectAttribute> Template(byte[] point) => [A(CKA.CKA_CLASS, CKO.CKO_PUBLIC_KEY), A(CKA.CKA_KEY_TYPE, CKK.CKK_EC),
            A(CKA.CKA_TOKEN, false), A(CKA.CKA_VERIFY, true), A(CKA.CKA_EC_PARAMS, Curves.Oid(Curves.P256)), A(CKA.CKA_EC_POINT, point)];
        Expect.Rv(CKR.CKR_TEMPLATE_INCONSISTENT, () => session.CreateObject(Template(Curves.OctetString(offCurve))));
        Expect.Rv(CKR.CKR_TEMPLATE_INCONSISTENT, () => session.CreateObject(Template(offCurve)));
        Expect.Rv(CKR.CKR_TEMPLATE_INCONSISTENT, () => session.CreateObject(Template(Curves.OctetString([0x04, .. new byte[64]]))));
        var key = session.CreateObject(Template(Curves.OctetString(good)));
        var digest = SHA256.HashData(Message);
        Assert.True(VerifySinglePart(session, Mech(CKM.CKM_ECDSA), key, digest, ecdsa.SignHash(digest)));
        // The compressed form of a valid point is accepted too.
        byte[] compressed = [(byte)(0x02 | (q.Y![^1] & 1)), .. q.X!];
        key = session.CreateObject(Template(Curves.OctetString(compressed)));
        Assert.True(VerifySinglePart(session, Mech(CKM.CKM_ECDSA), key, digest, ecdsa.SignHash(digest)));
    }

    private IObjectHandle WrappingKey(ISession session, byte[] value) => session.CreateObject([
        A(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY), A(CKA.CKA_KEY_TYPE, CKK.CKK_AES), A(CKA.CKA_TOKEN, false),
        A(CKA.CKA_VALUE, value), A(CKA.CKA_WRAP, true), A(CKA.CKA_UNWRAP, true), A(CKA.CKA_ENCRYPT, false),
        A(CKA.CKA_DECRYPT, false)]);

    /// <summary>CKM_AES_KEY_WRAP_KWP is RFC 5649; CKM_AES_KEY_WRAP_PAD is RFC 3394 with PKCS #7 padding (softokn).</summary>
    private static byte[] BcUnwrap(CKM mechanism, byte[] kek, byte[] wrapped)
    {
        if (mechanism == AesKeyWrapKwp)
        {
            var kwp = new AesWrapPadEngine();
            kwp.Init(false, new KeyParameter(kek));
            return kwp.Unwrap(wrapped, 0, wrapped.Length);
        }
        var engine = new AesWrapEngine();
        engine.Init(false, new KeyParameter(kek));
        var padded = engine.Unwrap(wrapped, 0, wrapped.Length);
        int pad = padded[^1];
        Assert.InRange(pad, 1, 8);
        Assert.All(padded[^pad..], b => Assert.Equal(pad, b));
        return padded[..^pad];
    }

    public static readonly TheoryData<CKM> WrapMechanisms = new() { CKM.CKM_AES_KEY_WRAP_PAD, AesKeyWrapKwp };

    [Theory]
    [MemberData(nameof(WrapMechanisms))]
    public void PrivateKeyWrapsAsPkcs8AndUnwrapsIntoAWorkingKey(CKM wrapMechanism)
    {
        var session = Session(KeyStorageSlotId);
        var kek = RandomNumberGenerator.GetBytes(32);
        var wrappingKey = WrappingKey(session, kek);
        var pair = Rsa(session, 1024, [A(CKA.CKA_EXTRACTABLE, true)]);
        var wrapped = session.WrapKey(Mech(wrapMechanism), wrappingKey, pair.Private);

        // BouncyCastle unwraps the blob into a PKCS #8 PrivateKeyInfo that .NET reads.
        var pkcs8 = BcUnwrap(wrapMechanism, kek, wrapped);
        using (var rsa = RSA.Create())
        {
            rsa.ImportPkcs8PrivateKey(pkcs8, out int read);
            Assert.Equal(pkcs8.Length, read);
            Assert.Equal(Bytes(session, pair.Public, CKA.CKA_MODULUS), rsa.ExportParameters(false).Modulus);
        }

        var unwrapped = session.UnwrapKey(Mech(wrapMechanism), wrappingKey, wrapped, [
            A(CKA.CKA_CLASS, CKO.CKO_PRIVATE_KEY), A(CKA.CKA_KEY_TYPE, CKK.CKK_RSA), A(CKA.CKA_TOKEN, false),
            A(CKA.CKA_PRIVATE, true), A(CKA.CKA_SENSITIVE, true), A(CKA.CKA_SIGN, true)]);
        Assert.False(Bool(session, unwrapped, CKA.CKA_LOCAL));
        Assert.True(Unreadable(session, unwrapped, CKA.CKA_PRIVATE_EXPONENT));
        Assert.Equal(Bytes(session, pair.Public, CKA.CKA_MODULUS), Bytes(session, unwrapped, CKA.CKA_MODULUS));
        var signature = session.Sign(Mech(CKM.CKM_SHA256_RSA_PKCS), unwrapped, Message);
        Assert.True(VerifySinglePart(session, Mech(CKM.CKM_SHA256_RSA_PKCS), pair.Public, Message, signature));
    }

    [Fact]
    public void EcPrivateKeyFromDotNetUnwrapsAndSigns()
    {
        var session = Session();
        var kek = RandomNumberGenerator.GetBytes(16);
        var wrappingKey = WrappingKey(session, kek);
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var pkcs8 = ecdsa.ExportPkcs8PrivateKey();
        // CKM_AES_KEY_WRAP_PAD (softokn): RFC 3394 over the PKCS #7-padded input.
        int pad = 8 - pkcs8.Length % 8;
        byte[] padded = [.. pkcs8, .. Enumerable.Repeat((byte)pad, pad)];
        var engine = new AesWrapEngine();
        engine.Init(true, new KeyParameter(kek));
        var wrapped = engine.Wrap(padded, 0, padded.Length);
        var key = session.UnwrapKey(Mech(CKM.CKM_AES_KEY_WRAP_PAD), wrappingKey, wrapped, [
            A(CKA.CKA_CLASS, CKO.CKO_PRIVATE_KEY), A(CKA.CKA_KEY_TYPE, CKK.CKK_EC), A(CKA.CKA_TOKEN, false),
            A(CKA.CKA_SENSITIVE, true), A(CKA.CKA_SIGN, true)]);
        Assert.Equal(Curves.Oid(Curves.P384), Bytes(session, key, CKA.CKA_EC_PARAMS));
        Assert.True(ecdsa.VerifyData(Message, session.Sign(Mech(CKM.CKM_ECDSA_SHA384), key, Message), HashAlgorithmName.SHA384));
    }

    [Fact]
    public void NonExtractableKeyAndKeyWrapAttackAreRefused()
    {
        var session = Session();
        var wrappingKey = WrappingKey(session, RandomNumberGenerator.GetBytes(32));
        var pair = Rsa(session);
        Expect.Rv(CKR.CKR_KEY_UNEXTRACTABLE, () => session.WrapKey(Mech(CKM.CKM_AES_KEY_WRAP_PAD), wrappingKey, pair.Private));
        // A sensitive key does not go out under a key that has decrypted (nor may that key decrypt once it wrapped one).
        var decryptingKek = session.CreateObject([A(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY), A(CKA.CKA_KEY_TYPE, CKK.CKK_AES),
            A(CKA.CKA_TOKEN, false), A(CKA.CKA_VALUE, new byte[16]), A(CKA.CKA_WRAP, true), A(CKA.CKA_DECRYPT, true)]);
        Assert.Equal(16, session.Decrypt(Mech(CKM.CKM_AES_ECB), decryptingKek, new byte[16]).Length);
        var extractable = Rsa(session, 1024, [A(CKA.CKA_EXTRACTABLE, true)]);
        Expect.Rv(CKR.CKR_KEY_FUNCTION_NOT_PERMITTED, () => session.WrapKey(Mech(CKM.CKM_AES_KEY_WRAP_PAD), decryptingKek, extractable.Private));
    }
}
