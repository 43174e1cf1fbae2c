using System.Security.Cryptography;
using Net.Pkcs11Interop.Common;
using Softoken.NativeTests.Infrastructure;

namespace Softoken.NativeTests.Objects;

/// <summary>Issue 3, item 3: what C_SetAttributeValue, C_CopyObject and C_DestroyObject may change (PKCS #11 v3.0 sections
/// 4.4, 4.9, 4.10 and 5.7): CKA_SENSITIVE only to true, CKA_EXTRACTABLE only to false, CKA_ALWAYS_SENSITIVE,
/// CKA_NEVER_EXTRACTABLE and CKA_LOCAL kept by the token, fixed attributes read-only, CKA_MODIFIABLE, CKA_COPYABLE and
/// CKA_DESTROYABLE enforced with CKR_ACTION_PROHIBITED, and sensitive values never returned.</summary>
public sealed class AttributeChangeTests(ModuleFixture fixture) : ObjectTest(fixture)
{
    public static TheoryData<bool> TokenOrSession => new() { false, true };

    [Theory]
    [MemberData(nameof(TokenOrSession))]
    public void SensitiveMayOnlyBecomeTrue(bool token)
    {
        var session = UserSession();
        var value = RandomNumberGenerator.GetBytes(16);
        var key = Create(session, [.. TestKeys.Aes(value), Token(token), Attr.Of(CKA.CKA_SENSITIVE, false)]);
        Assert.Equal(value, Get(session, key, CKA.CKA_VALUE));
        Assert.Equal(CKR.CKR_OK, Set(session, key, Attr.Of(CKA.CKA_SENSITIVE, true)));
        Assert.Equal(CKR.CKR_ATTRIBUTE_SENSITIVE, GetRv(session, key, CKA.CKA_VALUE));
        Assert.Equal(CKR.CKR_ATTRIBUTE_READ_ONLY, Set(session, key, Attr.Of(CKA.CKA_SENSITIVE, false)));
        Assert.True(GetBool(session, key, CKA.CKA_SENSITIVE));
        // An imported key was not always sensitive, whatever it is now.
        Assert.False(GetBool(session, key, CKA.CKA_ALWAYS_SENSITIVE));
        Assert.Equal(CKR.CKR_ATTRIBUTE_SENSITIVE, GetRv(session, key, CKA.CKA_VALUE));
        // Setting it true again is no change.
        Assert.Equal(CKR.CKR_OK, Set(session, key, Attr.Of(CKA.CKA_SENSITIVE, true)));
    }

    [Theory]
    [MemberData(nameof(TokenOrSession))]
    public void ExtractableMayOnlyBecomeFalse(bool token)
    {
        var session = UserSession();
        var key = Create(session, [.. TestKeys.PrivateKey(CKK.CKK_EC), Token(token), Attr.Of(CKA.CKA_SENSITIVE, false)]);
        Assert.Equal(TestKeys.P256.D, Get(session, key, CKA.CKA_VALUE));
        Assert.Equal(CKR.CKR_OK, Set(session, key, Attr.Of(CKA.CKA_EXTRACTABLE, false)));
        Assert.Equal(CKR.CKR_ATTRIBUTE_SENSITIVE, GetRv(session, key, CKA.CKA_VALUE));
        Assert.Equal(CKR.CKR_ATTRIBUTE_READ_ONLY, Set(session, key, Attr.Of(CKA.CKA_EXTRACTABLE, true)));
        Assert.False(GetBool(session, key, CKA.CKA_EXTRACTABLE));
        Assert.False(GetBool(session, key, CKA.CKA_NEVER_EXTRACTABLE));
        Assert.Equal(CKR.CKR_ATTRIBUTE_SENSITIVE, GetRv(session, key, CKA.CKA_VALUE));
    }

    [Fact]
    public void TokenKeptAttributesCannotBeSet()
    {
        var session = UserSession();
        var key = Create(session, [.. TestKeys.PrivateKey(CKK.CKK_RSA), Token()]);
        Assert.Equal(CKR.CKR_ATTRIBUTE_READ_ONLY, Set(session, key, Attr.Of(CKA.CKA_ALWAYS_SENSITIVE, true)));
        Assert.Equal(CKR.CKR_ATTRIBUTE_READ_ONLY, Set(session, key, Attr.Of(CKA.CKA_NEVER_EXTRACTABLE, true)));
        Assert.Equal(CKR.CKR_ATTRIBUTE_READ_ONLY, Set(session, key, Attr.Of(CKA.CKA_LOCAL, true)));
        Assert.Equal(CKR.CKR_ATTRIBUTE_READ_ONLY, Set(session, key, Attr.Of(CKA.CKA_KEY_GEN_MECHANISM, (ulong)CKM.CKM_RSA_PKCS_KEY_PAIR_GEN)));
        Assert.False(GetBool(session, key, CKA.CKA_ALWAYS_SENSITIVE));
        Assert.False(GetBool(session, key, CKA.CKA_NEVER_EXTRACTABLE));
        Assert.False(GetBool(session, key, CKA.CKA_LOCAL));
    }

    public static TheoryData<string, CKA> FixedAttributes => new()
    {
        { "data", CKA.CKA_CLASS }, { "data", CKA.CKA_TOKEN }, { "data", CKA.CKA_PRIVATE }, { "data", CKA.CKA_MODIFIABLE },
        { "rsa", CKA.CKA_KEY_TYPE }, { "rsa", CKA.CKA_MODULUS }, { "rsa", CKA.CKA_PRIVATE_EXPONENT },
        { "rsa", CKA.CKA_PUBLIC_EXPONENT }, { "aes", CKA.CKA_VALUE }, { "aes", CKA.CKA_VALUE_LEN },
        { "ec", CKA.CKA_EC_PARAMS }, { "certificate", CKA.CKA_VALUE }, { "certificate", CKA.CKA_CERTIFICATE_TYPE },
    };

    [Theory]
    [MemberData(nameof(FixedAttributes))]
    public void FixedAttributesAreReadOnlyAfterCreation(string kind, CKA type)
    {
        var session = UserSession();
        Attr[] template = kind switch
        {
            "data" => Data("fixed").Where(a => a.Type != (ulong)CKA.CKA_LABEL).ToArray(),
            "rsa" => TestKeys.PrivateKey(CKK.CKK_RSA),
            "aes" => TestKeys.Aes(),
            "ec" => TestKeys.PublicKey((ulong)CKK.CKK_EC),
            _ => TestKeys.MakeCertificate("CN=Fixed").Template(),
        };
        var handle = Create(session, [.. template, Label("before")]);
        object value = type switch
        {
            CKA.CKA_CLASS => (ulong)CKO.CKO_SECRET_KEY,
            CKA.CKA_KEY_TYPE => (ulong)CKK.CKK_DSA,
            CKA.CKA_CERTIFICATE_TYPE => (ulong)CKC.CKC_WTLS,
            CKA.CKA_VALUE_LEN => 24UL,
            CKA.CKA_TOKEN or CKA.CKA_PRIVATE or CKA.CKA_MODIFIABLE => !GetBool(session, handle, type),
            _ => RandomNumberGenerator.GetBytes(32),
        };
        // The change is refused as a whole: the label in the same template is not changed either.
        Assert.Equal(CKR.CKR_ATTRIBUTE_READ_ONLY, Set(session, handle, Label("after"), Attr.Of(type, value)));
        Assert.Equal("before", GetString(session, handle, CKA.CKA_LABEL));
    }

    [Theory]
    [MemberData(nameof(TokenOrSession))]
    public void ChangeableAttributesChangeAndStayChanged(bool token)
    {
        var session = UserSession();
        var key = Create(session, [.. TestKeys.Aes(), Token(token), Label("old"), Attr.Of(CKA.CKA_ID, new byte[] { 1 })]);
        Assert.Equal(CKR.CKR_OK, Set(session, key, Label("new"), Attr.Of(CKA.CKA_ID, new byte[] { 2, 2 }),
            Attr.Of(CKA.CKA_ENCRYPT, false), Attr.Of(CKA.CKA_START_DATE, "20250101"), Attr.Of(CKA.CKA_DERIVE, true)));
        Assert.Equal("new", GetString(session, key, CKA.CKA_LABEL));
        Assert.Equal(new byte[] { 2, 2 }, Get(session, key, CKA.CKA_ID));
        Assert.False(GetBool(session, key, CKA.CKA_ENCRYPT));
        Assert.True(GetBool(session, key, CKA.CKA_DERIVE));
        Assert.Equal("20250101", GetString(session, key, CKA.CKA_START_DATE));
        Assert.Equal(CKR.CKR_OK, Set(session, key));
        if (!token) return;
        Restart();
        session = UserSession();
        var found = Assert.Single(Find(session, Label("new")));
        Assert.Equal(new byte[] { 2, 2 }, Get(session, found, CKA.CKA_ID));
        Assert.False(GetBool(session, found, CKA.CKA_ENCRYPT));
    }

    [Theory]
    [MemberData(nameof(TokenOrSession))]
    public void NotModifiableObjectsRefuseEveryChange(bool token)
    {
        var session = UserSession();
        var data = Create(session, [.. Data("frozen", token), Attr.Of(CKA.CKA_MODIFIABLE, false)]);
        Assert.Equal(CKR.CKR_ACTION_PROHIBITED, Set(session, data, Label("thawed")));
        Assert.Equal(CKR.CKR_ACTION_PROHIBITED, Set(session, data, Attr.Of(CKA.CKA_MODIFIABLE, true)));
        Assert.Equal("frozen", GetString(session, data, CKA.CKA_LABEL));
        // It can still be copied (and the copy may be modifiable) and destroyed.
        Assert.Equal(CKR.CKR_OK, TryCopy(session, data, out var copy, Attr.Of(CKA.CKA_MODIFIABLE, true), Token(false)));
        Assert.Equal(CKR.CKR_OK, Set(session, copy, Label("copy")));
        Assert.Equal(CKR.CKR_OK, Destroy(session, data));
    }

    [Theory]
    [MemberData(nameof(TokenOrSession))]
    public void NotCopyableObjectsCannotBeCopiedAndStaySo(bool token)
    {
        var session = UserSession();
        var key = Create(session, [.. TestKeys.Aes(), Token(token), Attr.Of(CKA.CKA_COPYABLE, false)]);
        Assert.Equal(CKR.CKR_ACTION_PROHIBITED, TryCopy(session, key, out var copy));
        Assert.Equal(0UL, copy);
        Assert.Equal(CKR.CKR_ACTION_PROHIBITED, TryCopy(session, key, out _, Attr.Of(CKA.CKA_COPYABLE, true)));
        Assert.Equal(CKR.CKR_ATTRIBUTE_READ_ONLY, Set(session, key, Attr.Of(CKA.CKA_COPYABLE, true)));
        Assert.False(GetBool(session, key, CKA.CKA_COPYABLE));

        var other = Create(session, [.. TestKeys.Aes(), Token(token)]);
        Assert.Equal(CKR.CKR_OK, Set(session, other, Attr.Of(CKA.CKA_COPYABLE, false)));
        Assert.Equal(CKR.CKR_ACTION_PROHIBITED, TryCopy(session, other, out _));
    }

    [Theory]
    [MemberData(nameof(TokenOrSession))]
    public void NotDestroyableObjectsCannotBeDestroyed(bool token)
    {
        var session = UserSession();
        var data = Create(session, [.. Data("kept", token), Attr.Of(CKA.CKA_DESTROYABLE, false)]);
        Assert.Equal(CKR.CKR_ACTION_PROHIBITED, Destroy(session, data));
        Assert.Single(Find(session, Label("kept")));
        Assert.Equal("kept", GetString(session, data, CKA.CKA_LABEL));
    }

    [Theory]
    [MemberData(nameof(TokenOrSession))]
    public void CopyGetsANewHandleTheSameAttributesAndTheTemplatesChanges(bool token)
    {
        var session = UserSession();
        var value = RandomNumberGenerator.GetBytes(24);
        var key = Create(session, [.. TestKeys.Secret((ulong)CKK.CKK_DES3, value), Token(token), Label("original"),
            Attr.Of(CKA.CKA_SENSITIVE, false), Attr.Of(CKA.CKA_ID, new byte[] { 7 })]);
        Assert.Equal(CKR.CKR_OK, TryCopy(session, key, out var copy, Label("copy"), Attr.Of(CKA.CKA_EXTRACTABLE, false)));
        Assert.NotEqual(key, copy);
        Assert.Equal("copy", GetString(session, copy, CKA.CKA_LABEL));
        Assert.Equal("original", GetString(session, key, CKA.CKA_LABEL));
        Assert.Equal(new byte[] { 7 }, Get(session, copy, CKA.CKA_ID));
        Assert.Equal((ulong)CKK.CKK_DES3, GetUlong(session, copy, CKA.CKA_KEY_TYPE));
        Assert.Equal(token, GetBool(session, copy, CKA.CKA_TOKEN));
        Assert.Equal(CKR.CKR_ATTRIBUTE_SENSITIVE, GetRv(session, copy, CKA.CKA_VALUE));
        Assert.Equal(value, Get(session, key, CKA.CKA_VALUE));
        Assert.Equal(CKR.CKR_OK, Destroy(session, key));
        Assert.Equal("copy", GetString(session, copy, CKA.CKA_LABEL));
    }

    [Fact]
    public void CopyMayMoveASessionObjectToTheTokenAndBack()
    {
        var session = UserSession();
        var key = Create(session, [.. TestKeys.PrivateKey(CKK.CKK_RSA), Label("moving")]);
        Assert.Equal(CKR.CKR_OK, TryCopy(session, key, out var onToken, Token()));
        Assert.True(GetBool(session, onToken, CKA.CKA_TOKEN));
        Assert.Equal(CKR.CKR_OK, TryCopy(session, onToken, out var back, Token(false), Label("back")));
        Assert.False(GetBool(session, back, CKA.CKA_TOKEN));
        Restart();
        session = UserSession();
        var found = Assert.Single(Find(session, Label("moving")));
        Assert.Equal(TestKeys.Rsa.Modulus, Get(session, found, CKA.CKA_MODULUS));
        Assert.Equal(CKR.CKR_ATTRIBUTE_SENSITIVE, GetRv(session, found, CKA.CKA_PRIVATE_EXPONENT));
    }

    [Fact]
    public void CopyFollowsTheSameOneWayRules()
    {
        var session = UserSession();
        var key = Create(session, [.. TestKeys.Aes(), Attr.Of(CKA.CKA_EXTRACTABLE, false)]);
        Assert.Equal(CKR.CKR_ATTRIBUTE_READ_ONLY, TryCopy(session, key, out _, Attr.Of(CKA.CKA_SENSITIVE, false)));
        Assert.Equal(CKR.CKR_ATTRIBUTE_READ_ONLY, TryCopy(session, key, out _, Attr.Of(CKA.CKA_EXTRACTABLE, true)));
        Assert.Equal(CKR.CKR_ATTRIBUTE_READ_ONLY, TryCopy(session, key, out _, Attr.Of(CKA.CKA_VALUE, new byte[32])));
        Assert.Equal(CKR.CKR_ATTRIBUTE_READ_ONLY, TryCopy(session, key, out _, Attr.Of(CKA.CKA_LOCAL, true)));
        Assert.Equal(CKR.CKR_ATTRIBUTE_TYPE_INVALID, TryCopy(session, key, out _, Attr.Of(CKA.CKA_MODULUS, new byte[8])));
        Assert.Equal(key, Assert.Single(Find(session, Class(CKO.CKO_SECRET_KEY))));
    }

    [Fact]
    public void DestroyedObjectsAreGoneAndTheirHandlesInvalid()
    {
        var session = UserSession();
        var sessionObject = Create(session, Data("s"));
        var tokenObject = Create(session, Data("t", token: true));
        Assert.Equal(CKR.CKR_OK, Destroy(session, sessionObject));
        Assert.Equal(CKR.CKR_OK, Destroy(session, tokenObject));
        foreach (var handle in new[] { sessionObject, tokenObject })
        {
            Assert.Equal(CKR.CKR_OBJECT_HANDLE_INVALID, Destroy(session, handle));
            Assert.Equal(CKR.CKR_OBJECT_HANDLE_INVALID, GetRv(session, handle, CKA.CKA_LABEL));
            Assert.Equal(CKR.CKR_OBJECT_HANDLE_INVALID, Set(session, handle, Label("x")));
            Assert.Equal(CKR.CKR_OBJECT_HANDLE_INVALID, TryCopy(session, handle, out _));
        }
        Assert.Empty(Find(session, Class(CKO.CKO_DATA)));
        Restart();
        Assert.Empty(Find(UserSession(), Class(CKO.CKO_DATA)));
    }

    [Fact]
    public void SetAndCopyOnInvalidHandlesAreObjectHandleInvalid()
    {
        var session = UserSession();
        Assert.Equal(CKR.CKR_OBJECT_HANDLE_INVALID, Set(session, 0, Label("x")));
        Assert.Equal(CKR.CKR_OBJECT_HANDLE_INVALID, Set(session, 0xDEADBEEF, Label("x")));
        Assert.Equal(CKR.CKR_OBJECT_HANDLE_INVALID, TryCopy(session, 0xDEADBEEF, out _));
        Assert.Equal(CKR.CKR_OBJECT_HANDLE_INVALID, Destroy(session, 0));
    }
}
