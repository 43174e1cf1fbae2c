using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;
using Softoken.NativeTests.Infrastructure;

namespace Softoken.NativeTests.Symmetric;

/// <summary>Issue 5, wrapping through the .so: AES KEY_WRAP (RFC 3394), KEY_WRAP_PAD, KEY_WRAP_KWP (RFC 5649), AES
/// CBC_PAD and RSA OAEP wrapping of secret keys; every wrap rule (CKA_WRAP / CKA_UNWRAP, CKA_EXTRACTABLE,
/// CKA_WRAP_WITH_TRUSTED and CKA_TRUSTED, CKA_WRAP_TEMPLATE, CKA_UNWRAP_TEMPLATE) and the key-wrap attacks.</summary>
public sealed class WrapTests(ModuleFixture fixture) : SymmetricTest(fixture)
{
    private List<IObjectAttribute> UnwrapTemplate(ulong keyType, params IObjectAttribute[] extra) => SecretTemplate(keyType, 0, extra);

    /// <summary>The unwrapped key works: it encrypts like the original.</summary>
    private void SameAesKey(IObjectHandle original, IObjectHandle unwrapped)
    {
        var data = Random(32);
        Assert.Equal(ToHex(Session.Encrypt(Mech(CKM.CKM_AES_ECB), original, data)), ToHex(Session.Encrypt(Mech(CKM.CKM_AES_ECB), unwrapped, data)));
    }

    /// <summary>RFC 3394 section 4.1 (128-bit key data with a 128-bit KEK).</summary>
    [Fact]
    public void AesKeyWrapKnownAnswerAndUnwrap()
    {
        var kek = Aes(Hex("000102030405060708090a0b0c0d0e0f"));
        var target = Aes(Hex("00112233445566778899aabbccddeeff"));
        var wrapped = Session.WrapKey(Mech(CKM.CKM_AES_KEY_WRAP), kek, target);
        Assert.Equal("1fa68b0a8112b447aef34bd8fb5a7b829d3e862371d2cfe5", ToHex(wrapped));
        var unwrapped = Session.UnwrapKey(Mech(CKM.CKM_AES_KEY_WRAP), kek, wrapped, UnwrapTemplate((ulong)CKK.CKK_AES));
        Assert.Equal("00112233445566778899aabbccddeeff", ToHex(Value(unwrapped)));
        SameAesKey(target, unwrapped);
        wrapped[3] ^= 1;
        Expect.Rv(CKR.CKR_WRAPPED_KEY_INVALID, () => Session.UnwrapKey(Mech(CKM.CKM_AES_KEY_WRAP), kek, wrapped, UnwrapTemplate((ulong)CKK.CKK_AES)));
    }

    /// <summary>RFC 5649 section 6: the 20-byte and the 7-byte examples.</summary>
    [Theory]
    [InlineData("c37b7e6492584340bed12207808941155068f738", "138bdeaa9b8fa7fc61f97742e72248ee5ae6ae5360d1ae6a5f54f373fa543b6a")]
    [InlineData("466f7250617369", "afbeb0f07dfbf5419200f2ccb50bb24f")]
    public void AesKeyWrapKwpIsRfc5649(string keyData, string expected)
    {
        const ulong CKM_AES_KEY_WRAP_KWP = 0x210B;
        var kek = Aes(Hex("5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8"));
        var target = Generic(Hex(keyData));
        var wrapped = Session.WrapKey(Mech(CKM_AES_KEY_WRAP_KWP), kek, target);
        Assert.Equal(expected, ToHex(wrapped));
        var unwrapped = Session.UnwrapKey(Mech(CKM_AES_KEY_WRAP_KWP), kek, wrapped, UnwrapTemplate((ulong)CKK.CKK_GENERIC_SECRET));
        Assert.Equal(keyData, ToHex(Value(unwrapped)));
    }

    /// <summary>CKM_AES_KEY_WRAP_PAD as softokn has it: PKCS #7 padding to a multiple of 8, then RFC 3394.</summary>
    [Theory]
    [InlineData(16)]
    [InlineData(20)]
    [InlineData(32)]
    public void AesKeyWrapPadIsPkcs7ThenRfc3394(int length)
    {
        var kekValue = Random(32);
        var keyData = Random(length);
        var kek = Aes(kekValue);
        var target = Generic(keyData);
        int pad = 8 - length % 8;
        var padded = keyData.Concat(Enumerable.Repeat((byte)pad, pad)).ToArray();
        var engine = new AesWrapEngine();
        engine.Init(true, new KeyParameter(kekValue));
        var expected = engine.Wrap(padded, 0, padded.Length);
        var wrapped = Session.WrapKey(Mech(CKM.CKM_AES_KEY_WRAP_PAD), kek, target);
        Assert.Equal(ToHex(expected), ToHex(wrapped));
        var unwrapped = Session.UnwrapKey(Mech(CKM.CKM_AES_KEY_WRAP_PAD), kek, wrapped, UnwrapTemplate((ulong)CKK.CKK_GENERIC_SECRET));
        Assert.Equal(ToHex(keyData), ToHex(Value(unwrapped)));
    }

    [Fact]
    public void AesCbcPadWrapIsTheEncryptedKeyValue()
    {
        var kek = Aes(Random(16));
        var target = Aes(Random(24));
        var iv = Random(16);
        var wrapped = Session.WrapKey(Mech(CKM.CKM_AES_CBC_PAD, iv), kek, target);
        Assert.Equal(ToHex(Session.Encrypt(Mech(CKM.CKM_AES_CBC_PAD, iv), kek, Value(target))), ToHex(wrapped));
        var unwrapped = Session.UnwrapKey(Mech(CKM.CKM_AES_CBC_PAD, iv), kek, wrapped, UnwrapTemplate((ulong)CKK.CKK_AES));
        Assert.Equal(24UL, Ulong(unwrapped, CKA.CKA_VALUE_LEN));
        SameAesKey(target, unwrapped);
    }

    [Fact]
    public void UnwrappedKeyCanBeSensitiveAndIsThenNotAlwaysSensitive()
    {
        var kek = Aes(Random(16), Attr(CKA.CKA_ENCRYPT, false));
        var target = Aes(Random(16));
        var wrapped = Session.WrapKey(Mech(CKM.CKM_AES_KEY_WRAP), kek, target);
        var unwrapped = Session.UnwrapKey(Mech(CKM.CKM_AES_KEY_WRAP), kek, wrapped,
            UnwrapTemplate((ulong)CKK.CKK_AES).Where(a => a.Type != (ulong)CKA.CKA_SENSITIVE).Append(Attr(CKA.CKA_SENSITIVE, true)).ToList());
        SameAesKey(target, unwrapped);
        Assert.False(Bool(unwrapped, CKA.CKA_ALWAYS_SENSITIVE));
        Assert.False(Bool(unwrapped, CKA.CKA_LOCAL));
        Assert.Equal(CKR.CKR_ATTRIBUTE_SENSITIVE, RawGetAttribute(unwrapped, CKA.CKA_VALUE));
    }

    [Fact]
    public void RsaOaepWrapsAnAesKey()
    {
        Session.GenerateKeyPair(Mech(CKM.CKM_RSA_PKCS_KEY_PAIR_GEN),
            [Attr(CKA.CKA_TOKEN, false), Attr(CKA.CKA_MODULUS_BITS, 2048UL), Attr(CKA.CKA_WRAP, true), Attr(CKA.CKA_ENCRYPT, true)],
            [Attr(CKA.CKA_TOKEN, false), Attr(CKA.CKA_UNWRAP, true), Attr(CKA.CKA_DECRYPT, false), Attr(CKA.CKA_SENSITIVE, true)],
            out var publicKey, out var privateKey);
        var oaep = Factories.MechanismParamsFactory.CreateCkRsaPkcsOaepParams((ulong)CKM.CKM_SHA256, (ulong)CKG.CKG_MGF1_SHA256, (ulong)CKZ.CKZ_DATA_SPECIFIED, null);
        var target = Aes(Random(32));
        var wrapped = Session.WrapKey(Mech(CKM.CKM_RSA_PKCS_OAEP, oaep), publicKey, target);
        Assert.Equal(256, wrapped.Length);
        var unwrapped = Session.UnwrapKey(Mech(CKM.CKM_RSA_PKCS_OAEP, oaep), privateKey, wrapped, UnwrapTemplate((ulong)CKK.CKK_AES));
        SameAesKey(target, unwrapped);
        Assert.Equal(32UL, Ulong(unwrapped, CKA.CKA_VALUE_LEN));
    }

    [Fact]
    public void WrapAndUnwrapUsageIsEnforced()
    {
        var target = Aes(Random(16));
        var noWrap = Aes(Random(16), Attr(CKA.CKA_WRAP, false));
        Expect.Rv(CKR.CKR_KEY_FUNCTION_NOT_PERMITTED, () => Session.WrapKey(Mech(CKM.CKM_AES_KEY_WRAP), noWrap, target));
        var kek = Aes(Random(16));
        var wrapped = Session.WrapKey(Mech(CKM.CKM_AES_KEY_WRAP), kek, target);
        var noUnwrap = Aes(Value(kek), Attr(CKA.CKA_UNWRAP, false));
        Expect.Rv(CKR.CKR_KEY_FUNCTION_NOT_PERMITTED, () => Session.UnwrapKey(Mech(CKM.CKM_AES_KEY_WRAP), noUnwrap, wrapped, UnwrapTemplate((ulong)CKK.CKK_AES)));
        Expect.Rv(CKR.CKR_MECHANISM_INVALID, () => Session.WrapKey(Mech(CKM.CKM_SHA256), kek, target));
    }

    [Fact]
    public void UnextractableKeyIsNotWrapped()
    {
        var kek = Aes(Random(16), Attr(CKA.CKA_DECRYPT, false));
        var target = Aes(Random(16), Attr(CKA.CKA_EXTRACTABLE, false));
        Expect.Rv(CKR.CKR_KEY_UNEXTRACTABLE, () => Session.WrapKey(Mech(CKM.CKM_AES_KEY_WRAP), kek, target));
        // CKA_EXTRACTABLE can be switched off but never on again.
        var other = Aes(Random(16));
        Session.SetAttributeValue(other, [Attr(CKA.CKA_EXTRACTABLE, false)]);
        Expect.Rv(CKR.CKR_KEY_UNEXTRACTABLE, () => Session.WrapKey(Mech(CKM.CKM_AES_KEY_WRAP), kek, other));
        Expect.Rv(CKR.CKR_ATTRIBUTE_READ_ONLY, () => Session.SetAttributeValue(other, [Attr(CKA.CKA_EXTRACTABLE, true)]));
    }

    [Fact]
    public void WrapWithTrustedNeedsATrustedWrappingKeyWhichOnlyTheSoCanMake()
    {
        var target = Aes(Random(16), Attr(CKA.CKA_WRAP_WITH_TRUSTED, true));
        var untrusted = Aes(Random(16), Attr(CKA.CKA_DECRYPT, false));
        Expect.Rv(CKR.CKR_KEY_NOT_WRAPPABLE, () => Session.WrapKey(Mech(CKM.CKM_AES_KEY_WRAP), untrusted, target));
        Expect.Rv(CKR.CKR_ATTRIBUTE_READ_ONLY, () => Aes(Random(16), Attr(CKA.CKA_TRUSTED, true)));
        Expect.Rv(CKR.CKR_ATTRIBUTE_READ_ONLY, () => Session.SetAttributeValue(untrusted, [Attr(CKA.CKA_TRUSTED, true)]));
        // CKA_WRAP_WITH_TRUSTED cannot be taken back.
        Expect.Rv(CKR.CKR_ATTRIBUTE_READ_ONLY, () => Session.SetAttributeValue(target, [Attr(CKA.CKA_WRAP_WITH_TRUSTED, false)]));

        // The SO (on the key-storage slot, the one with a login) can mark a wrapping key trusted; the SO sees
        // public objects only, so the trusted key is a public session object, used after the user logs in.
        SetUserPin("1234");
        var so = OpenSession(KeyStorageSlotId, readWrite: true);
        so.Login(CKU.CKU_SO, "");
        Expect.Rv(CKR.CKR_USER_NOT_LOGGED_IN, () => Import(so, (ulong)CKK.CKK_AES, Random(16), Attr(CKA.CKA_TRUSTED, true)));
        var trusted = Import(so, (ulong)CKK.CKK_AES, Random(16), Attr(CKA.CKA_DECRYPT, false), Attr(CKA.CKA_TRUSTED, true), Attr(CKA.CKA_PRIVATE, false));
        Assert.True(so.GetAttributeValue(trusted, [CKA.CKA_TRUSTED])[0].GetValueAsBool());
        so.Logout();
        so.Login(CKU.CKU_USER, "1234");
        var guarded = Import(so, (ulong)CKK.CKK_AES, Random(16), Attr(CKA.CKA_WRAP_WITH_TRUSTED, true));
        Assert.Equal(24, so.WrapKey(Mech(CKM.CKM_AES_KEY_WRAP), trusted, guarded).Length);
        var plain = Import(so, (ulong)CKK.CKK_AES, Random(16), Attr(CKA.CKA_DECRYPT, false));
        Expect.Rv(CKR.CKR_KEY_NOT_WRAPPABLE, () => so.WrapKey(Mech(CKM.CKM_AES_KEY_WRAP), plain, guarded));
        Expect.Rv(CKR.CKR_ATTRIBUTE_READ_ONLY, () => so.SetAttributeValue(plain, [Attr(CKA.CKA_TRUSTED, true)]));
        so.Logout();
    }

    [Fact]
    public void WrapTemplateLimitsWhatAKeyWraps()
    {
        var kek = Aes(Random(16), Attr(CKA.CKA_DECRYPT, false),
            Attr(CKA.CKA_WRAP_TEMPLATE, [Attr(CKA.CKA_KEY_TYPE, (ulong)CKK.CKK_AES), Attr(CKA.CKA_VALUE_LEN, 32UL)]));
        Expect.Rv(CKR.CKR_KEY_NOT_WRAPPABLE, () => Session.WrapKey(Mech(CKM.CKM_AES_KEY_WRAP), kek, Aes(Random(16))));
        Expect.Rv(CKR.CKR_KEY_NOT_WRAPPABLE, () => Session.WrapKey(Mech(CKM.CKM_AES_KEY_WRAP), kek, Generic(Random(32))));
        Assert.Equal(40, Session.WrapKey(Mech(CKM.CKM_AES_KEY_WRAP), kek, Aes(Random(32))).Length);
    }

    [Fact]
    public void UnwrapTemplateIsImposedOnTheUnwrappedKey()
    {
        var value = Random(16);
        var kek = Aes(value, Attr(CKA.CKA_ENCRYPT, false),
            Attr(CKA.CKA_UNWRAP_TEMPLATE, [Attr(CKA.CKA_EXTRACTABLE, false), Attr(CKA.CKA_LABEL, "imposed")]));
        var wrapper = Aes(value, Attr(CKA.CKA_DECRYPT, false));
        var wrapped = Session.WrapKey(Mech(CKM.CKM_AES_KEY_WRAP), wrapper, Aes(Random(16)));
        var template = new List<IObjectAttribute>
        {
            Attr(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY), Attr(CKA.CKA_KEY_TYPE, (ulong)CKK.CKK_AES), Attr(CKA.CKA_TOKEN, false), Attr(CKA.CKA_ENCRYPT, true),
        };
        var unwrapped = Session.UnwrapKey(Mech(CKM.CKM_AES_KEY_WRAP), kek, wrapped, template);
        Assert.False(Bool(unwrapped, CKA.CKA_EXTRACTABLE));
        Assert.Equal("imposed", System.Text.Encoding.UTF8.GetString(Bytes(unwrapped, CKA.CKA_LABEL)));
        Expect.Rv(CKR.CKR_TEMPLATE_INCONSISTENT, () => Session.UnwrapKey(Mech(CKM.CKM_AES_KEY_WRAP), kek, wrapped, [.. template, Attr(CKA.CKA_EXTRACTABLE, true)]));
    }

    /// <summary>The classic attack: wrap a sensitive key with a key that can also decrypt, then C_Decrypt the
    /// blob. The wrap is refused; a wrap-only key wraps, but cannot start a decryption.</summary>
    [Fact]
    public void KeyWrapAttackCannotRevealASensitiveKey()
    {
        var secret = Aes(Random(16), Attr(CKA.CKA_SENSITIVE, true));
        var iv = new byte[16];
        var mechanism = LowMechanism((ulong)CKM.CKM_AES_CBC_PAD, iv);

        // Wrap first: the key that wrapped a sensitive key can no longer start a decryption, so the blob never
        // turns back into the secret.
        var wrapAndDecrypt = Aes(Random(16), Attr(CKA.CKA_WRAP, true), Attr(CKA.CKA_DECRYPT, true));
        var blob = Session.WrapKey(Mech(CKM.CKM_AES_CBC_PAD, iv), wrapAndDecrypt, secret);
        Assert.Equal(32, blob.Length);
        Assert.Equal(CKR.CKR_KEY_FUNCTION_NOT_PERMITTED, LowLevel.C_DecryptInit(SessionId, ref mechanism, wrapAndDecrypt.ObjectId));

        // Decrypt first: a key that has decrypted can no longer wrap a sensitive key.
        var decryptor = Aes(Random(16), Attr(CKA.CKA_WRAP, true), Attr(CKA.CKA_DECRYPT, true));
        Assert.Equal(CKR.CKR_OK, LowLevel.C_DecryptInit(SessionId, ref mechanism, decryptor.ObjectId));
        Expect.Rv(CKR.CKR_KEY_FUNCTION_NOT_PERMITTED, () => Session.WrapKey(Mech(CKM.CKM_AES_KEY_WRAP), decryptor, secret));
        UnmanagedMemory.Free(ref mechanism.Parameter);

        // A key that is not sensitive may be wrapped by any wrapping key: its value is readable anyway.
        Assert.Equal(24, Session.WrapKey(Mech(CKM.CKM_AES_KEY_WRAP), decryptor, Aes(Random(16))).Length);
    }

    /// <summary>The same attacks by changing a key after the wrap (C_SetAttributeValue, or a C_CopyObject that
    /// changes the usage): the key's history travels with it, so turning CKA_DECRYPT on afterwards, or decrypting
    /// with a copy, still cannot reveal the wrapped key.</summary>
    [Fact]
    public void ChangingUsageAfterTheWrapCannotRevealOrPlantASensitiveKey()
    {
        var secret = Aes(Random(16), Attr(CKA.CKA_SENSITIVE, true));
        var wrapOnly = Aes(Random(16), Attr(CKA.CKA_WRAP, true), Attr(CKA.CKA_DECRYPT, false), Attr(CKA.CKA_SENSITIVE, true));
        var iv = new byte[16];
        var blob = Session.WrapKey(Mech(CKM.CKM_AES_CBC_PAD, iv), wrapOnly, secret);
        Assert.Equal(32, blob.Length);
        Session.SetAttributeValue(wrapOnly, [Attr(CKA.CKA_DECRYPT, true)]);
        var copy = Session.CopyObject(wrapOnly, [Attr(CKA.CKA_LABEL, "copy")]);
        var mechanism = LowMechanism((ulong)CKM.CKM_AES_CBC_PAD, iv);
        Assert.Equal(CKR.CKR_KEY_FUNCTION_NOT_PERMITTED, LowLevel.C_DecryptInit(SessionId, ref mechanism, copy.ObjectId));
        Assert.Equal(CKR.CKR_KEY_FUNCTION_NOT_PERMITTED, LowLevel.C_DecryptInit(SessionId, ref mechanism, wrapOnly.ObjectId));
        UnmanagedMemory.Free(ref mechanism.Parameter);

        // Encrypt a chosen value with a key that may not unwrap, then allow it to unwrap: still no sensitive plant.
        var planter = Aes(Random(16), Attr(CKA.CKA_UNWRAP, false), Attr(CKA.CKA_ENCRYPT, true));
        var chosen = Session.Encrypt(Mech(CKM.CKM_AES_CBC_PAD, iv), planter, Hex("000102030405060708090a0b0c0d0e0f"));
        Session.SetAttributeValue(planter, [Attr(CKA.CKA_UNWRAP, true)]);
        var sensitive = SecretTemplate((ulong)CKK.CKK_AES, 0).Where(a => a.Type != (ulong)CKA.CKA_SENSITIVE).Append(Attr(CKA.CKA_SENSITIVE, true)).ToList();
        Expect.Rv(CKR.CKR_KEY_FUNCTION_NOT_PERMITTED, () => Session.UnwrapKey(Mech(CKM.CKM_AES_CBC_PAD, iv), planter, chosen, sensitive));
    }

    /// <summary>The reverse attack: encrypt a chosen value with a key that can also unwrap, and unwrap the result
    /// into a sensitive key whose value the attacker then knows.</summary>
    [Fact]
    public void UnwrapWithAnEncryptingKeyCannotPlantAKnownSensitiveKey()
    {
        var both = Aes(Random(16), Attr(CKA.CKA_UNWRAP, true), Attr(CKA.CKA_ENCRYPT, true));
        var chosen = Hex("000102030405060708090a0b0c0d0e0f");
        var iv = new byte[16];
        var blob = Session.Encrypt(Mech(CKM.CKM_AES_CBC_PAD, iv), both, chosen);
        var sensitive = SecretTemplate((ulong)CKK.CKK_AES, 0).Where(a => a.Type != (ulong)CKA.CKA_SENSITIVE).Append(Attr(CKA.CKA_SENSITIVE, true)).ToList();
        Expect.Rv(CKR.CKR_KEY_FUNCTION_NOT_PERMITTED, () => Session.UnwrapKey(Mech(CKM.CKM_AES_CBC_PAD, iv), both, blob, sensitive));
        // Into a key that is not sensitive the same unwrap is allowed: nothing is hidden.
        var open = Session.UnwrapKey(Mech(CKM.CKM_AES_CBC_PAD, iv), both, blob, SecretTemplate((ulong)CKK.CKK_AES, 0));
        Assert.Equal(ToHex(chosen), ToHex(Value(open)));
    }
}
