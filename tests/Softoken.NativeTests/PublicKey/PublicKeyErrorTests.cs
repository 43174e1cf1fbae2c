using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using Net.Pkcs11Interop.LowLevelAPI80;
using Softoken.NativeTests.Infrastructure;

namespace Softoken.NativeTests.PublicKey;

/// <summary>Issue 4, the exact return values through the .so: the output-buffer convention on public-key
/// operations, and every error code the issue lists.</summary>
public sealed class PublicKeyErrorTests(ModuleFixture fixture) : PublicKeyTest(fixture)
{
    private static CK_MECHANISM RawMech(CKM type) => CkmUtils.CreateMechanism(type);

    private CKR SignInit(ISession session, CKM type, IObjectHandle key)
    {
        var m = RawMech(type);
        return LowLevel.C_SignInit(session.SessionId, ref m, key.ObjectId);
    }

    private CKR VerifyInit(ISession session, CKM type, IObjectHandle key)
    {
        var m = RawMech(type);
        return LowLevel.C_VerifyInit(session.SessionId, ref m, key.ObjectId);
    }

    [Fact]
    public void SignFollowsTheOutputBufferConvention()
    {
        var session = Session();
        var pair = Rsa(session);
        Expect.Ok(SignInit(session, CKM.CKM_SHA256_RSA_PKCS, pair.Private), "C_SignInit");
        ulong length = 0;
        Expect.Ok(LowLevel.C_Sign(session.SessionId, Message, (ulong)Message.Length, null, ref length), "length query");
        Assert.Equal(128UL, length);
        var small = new byte[127];
        length = 127;
        Assert.Equal(CKR.CKR_BUFFER_TOO_SMALL, LowLevel.C_Sign(session.SessionId, Message, (ulong)Message.Length, small, ref length));
        Assert.Equal(128UL, length);
        // The operation is still active: the next call with room completes it.
        var signature = new byte[200];
        length = 200;
        Expect.Ok(LowLevel.C_Sign(session.SessionId, Message, (ulong)Message.Length, signature, ref length), "C_Sign");
        Assert.Equal(128UL, length);
        Assert.True(VerifySinglePart(session, Mech(CKM.CKM_SHA256_RSA_PKCS), pair.Public, Message, signature[..128]));
        // ... and is over afterwards.
        Assert.Equal(CKR.CKR_OPERATION_NOT_INITIALIZED, LowLevel.C_Sign(session.SessionId, Message, (ulong)Message.Length, signature, ref length));
    }

    [Fact]
    public void SignFinalAndDecryptFollowTheOutputBufferConvention()
    {
        var session = Session();
        var ec = Ec(session, Curves.P256);
        Expect.Ok(SignInit(session, CKM.CKM_ECDSA_SHA256, ec.Private), "C_SignInit");
        Expect.Ok(LowLevel.C_SignUpdate(session.SessionId, Message, (ulong)Message.Length), "C_SignUpdate");
        ulong length = 0;
        Expect.Ok(LowLevel.C_SignFinal(session.SessionId, null, ref length), "length query");
        Assert.Equal(64UL, length);
        var small = new byte[10];
        length = 10;
        Assert.Equal(CKR.CKR_BUFFER_TOO_SMALL, LowLevel.C_SignFinal(session.SessionId, small, ref length));
        Assert.Equal(64UL, length);
        var signature = new byte[64];
        Expect.Ok(LowLevel.C_SignFinal(session.SessionId, signature, ref length), "C_SignFinal");
        Assert.True(VerifySinglePart(session, Mech(CKM.CKM_ECDSA_SHA256), ec.Public, Message, signature));

        var rsa = Rsa(session);
        var encrypted = session.Encrypt(Mech(CKM.CKM_RSA_PKCS), rsa.Public, Message);
        var m = RawMech(CKM.CKM_RSA_PKCS);
        Expect.Ok(LowLevel.C_DecryptInit(session.SessionId, ref m, rsa.Private.ObjectId), "C_DecryptInit");
        length = 0;
        Expect.Ok(LowLevel.C_Decrypt(session.SessionId, encrypted, (ulong)encrypted.Length, null, ref length), "length query");
        Assert.True(length >= (ulong)Message.Length, $"length {length}");
        var tooSmall = new byte[Message.Length - 1];
        length = (ulong)tooSmall.Length;
        Assert.Equal(CKR.CKR_BUFFER_TOO_SMALL, LowLevel.C_Decrypt(session.SessionId, encrypted, (ulong)encrypted.Length, tooSmall, ref length));
        Assert.True(length >= (ulong)Message.Length);
        var plain = new byte[128];
        length = 128;
        Expect.Ok(LowLevel.C_Decrypt(session.SessionId, encrypted, (ulong)encrypted.Length, plain, ref length), "C_Decrypt");
        Assert.Equal(Message, plain[..(int)length]);
    }

    [Fact]
    public void RecoverAndEncryptFollowTheOutputBufferConvention()
    {
        var session = Session();
        var rsa = Rsa(session);
        var data = "recover me"u8.ToArray();
        var m = RawMech(CKM.CKM_RSA_PKCS);
        Expect.Ok(LowLevel.C_SignRecoverInit(session.SessionId, ref m, rsa.Private.ObjectId), "C_SignRecoverInit");
        ulong length = 0;
        Expect.Ok(LowLevel.C_SignRecover(session.SessionId, data, (ulong)data.Length, null, ref length), "length query");
        Assert.Equal(128UL, length);
        length = 64;
        Assert.Equal(CKR.CKR_BUFFER_TOO_SMALL, LowLevel.C_SignRecover(session.SessionId, data, (ulong)data.Length, new byte[64], ref length));
        Assert.Equal(128UL, length);
        var signature = new byte[128];
        Expect.Ok(LowLevel.C_SignRecover(session.SessionId, data, (ulong)data.Length, signature, ref length), "C_SignRecover");

        Expect.Ok(LowLevel.C_VerifyRecoverInit(session.SessionId, ref m, rsa.Public.ObjectId), "C_VerifyRecoverInit");
        length = 0;
        Expect.Ok(LowLevel.C_VerifyRecover(session.SessionId, signature, 128, null, ref length), "length query");
        Assert.True(length >= (ulong)data.Length);
        length = 2;
        Assert.Equal(CKR.CKR_BUFFER_TOO_SMALL, LowLevel.C_VerifyRecover(session.SessionId, signature, 128, new byte[2], ref length));
        var recovered = new byte[128];
        length = 128;
        Expect.Ok(LowLevel.C_VerifyRecover(session.SessionId, signature, 128, recovered, ref length), "C_VerifyRecover");
        Assert.Equal(data, recovered[..(int)length]);

        Expect.Ok(LowLevel.C_EncryptInit(session.SessionId, ref m, rsa.Public.ObjectId), "C_EncryptInit");
        length = 0;
        Expect.Ok(LowLevel.C_Encrypt(session.SessionId, data, (ulong)data.Length, null, ref length), "length query");
        Assert.Equal(128UL, length);
        length = 127;
        Assert.Equal(CKR.CKR_BUFFER_TOO_SMALL, LowLevel.C_Encrypt(session.SessionId, data, (ulong)data.Length, new byte[127], ref length));
        var encrypted = new byte[128];
        length = 128;
        Expect.Ok(LowLevel.C_Encrypt(session.SessionId, data, (ulong)data.Length, encrypted, ref length), "C_Encrypt");
        Assert.Equal(data, session.Decrypt(Mech(CKM.CKM_RSA_PKCS), rsa.Private, encrypted));
    }

    [Fact]
    public void SingleOnlyMechanismsRefuseUpdatesAlikeAndEndTheOperation()
    {
        var session = Session();
        var rsa = Rsa(session);
        var m = RawMech(CKM.CKM_RSA_PKCS);
        ulong length = 0;
        // The length query of C_EncryptUpdate answers as the call itself, and both end the operation.
        Expect.Ok(LowLevel.C_EncryptInit(session.SessionId, ref m, rsa.Public.ObjectId), "C_EncryptInit");
        Assert.Equal(CKR.CKR_MECHANISM_INVALID, LowLevel.C_EncryptUpdate(session.SessionId, Message, 10, null, ref length));
        Assert.Equal(CKR.CKR_OPERATION_NOT_INITIALIZED, LowLevel.C_Encrypt(session.SessionId, Message, 10, null, ref length));
        Expect.Ok(LowLevel.C_EncryptInit(session.SessionId, ref m, rsa.Public.ObjectId), "C_EncryptInit");
        length = 256;
        Assert.Equal(CKR.CKR_MECHANISM_INVALID, LowLevel.C_EncryptUpdate(session.SessionId, Message, 10, new byte[256], ref length));
        Assert.Equal(CKR.CKR_OPERATION_NOT_INITIALIZED, LowLevel.C_Encrypt(session.SessionId, Message, 10, null, ref length));
        Expect.Ok(LowLevel.C_DecryptInit(session.SessionId, ref m, rsa.Private.ObjectId), "C_DecryptInit");
        Assert.Equal(CKR.CKR_MECHANISM_INVALID, LowLevel.C_DecryptUpdate(session.SessionId, new byte[128], 128, null, ref length));
        Expect.Ok(SignInit(session, CKM.CKM_RSA_PKCS, rsa.Private), "C_SignInit");
        Assert.Equal(CKR.CKR_MECHANISM_INVALID, LowLevel.C_SignUpdate(session.SessionId, Message, 10));
    }

    [Fact]
    public void BadSignaturesAndWrongLengths()
    {
        var session = Session();
        var rsa = Rsa(session);
        var ec = Ec(session, Curves.P256);
        var rsaSig = session.Sign(Mech(CKM.CKM_SHA256_RSA_PKCS), rsa.Private, Message);
        var ecSig = session.Sign(Mech(CKM.CKM_ECDSA_SHA256), ec.Private, Message);

        CKR Verify(CKM mechanism, IObjectHandle key, byte[] signature)
        {
            Expect.Ok(VerifyInit(session, mechanism, key), "C_VerifyInit");
            return LowLevel.C_Verify(session.SessionId, Message, (ulong)Message.Length, signature, (ulong)signature.Length);
        }
        Assert.Equal(CKR.CKR_OK, Verify(CKM.CKM_SHA256_RSA_PKCS, rsa.Public, rsaSig));
        var bad = (byte[])rsaSig.Clone();
        bad[0] ^= 0x01;
        Assert.Equal(CKR.CKR_SIGNATURE_INVALID, Verify(CKM.CKM_SHA256_RSA_PKCS, rsa.Public, bad));
        Assert.Equal(CKR.CKR_SIGNATURE_LEN_RANGE, Verify(CKM.CKM_SHA256_RSA_PKCS, rsa.Public, rsaSig[..127]));
        Assert.Equal(CKR.CKR_SIGNATURE_LEN_RANGE, Verify(CKM.CKM_SHA256_RSA_PKCS, rsa.Public, [.. rsaSig, 0]));
        var badEc = (byte[])ecSig.Clone();
        badEc[40] ^= 0x01;
        Assert.Equal(CKR.CKR_SIGNATURE_INVALID, Verify(CKM.CKM_ECDSA_SHA256, ec.Public, badEc));
        Assert.Equal(CKR.CKR_SIGNATURE_LEN_RANGE, Verify(CKM.CKM_ECDSA_SHA256, ec.Public, ecSig[..63]));

        // Multi-part: C_VerifyFinal reports the same codes.
        Expect.Ok(VerifyInit(session, CKM.CKM_SHA256_RSA_PKCS, rsa.Public), "C_VerifyInit");
        Expect.Ok(LowLevel.C_VerifyUpdate(session.SessionId, Message, (ulong)Message.Length), "C_VerifyUpdate");
        Assert.Equal(CKR.CKR_SIGNATURE_INVALID, LowLevel.C_VerifyFinal(session.SessionId, bad, (ulong)bad.Length));
    }

    [Fact]
    public void DataTooLongForTheModulus()
    {
        var session = Session();
        var rsa = Rsa(session);
        Expect.Rv(CKR.CKR_DATA_LEN_RANGE, () => session.Sign(Mech(CKM.CKM_RSA_PKCS), rsa.Private, new byte[128 - 10]));
        Expect.Rv(CKR.CKR_DATA_LEN_RANGE, () => session.Encrypt(Mech(CKM.CKM_RSA_PKCS), rsa.Public, new byte[128 - 10]));
        Expect.Rv(CKR.CKR_DATA_LEN_RANGE, () => session.Encrypt(Mech(CKM.CKM_RSA_X_509), rsa.Public, new byte[129]));
        var oaep = Mech(CKM.CKM_RSA_PKCS_OAEP, Factories.MechanismParamsFactory.CreateCkRsaPkcsOaepParams(
            (ulong)CKM.CKM_SHA_1, (ulong)CKG.CKG_MGF1_SHA1, (ulong)CKZ.CKZ_DATA_SPECIFIED, null));
        Expect.Rv(CKR.CKR_DATA_LEN_RANGE, () => session.Encrypt(oaep, rsa.Public, new byte[128 - 2 * 20 - 1]));
        // Ciphertext of the wrong length.
        Expect.Rv(CKR.CKR_ENCRYPTED_DATA_LEN_RANGE, () => session.Decrypt(Mech(CKM.CKM_RSA_PKCS), rsa.Private, new byte[127]));
    }

    [Fact]
    public void KeyOfTheWrongType()
    {
        var session = Session();
        var rsa = Rsa(session);
        var ec = Ec(session);
        var ed = Edwards(session);
        Assert.Equal(CKR.CKR_KEY_TYPE_INCONSISTENT, SignInit(session, CKM.CKM_ECDSA_SHA256, rsa.Private));
        Assert.Equal(CKR.CKR_KEY_TYPE_INCONSISTENT, SignInit(session, CKM.CKM_SHA256_RSA_PKCS, ec.Private));
        Assert.Equal(CKR.CKR_KEY_TYPE_INCONSISTENT, SignInit(session, V3.EDDSA, ec.Private));
        Assert.Equal(CKR.CKR_KEY_TYPE_INCONSISTENT, SignInit(session, CKM.CKM_ECDSA, ed.Private));
        Assert.Equal(CKR.CKR_KEY_TYPE_INCONSISTENT, VerifyInit(session, CKM.CKM_DSA_SHA1, rsa.Public));
        var m = RawMech(CKM.CKM_RSA_PKCS);
        Assert.Equal(CKR.CKR_KEY_TYPE_INCONSISTENT, LowLevel.C_EncryptInit(session.SessionId, ref m, ec.Public.ObjectId));
    }

    [Fact]
    public void UsageAttributesFalseRefuseTheOperation()
    {
        var session = Session();
        var rsa = Rsa(session, 1024, [A(CKA.CKA_SIGN, false), A(CKA.CKA_DECRYPT, false), A(CKA.CKA_SIGN_RECOVER, false)],
            [A(CKA.CKA_VERIFY, false), A(CKA.CKA_ENCRYPT, false)]);
        Assert.Equal(CKR.CKR_KEY_FUNCTION_NOT_PERMITTED, SignInit(session, CKM.CKM_SHA256_RSA_PKCS, rsa.Private));
        Assert.Equal(CKR.CKR_KEY_FUNCTION_NOT_PERMITTED, VerifyInit(session, CKM.CKM_SHA256_RSA_PKCS, rsa.Public));
        var m = RawMech(CKM.CKM_RSA_PKCS);
        Assert.Equal(CKR.CKR_KEY_FUNCTION_NOT_PERMITTED, LowLevel.C_DecryptInit(session.SessionId, ref m, rsa.Private.ObjectId));
        Assert.Equal(CKR.CKR_KEY_FUNCTION_NOT_PERMITTED, LowLevel.C_EncryptInit(session.SessionId, ref m, rsa.Public.ObjectId));
        Assert.Equal(CKR.CKR_KEY_FUNCTION_NOT_PERMITTED, LowLevel.C_SignRecoverInit(session.SessionId, ref m, rsa.Private.ObjectId));

        var ec = Ec(session, Curves.P256, [A(CKA.CKA_DERIVE, false)]);
        var peer = EcPoint(session, Ec(session).Public);
        Expect.Rv(CKR.CKR_KEY_FUNCTION_NOT_PERMITTED, () => session.DeriveKey(
            Mech(CKM.CKM_ECDH1_DERIVE, Factories.MechanismParamsFactory.CreateCkEcdh1DeriveParams((ulong)CKD.CKD_NULL, null, peer)),
            ec.Private, [A(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY), A(CKA.CKA_KEY_TYPE, CKK.CKK_GENERIC_SECRET), A(CKA.CKA_VALUE_LEN, 32UL)]));
        var x = GenerateKeyPair(session, V3.EC_MONTGOMERY_KEY_PAIR_GEN, [A(CKA.CKA_EC_PARAMS, Curves.Oid(Curves.X25519))],
            [A(CKA.CKA_DERIVE, false), A(CKA.CKA_SIGN, false), A(CKA.CKA_DECRYPT, false), A(CKA.CKA_SIGN_RECOVER, false), A(CKA.CKA_UNWRAP, false)],
            [A(CKA.CKA_VERIFY, false), A(CKA.CKA_ENCRYPT, false), A(CKA.CKA_VERIFY_RECOVER, false), A(CKA.CKA_WRAP, false)]);
        Expect.Rv(CKR.CKR_KEY_FUNCTION_NOT_PERMITTED, () => session.DeriveKey(
            Mech(CKM.CKM_ECDH1_DERIVE, Factories.MechanismParamsFactory.CreateCkEcdh1DeriveParams((ulong)CKD.CKD_NULL, null, EcPoint(session, x.Public))),
            x.Private, [A(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY), A(CKA.CKA_KEY_TYPE, CKK.CKK_GENERIC_SECRET), A(CKA.CKA_VALUE_LEN, 32UL)]));
    }

    [Fact]
    public void BadMechanismParameters()
    {
        var session = Session();
        var rsa = Rsa(session);
        // PSS whose hash disagrees with the mechanism's.
        var pss = Mech(CKM.CKM_SHA256_RSA_PKCS_PSS, Factories.MechanismParamsFactory.CreateCkRsaPkcsPssParams(
            (ulong)CKM.CKM_SHA_1, (ulong)CKG.CKG_MGF1_SHA1, 20));
        Expect.Rv(CKR.CKR_MECHANISM_PARAM_INVALID, () => session.Sign(pss, rsa.Private, Message));
        // PSS and OAEP without their parameter, or with one of the wrong size.
        Assert.Equal(CKR.CKR_MECHANISM_PARAM_INVALID, SignInit(session, CKM.CKM_RSA_PKCS_PSS, rsa.Private));
        var shortParam = CkmUtils.CreateMechanism(CKM.CKM_RSA_PKCS_OAEP, new byte[5]);
        Assert.Equal(CKR.CKR_MECHANISM_PARAM_INVALID, LowLevel.C_EncryptInit(session.SessionId, ref shortParam, rsa.Public.ObjectId));
        // OAEP with an unknown MGF.
        var oaep = Mech(CKM.CKM_RSA_PKCS_OAEP, Factories.MechanismParamsFactory.CreateCkRsaPkcsOaepParams(
            (ulong)CKM.CKM_SHA256, 0x9999, (ulong)CKZ.CKZ_DATA_SPECIFIED, null));
        Expect.Rv(CKR.CKR_MECHANISM_PARAM_INVALID, () => session.Encrypt(oaep, rsa.Public, Message[..10]));
        // ECDH without a peer point, and with garbage as the point.
        var ec = Ec(session, Curves.P256, [A(CKA.CKA_DERIVE, true)]);
        List<IObjectAttribute> secret = [A(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY), A(CKA.CKA_KEY_TYPE, CKK.CKK_GENERIC_SECRET),
            A(CKA.CKA_TOKEN, false), A(CKA.CKA_VALUE_LEN, 32UL)];
        Expect.Rv(CKR.CKR_MECHANISM_PARAM_INVALID, () => session.DeriveKey(Mech(CKM.CKM_ECDH1_DERIVE), ec.Private, secret));
        var garbage = Mech(CKM.CKM_ECDH1_DERIVE, Factories.MechanismParamsFactory.CreateCkEcdh1DeriveParams(
            (ulong)CKD.CKD_NULL, null, [0x04, 1, 2, 3]));
        var e = Assert.Throws<Pkcs11Exception>(() => session.DeriveKey(garbage, ec.Private, secret));
        Assert.True(e.RV is CKR.CKR_MECHANISM_PARAM_INVALID or CKR.CKR_DOMAIN_PARAMS_INVALID, e.RV.ToString());
        // DH derive without the peer's public value.
        var dh = CkmUtils.CreateMechanism(CKM.CKM_DH_PKCS_DERIVE);
        Assert.NotEqual(CKR.CKR_OK, LowLevel.C_DeriveKey(session.SessionId, ref dh, ec.Private.ObjectId, null, 0, ref Unused));
    }

    private static ulong Unused;

    [Fact]
    public void AllowedMechanismsAreEnforced()
    {
        var session = Session(KeyStorageSlotId);
        var rsa = Rsa(session, 1024, [Allowed(CKM.CKM_SHA256_RSA_PKCS, CKM.CKM_RSA_PKCS_OAEP)]);
        Assert.Equal(CKR.CKR_MECHANISM_INVALID, SignInit(session, CKM.CKM_SHA1_RSA_PKCS, rsa.Private));
        Assert.Equal(CKR.CKR_MECHANISM_INVALID, SignInit(session, CKM.CKM_RSA_PKCS, rsa.Private));
        var m = RawMech(CKM.CKM_RSA_PKCS);
        Assert.Equal(CKR.CKR_MECHANISM_INVALID, LowLevel.C_DecryptInit(session.SessionId, ref m, rsa.Private.ObjectId));
        var signature = session.Sign(Mech(CKM.CKM_SHA256_RSA_PKCS), rsa.Private, Message);
        Assert.True(VerifySinglePart(session, Mech(CKM.CKM_SHA256_RSA_PKCS), rsa.Public, Message, signature));
        var ec = Ec(session, Curves.P256, [Allowed(CKM.CKM_ECDSA), A(CKA.CKA_DERIVE, true)]);
        Assert.Equal(CKR.CKR_MECHANISM_INVALID, SignInit(session, CKM.CKM_ECDSA_SHA256, ec.Private));
        Expect.Rv(CKR.CKR_MECHANISM_INVALID, () => session.DeriveKey(
            Mech(CKM.CKM_ECDH1_DERIVE, Factories.MechanismParamsFactory.CreateCkEcdh1DeriveParams((ulong)CKD.CKD_NULL, null, EcPoint(session, ec.Public))),
            ec.Private, [A(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY), A(CKA.CKA_KEY_TYPE, CKK.CKK_GENERIC_SECRET), A(CKA.CKA_TOKEN, false), A(CKA.CKA_VALUE_LEN, 32UL)]));
        Assert.Equal(64, session.Sign(Mech(CKM.CKM_ECDSA), ec.Private, new byte[32]).Length);
    }

    [Fact]
    public void OperationStateErrorsAndInvalidHandles()
    {
        var session = Session();
        var rsa = Rsa(session);
        ulong length = 0;
        Assert.Equal(CKR.CKR_OPERATION_NOT_INITIALIZED, LowLevel.C_Sign(session.SessionId, Message, (ulong)Message.Length, null, ref length));
        Assert.Equal(CKR.CKR_OPERATION_NOT_INITIALIZED, LowLevel.C_SignUpdate(session.SessionId, Message, (ulong)Message.Length));
        Assert.Equal(CKR.CKR_OPERATION_NOT_INITIALIZED, LowLevel.C_VerifyFinal(session.SessionId, new byte[128], 128));
        Assert.Equal(CKR.CKR_OPERATION_NOT_INITIALIZED, LowLevel.C_Decrypt(session.SessionId, new byte[128], 128, null, ref length));
        Assert.Equal(CKR.CKR_OPERATION_NOT_INITIALIZED, LowLevel.C_VerifyRecover(session.SessionId, new byte[128], 128, null, ref length));

        Expect.Ok(SignInit(session, CKM.CKM_SHA256_RSA_PKCS, rsa.Private), "C_SignInit");
        Assert.Equal(CKR.CKR_OPERATION_ACTIVE, SignInit(session, CKM.CKM_SHA256_RSA_PKCS, rsa.Private));
        // The first operation survives the refused second init.
        length = 128;
        var signature = new byte[128];
        Expect.Ok(LowLevel.C_Sign(session.SessionId, Message, (ulong)Message.Length, signature, ref length), "C_Sign");
        Assert.True(VerifySinglePart(session, Mech(CKM.CKM_SHA256_RSA_PKCS), rsa.Public, Message, signature));
        // A verify may run while a sign is active (one operation per kind).
        Expect.Ok(SignInit(session, CKM.CKM_SHA256_RSA_PKCS, rsa.Private), "C_SignInit");
        Expect.Ok(VerifyInit(session, CKM.CKM_SHA256_RSA_PKCS, rsa.Public), "C_VerifyInit");
        Assert.Equal(CKR.CKR_OPERATION_ACTIVE, VerifyInit(session, CKM.CKM_SHA256_RSA_PKCS, rsa.Public));
        // Multi-part then single-part on the same operation is refused.
        Expect.Ok(LowLevel.C_SignUpdate(session.SessionId, Message, (ulong)Message.Length), "C_SignUpdate");
        length = 128;
        Assert.NotEqual(CKR.CKR_OK, LowLevel.C_Sign(session.SessionId, Message, (ulong)Message.Length, signature, ref length));

        var m = RawMech(CKM.CKM_SHA256_RSA_PKCS);
        Assert.Equal(CKR.CKR_KEY_HANDLE_INVALID, LowLevel.C_SignInit(session.SessionId, ref m, 0xDEAD));
        Assert.Equal(CKR.CKR_KEY_HANDLE_INVALID, LowLevel.C_SignInit(session.SessionId, ref m, 0));
        var doomed = Rsa(session);
        session.DestroyObject(doomed.Private);
        var other = OpenSession(CryptoSlotId, readWrite: true);
        Assert.Equal(CKR.CKR_KEY_HANDLE_INVALID, LowLevel.C_SignInit(other.SessionId, ref m, doomed.Private.ObjectId));
        var ecdh = CkmUtils.CreateMechanism(CKM.CKM_DH_PKCS_DERIVE, new byte[] { 2 });
        ulong derived = 0;
        Assert.Equal(CKR.CKR_KEY_HANDLE_INVALID, LowLevel.C_DeriveKey(other.SessionId, ref ecdh, 0xDEAD, null, 0, ref derived));
    }

    [Fact]
    public void SessionKeysServeOtherSessionsUntilTheirSessionCloses()
    {
        var owner = Session();
        var user = OpenSession(CryptoSlotId, readWrite: false);
        var pair = Ec(owner, Curves.P256);
        var signature = user.Sign(Mech(CKM.CKM_ECDSA_SHA256), pair.Private, Message);
        Assert.True(VerifySinglePart(user, Mech(CKM.CKM_ECDSA_SHA256), pair.Public, Message, signature));
        owner.CloseSession();
        Assert.Equal(CKR.CKR_KEY_HANDLE_INVALID, SignInit(user, CKM.CKM_ECDSA_SHA256, pair.Private));
        Assert.Equal(CKR.CKR_KEY_HANDLE_INVALID, VerifyInit(user, CKM.CKM_ECDSA_SHA256, pair.Public));
    }

    [Fact]
    public void AlwaysAuthenticateKeyNeedsAContextSpecificLoginEachTime()
    {
        var session = Session(KeyStorageSlotId);
        var rsa = Rsa(session, 1024, [A(CKA.CKA_ALWAYS_AUTHENTICATE, true)]);
        Assert.True(Bool(session, rsa.Private, CKA.CKA_ALWAYS_AUTHENTICATE));
        // Without the context-specific login the sign fails...
        Expect.Ok(SignInit(session, CKM.CKM_SHA256_RSA_PKCS, rsa.Private), "C_SignInit");
        var signature = new byte[128];
        ulong length = 128;
        Assert.Equal(CKR.CKR_USER_NOT_LOGGED_IN, LowLevel.C_Sign(session.SessionId, Message, (ulong)Message.Length, signature, ref length));
        // ... with it, it succeeds, once.
        for (int i = 0; i < 2; i++)
        {
            Expect.Ok(SignInit(session, CKM.CKM_SHA256_RSA_PKCS, rsa.Private), "C_SignInit");
            var pin = System.Text.Encoding.ASCII.GetBytes(UserPin);
            Assert.Equal(CKR.CKR_PIN_INCORRECT, LowLevel.C_Login(session.SessionId, CKU.CKU_CONTEXT_SPECIFIC, "0000"u8.ToArray(), 4));
            Expect.Ok(LowLevel.C_Login(session.SessionId, CKU.CKU_CONTEXT_SPECIFIC, pin, (ulong)pin.Length), "context login");
            length = 128;
            Expect.Ok(LowLevel.C_Sign(session.SessionId, Message, (ulong)Message.Length, signature, ref length), "C_Sign");
            Assert.True(VerifySinglePart(session, Mech(CKM.CKM_SHA256_RSA_PKCS), rsa.Public, Message, signature));
        }
        // A context-specific login with no operation active is refused.
        var again = System.Text.Encoding.ASCII.GetBytes(UserPin);
        Assert.Equal(CKR.CKR_OPERATION_NOT_INITIALIZED, LowLevel.C_Login(session.SessionId, CKU.CKU_CONTEXT_SPECIFIC, again, (ulong)again.Length));
        // A key without the attribute needs no such login.
        var plain = Rsa(session);
        Assert.NotEmpty(session.Sign(Mech(CKM.CKM_SHA256_RSA_PKCS), plain.Private, Message));
    }
}
