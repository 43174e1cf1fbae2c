using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using Softoken.NativeTests.Infrastructure;

namespace Softoken.NativeTests.Symmetric;

/// <summary>Issue 5, key generation: C_GenerateKey for every secret key type through the .so, the attributes the
/// object layer adds (CKA_LOCAL, CKA_KEY_GEN_MECHANISM, CKA_ALWAYS_SENSITIVE, CKA_NEVER_EXTRACTABLE) and the
/// CKA_VALUE_LEN rules.</summary>
public sealed class KeyGenerationTests(ModuleFixture fixture) : SymmetricTest(fixture)
{
    private const ulong CKM_CHACHA20_KEY_GEN = 0x1225;
    private const ulong CKK_CHACHA20 = 0x33;

    /// <summary>Mechanism, key type, CKA_VALUE_LEN to ask for (0: none), expected value length.</summary>
    public static TheoryData<ulong, ulong, int, int> Generators => new()
    {
        { (ulong)CKM.CKM_GENERIC_SECRET_KEY_GEN, (ulong)CKK.CKK_GENERIC_SECRET, 1, 1 },
        { (ulong)CKM.CKM_GENERIC_SECRET_KEY_GEN, (ulong)CKK.CKK_GENERIC_SECRET, 77, 77 },
        { (ulong)CKM.CKM_AES_KEY_GEN, (ulong)CKK.CKK_AES, 16, 16 },
        { (ulong)CKM.CKM_AES_KEY_GEN, (ulong)CKK.CKK_AES, 24, 24 },
        { (ulong)CKM.CKM_AES_KEY_GEN, (ulong)CKK.CKK_AES, 32, 32 },
        { (ulong)CKM.CKM_DES_KEY_GEN, (ulong)CKK.CKK_DES, 0, 8 },
        { (ulong)CKM.CKM_DES2_KEY_GEN, (ulong)CKK.CKK_DES2, 0, 16 },
        { (ulong)CKM.CKM_DES3_KEY_GEN, (ulong)CKK.CKK_DES3, 0, 24 },
        { (ulong)CKM.CKM_DES3_KEY_GEN, (ulong)CKK.CKK_DES3, 24, 24 },
        { (ulong)CKM.CKM_RC2_KEY_GEN, (ulong)CKK.CKK_RC2, 5, 5 },
        { (ulong)CKM.CKM_RC2_KEY_GEN, (ulong)CKK.CKK_RC2, 128, 128 },
        { (ulong)CKM.CKM_RC4_KEY_GEN, (ulong)CKK.CKK_RC4, 16, 16 },
        { (ulong)CKM.CKM_RC4_KEY_GEN, (ulong)CKK.CKK_RC4, 256, 256 },
        { (ulong)CKM.CKM_CAMELLIA_KEY_GEN, (ulong)CKK.CKK_CAMELLIA, 16, 16 },
        { (ulong)CKM.CKM_CAMELLIA_KEY_GEN, (ulong)CKK.CKK_CAMELLIA, 32, 32 },
        { (ulong)CKM.CKM_SEED_KEY_GEN, (ulong)CKK.CKK_SEED, 0, 16 },
        { CKM_CHACHA20_KEY_GEN, CKK_CHACHA20, 0, 32 },
        { CKM_CHACHA20_KEY_GEN, CKK_CHACHA20, 32, 32 },
    };

    [Theory]
    [MemberData(nameof(Generators))]
    public void GeneratedKeyHasTheTypeLengthAndOriginAttributes(ulong mechanism, ulong keyType, int askLength, int length)
    {
        var template = new List<IObjectAttribute> { Attr(CKA.CKA_TOKEN, false), Attr(CKA.CKA_SENSITIVE, false), Attr(CKA.CKA_EXTRACTABLE, true) };
        if (askLength > 0) template.Add(Attr(CKA.CKA_VALUE_LEN, (ulong)askLength));
        var key = Session.GenerateKey(Mech(mechanism), template);

        var a = Session.GetAttributeValue(key,
            [CKA.CKA_CLASS, CKA.CKA_KEY_TYPE, CKA.CKA_VALUE_LEN, CKA.CKA_LOCAL, CKA.CKA_KEY_GEN_MECHANISM, CKA.CKA_VALUE,
             CKA.CKA_ALWAYS_SENSITIVE, CKA.CKA_NEVER_EXTRACTABLE]);
        Assert.Equal((ulong)CKO.CKO_SECRET_KEY, a[0].GetValueAsUlong());
        Assert.Equal(keyType, a[1].GetValueAsUlong());
        Assert.Equal((ulong)length, a[2].GetValueAsUlong());
        Assert.True(a[3].GetValueAsBool());
        Assert.Equal(mechanism, a[4].GetValueAsUlong());
        Assert.Equal(length, a[5].GetValueAsByteArray().Length);
        Assert.False(a[6].GetValueAsBool());
        Assert.False(a[7].GetValueAsBool());

        // A new key has a new value. Short keys may repeat by chance (two random 1-byte keys are equal once in 256
        // runs), so for them eight more are drawn and at least one must differ (all equal: 2^-64 for one byte).
        var seen = new HashSet<string> { Convert.ToHexString(Value(key)) };
        int draws = length < 8 ? 8 : 1;
        for (int i = 0; i < draws; i++) seen.Add(Convert.ToHexString(Value(Session.GenerateKey(Mech(mechanism), template))));
        Assert.True(seen.Count > 1, "every generated key had the same value");
        if (length >= 8) Assert.Equal(2, seen.Count);
    }

    [Theory]
    [InlineData((ulong)CKM.CKM_DES_KEY_GEN)]
    [InlineData((ulong)CKM.CKM_DES2_KEY_GEN)]
    [InlineData((ulong)CKM.CKM_DES3_KEY_GEN)]
    public void DesKeysHaveOddParity(ulong mechanism)
    {
        var key = Session.GenerateKey(Mech(mechanism), [Attr(CKA.CKA_SENSITIVE, false)]);
        Assert.All(Value(key), b => Assert.True(System.Numerics.BitOperations.PopCount(b) % 2 == 1, $"byte {b:x2}"));
    }

    [Fact]
    public void SensitiveUnextractableKeyIsAlwaysSensitiveAndNeverExtractableAndHidesItsValue()
    {
        var key = Session.GenerateKey(Mech(CKM.CKM_AES_KEY_GEN),
            [Attr(CKA.CKA_VALUE_LEN, 16UL), Attr(CKA.CKA_SENSITIVE, true), Attr(CKA.CKA_EXTRACTABLE, false)]);
        Assert.True(Bool(key, CKA.CKA_ALWAYS_SENSITIVE));
        Assert.True(Bool(key, CKA.CKA_NEVER_EXTRACTABLE));
        Assert.Equal(16UL, Ulong(key, CKA.CKA_VALUE_LEN));
        Assert.Equal(CKR.CKR_ATTRIBUTE_SENSITIVE, RawGetAttribute(key, CKA.CKA_VALUE));
    }

    [Theory]
    [InlineData((ulong)CKM.CKM_AES_KEY_GEN)]
    [InlineData((ulong)CKM.CKM_GENERIC_SECRET_KEY_GEN)]
    [InlineData((ulong)CKM.CKM_RC4_KEY_GEN)]
    [InlineData((ulong)CKM.CKM_CAMELLIA_KEY_GEN)]
    [InlineData((ulong)CKM.CKM_RC2_KEY_GEN)]
    public void VariableLengthKeyWithoutValueLenIsTemplateIncomplete(ulong mechanism) =>
        Expect.Rv(CKR.CKR_TEMPLATE_INCOMPLETE, () => Session.GenerateKey(Mech(mechanism), [Attr(CKA.CKA_TOKEN, false)]));

    [Theory]
    [InlineData((ulong)CKM.CKM_AES_KEY_GEN, 15)]
    [InlineData((ulong)CKM.CKM_AES_KEY_GEN, 17)]
    [InlineData((ulong)CKM.CKM_AES_KEY_GEN, 64)]
    [InlineData((ulong)CKM.CKM_CAMELLIA_KEY_GEN, 20)]
    [InlineData((ulong)CKM.CKM_RC4_KEY_GEN, 0)]
    [InlineData((ulong)CKM.CKM_RC4_KEY_GEN, 257)]
    [InlineData((ulong)CKM.CKM_RC2_KEY_GEN, 129)]
    [InlineData((ulong)CKM.CKM_GENERIC_SECRET_KEY_GEN, 0)]
    public void ImpossibleValueLenIsRefused(ulong mechanism, int length)
    {
        var e = Assert.Throws<Pkcs11Exception>(() => Session.GenerateKey(Mech(mechanism), [Attr(CKA.CKA_VALUE_LEN, (ulong)length)]));
        Assert.Contains(e.RV, new[] { CKR.CKR_ATTRIBUTE_VALUE_INVALID, CKR.CKR_KEY_SIZE_RANGE, CKR.CKR_TEMPLATE_INCONSISTENT });
    }

    [Theory]
    [InlineData((ulong)CKM.CKM_DES3_KEY_GEN, 16)]
    [InlineData((ulong)CKM.CKM_DES_KEY_GEN, 16)]
    [InlineData((ulong)CKM.CKM_SEED_KEY_GEN, 32)]
    [InlineData(CKM_CHACHA20_KEY_GEN, 16)]
    public void FixedLengthKeyWithAnotherValueLenIsInconsistent(ulong mechanism, int length) =>
        Expect.Rv(CKR.CKR_TEMPLATE_INCONSISTENT, () => Session.GenerateKey(Mech(mechanism), [Attr(CKA.CKA_VALUE_LEN, (ulong)length)]));

    [Fact]
    public void TemplateNamingAnotherKeyTypeOrClassIsInconsistent()
    {
        Expect.Rv(CKR.CKR_TEMPLATE_INCONSISTENT, () => Session.GenerateKey(Mech(CKM.CKM_AES_KEY_GEN),
            [Attr(CKA.CKA_VALUE_LEN, 16UL), Attr(CKA.CKA_KEY_TYPE, (ulong)CKK.CKK_DES3)]));
        Expect.Rv(CKR.CKR_TEMPLATE_INCONSISTENT, () => Session.GenerateKey(Mech(CKM.CKM_AES_KEY_GEN),
            [Attr(CKA.CKA_VALUE_LEN, 16UL), Attr(CKA.CKA_CLASS, CKO.CKO_DATA)]));
    }

    [Fact]
    public void ValueInTheTemplateIsRefused()
    {
        var e = Assert.Throws<Pkcs11Exception>(() => Session.GenerateKey(Mech(CKM.CKM_AES_KEY_GEN),
            [Attr(CKA.CKA_VALUE_LEN, 16UL), Attr(CKA.CKA_VALUE, new byte[16])]));
        Assert.Contains(e.RV, new[] { CKR.CKR_ATTRIBUTE_READ_ONLY, CKR.CKR_TEMPLATE_INCONSISTENT });
    }

    [Fact]
    public void KeyGenMechanismWithAParameterIsParamInvalid() =>
        Expect.Rv(CKR.CKR_MECHANISM_PARAM_INVALID, () => Session.GenerateKey(Mech(CKM.CKM_AES_KEY_GEN, new byte[8]), [Attr(CKA.CKA_VALUE_LEN, 16UL)]));

    [Fact]
    public void CipherMechanismIsNotAKeyGenerator() =>
        Expect.Rv(CKR.CKR_MECHANISM_INVALID, () => Session.GenerateKey(Mech(CKM.CKM_AES_ECB), [Attr(CKA.CKA_VALUE_LEN, 16UL)]));

    [Fact]
    public void TokenKeyOnTheKeyStorageSlotNeedsLoginAndThenPersists()
    {
        SetUserPin("1234");
        var s = OpenSession(KeyStorageSlotId, readWrite: true);
        Expect.Rv(CKR.CKR_USER_NOT_LOGGED_IN, () => s.GenerateKey(Mech(CKM.CKM_AES_KEY_GEN), [Attr(CKA.CKA_VALUE_LEN, 32UL), Attr(CKA.CKA_TOKEN, true)]));
        s.Login(CKU.CKU_USER, "1234");
        var key = s.GenerateKey(Mech(CKM.CKM_AES_KEY_GEN), [Attr(CKA.CKA_VALUE_LEN, 32UL), Attr(CKA.CKA_TOKEN, true), Attr(CKA.CKA_LABEL, "gen")]);
        Assert.True(s.GetAttributeValue(key, [CKA.CKA_TOKEN])[0].GetValueAsBool());
        Restart();
        var again = OpenSession(KeyStorageSlotId);
        again.Login(CKU.CKU_USER, "1234");
        var found = again.FindAllObjects([Attr(CKA.CKA_LABEL, System.Text.Encoding.UTF8.GetBytes("gen"))]);
        Assert.Single(found);
        Assert.Equal(32UL, again.GetAttributeValue(found[0], [CKA.CKA_VALUE_LEN])[0].GetValueAsUlong());
    }
}
