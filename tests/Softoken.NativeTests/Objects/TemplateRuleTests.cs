using Net.Pkcs11Interop.Common;
using Softoken.NativeTests.Infrastructure;

namespace Softoken.NativeTests.Objects;

/// <summary>Issue 3, item 3: the template rules of C_CreateObject per class and key type (PKCS #11 v3.0 section 4.1.1):
/// CKR_TEMPLATE_INCOMPLETE, CKR_TEMPLATE_INCONSISTENT, CKR_ATTRIBUTE_READ_ONLY, CKR_ATTRIBUTE_TYPE_INVALID,
/// CKR_ATTRIBUTE_VALUE_INVALID, and CKR_USER_NOT_LOGGED_IN for private objects. A refused template creates nothing.</summary>
public sealed class TemplateRuleTests(ModuleFixture fixture) : ObjectTest(fixture)
{
    private static Attr[] Without(Attr[] template, CKA type) => template.Where(a => a.Type != (ulong)type).ToArray();

    public static TheoryData<string, CKA> IncompleteTemplates => new()
    {
        { "data", CKA.CKA_CLASS },
        { "rsa-private", CKA.CKA_CLASS }, { "rsa-private", CKA.CKA_KEY_TYPE }, { "rsa-private", CKA.CKA_MODULUS },
        { "rsa-private", CKA.CKA_PRIVATE_EXPONENT },
        { "rsa-public", CKA.CKA_KEY_TYPE }, { "rsa-public", CKA.CKA_MODULUS }, { "rsa-public", CKA.CKA_PUBLIC_EXPONENT },
        { "dsa-private", CKA.CKA_PRIME }, { "dsa-private", CKA.CKA_SUBPRIME }, { "dsa-private", CKA.CKA_BASE },
        { "dsa-private", CKA.CKA_VALUE }, { "dsa-public", CKA.CKA_VALUE },
        { "dh-private", CKA.CKA_PRIME }, { "dh-public", CKA.CKA_BASE },
        { "ec-private", CKA.CKA_EC_PARAMS }, { "ec-private", CKA.CKA_VALUE },
        { "ec-public", CKA.CKA_EC_PARAMS }, { "ec-public", CKA.CKA_EC_POINT },
        { "aes", CKA.CKA_KEY_TYPE }, { "aes", CKA.CKA_VALUE },
        { "certificate", CKA.CKA_VALUE }, { "certificate", CKA.CKA_CERTIFICATE_TYPE },
    };

    private static Attr[] TemplateOf(string name) => name switch
    {
        "data" => [Attr.Of(CKA.CKA_CLASS, CKO.CKO_DATA), Attr.Of(CKA.CKA_VALUE, new byte[] { 1 })],
        "rsa-private" => TestKeys.PrivateKey(CKK.CKK_RSA),
        "rsa-public" => TestKeys.PublicKey((ulong)CKK.CKK_RSA),
        "dsa-private" => TestKeys.PrivateKey(CKK.CKK_DSA),
        "dsa-public" => TestKeys.PublicKey((ulong)CKK.CKK_DSA),
        "dh-private" => TestKeys.PrivateKey(CKK.CKK_DH),
        "dh-public" => TestKeys.PublicKey((ulong)CKK.CKK_DH),
        "ec-private" => TestKeys.PrivateKey(CKK.CKK_EC),
        "ec-public" => TestKeys.PublicKey((ulong)CKK.CKK_EC),
        "aes" => TestKeys.Aes(),
        "certificate" => TestKeys.MakeCertificate("CN=Incomplete").Template(),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(IncompleteTemplates))]
    public void MissingRequiredAttributeIsTemplateIncomplete(string name, CKA missing)
    {
        var session = UserSession();
        var template = TemplateOf(name);
        Assert.Equal(CKR.CKR_OK, TryCreate(session, out _, template));
        Assert.Equal(CKR.CKR_TEMPLATE_INCOMPLETE, TryCreate(session, out var handle, [.. Without(template, missing), Token()]));
        Assert.Equal(0UL, handle);
        Assert.Empty(Find(session, Token()));
    }

    [Fact]
    public void ContradictoryTemplatesAreTemplateInconsistent()
    {
        var session = UserSession();
        Assert.Equal(CKR.CKR_TEMPLATE_INCONSISTENT, TryCreate(session, out _, [.. Data("a"), Label("b")]));
        Assert.Equal(CKR.CKR_TEMPLATE_INCONSISTENT, TryCreate(session, out _, [.. TestKeys.Aes(new byte[32]), Attr.Of(CKA.CKA_VALUE_LEN, 16UL)]));
        Assert.Equal(CKR.CKR_TEMPLATE_INCONSISTENT,
            TryCreate(session, out _, [.. TestKeys.PublicKey((ulong)CKK.CKK_RSA), Attr.Of(CKA.CKA_MODULUS_BITS, 1024UL)]));
        Assert.Equal(CKR.CKR_TEMPLATE_INCONSISTENT, TryCreate(session, out _, [.. Data("c"), Class(CKO.CKO_CERTIFICATE)]));
        // The same value twice is no contradiction.
        Assert.Equal(CKR.CKR_OK, TryCreate(session, out _, [.. Data("d"), Label("d")]));
        Assert.Equal(CKR.CKR_OK, TryCreate(session, out _, [.. TestKeys.Aes(new byte[32]), Attr.Of(CKA.CKA_VALUE_LEN, 32UL)]));
    }

    public static TheoryData<CKA, object> TokenOnlyAttributes => new()
    {
        { CKA.CKA_LOCAL, false }, { CKA.CKA_LOCAL, true }, { CKA.CKA_ALWAYS_SENSITIVE, true },
        { CKA.CKA_ALWAYS_SENSITIVE, false }, { CKA.CKA_NEVER_EXTRACTABLE, true }, { CKA.CKA_NEVER_EXTRACTABLE, false },
        { CKA.CKA_KEY_GEN_MECHANISM, (ulong)CKM.CKM_AES_KEY_GEN },
    };

    [Theory]
    [MemberData(nameof(TokenOnlyAttributes))]
    public void AttributesOnlyTheTokenSetsAreAttributeReadOnly(CKA type, object value)
    {
        var session = UserSession();
        Assert.Equal(CKR.CKR_ATTRIBUTE_READ_ONLY, TryCreate(session, out _, [.. TestKeys.Aes(), Attr.Of(type, value)]));
        Assert.Equal(CKR.CKR_ATTRIBUTE_READ_ONLY, TryCreate(session, out _, [.. TestKeys.PrivateKey(CKK.CKK_EC), Attr.Of(type, value)]));
        var key = Create(session, TestKeys.Aes());
        if (value is bool b && b == GetBool(session, key, type)) return;
        Assert.Equal(CKR.CKR_ATTRIBUTE_READ_ONLY, Set(session, key, Attr.Of(type, value)));
    }

    [Fact]
    public void UniqueIdIsReadOnly()
    {
        var session = UserSession();
        Assert.Equal(CKR.CKR_ATTRIBUTE_READ_ONLY, TryCreate(session, out _, [.. Data("u"), Attr.Of(Ck.CKA_UNIQUE_ID, "mine")]));
    }

    [Fact]
    public void OnlyTheSoMarksAnObjectTrusted()
    {
        var session = UserSession();
        var cert = TestKeys.MakeCertificate("CN=Trusted");
        Assert.Equal(CKR.CKR_ATTRIBUTE_READ_ONLY, TryCreate(session, out _, cert.Template(Token(), Attr.Of(CKA.CKA_TRUSTED, true))));
        var handle = Create(session, cert.Template(Token(), Attr.Of(CKA.CKA_TRUSTED, false)));
        Assert.Equal(CKR.CKR_ATTRIBUTE_READ_ONLY, Set(session, handle, Attr.Of(CKA.CKA_TRUSTED, true)));
        Assert.False(GetBool(session, handle, CKA.CKA_TRUSTED));
        Logout(session);

        Assert.Equal(CKR.CKR_OK, LowLevel.C_Login(session, CKU.CKU_SO, [], 0));
        Assert.Equal(CKR.CKR_OK, Set(session, handle, Attr.Of(CKA.CKA_TRUSTED, true)));
        Assert.True(GetBool(session, handle, CKA.CKA_TRUSTED));
        var other = TestKeys.MakeCertificate("CN=Trusted by the SO");
        Assert.Equal(CKR.CKR_OK, TryCreate(session, out var trusted, other.Template(Token(), Attr.Of(CKA.CKA_TRUSTED, true))));
        Assert.True(GetBool(session, trusted, CKA.CKA_TRUSTED));
    }

    public static TheoryData<string, ulong> InvalidTypes => new()
    {
        { "data", Ck.UnknownAttribute }, { "data", (ulong)CKA.CKA_MODULUS }, { "data", (ulong)CKA.CKA_SENSITIVE },
        { "data", (ulong)CKA.CKA_KEY_TYPE },
        { "rsa-public", (ulong)CKA.CKA_SENSITIVE }, { "rsa-public", (ulong)CKA.CKA_SIGN }, { "rsa-public", (ulong)CKA.CKA_PRIVATE_EXPONENT },
        { "rsa-private", (ulong)CKA.CKA_ENCRYPT }, { "rsa-private", (ulong)CKA.CKA_VERIFY }, { "rsa-private", (ulong)CKA.CKA_EC_PARAMS },
        { "ec-private", (ulong)CKA.CKA_PRIME }, { "aes", (ulong)CKA.CKA_MODULUS }, { "aes", (ulong)CKA.CKA_CERTIFICATE_TYPE },
        { "certificate", (ulong)CKA.CKA_KEY_TYPE }, { "certificate", (ulong)CKA.CKA_SENSITIVE },
    };

    [Theory]
    [MemberData(nameof(InvalidTypes))]
    public void AttributesTheClassDoesNotHaveAreAttributeTypeInvalid(string name, ulong type)
    {
        var session = UserSession();
        var value = type is (ulong)CKA.CKA_SENSITIVE or (ulong)CKA.CKA_SIGN or (ulong)CKA.CKA_ENCRYPT or (ulong)CKA.CKA_VERIFY
            ? (object)true
            : type is (ulong)CKA.CKA_KEY_TYPE or (ulong)CKA.CKA_CERTIFICATE_TYPE ? 1UL : new byte[] { 1, 2, 3 };
        Assert.Equal(CKR.CKR_ATTRIBUTE_TYPE_INVALID, TryCreate(session, out _, [.. TemplateOf(name), new Attr(type, value)]));
        var handle = Create(session, TemplateOf(name));
        Assert.Equal(CKR.CKR_ATTRIBUTE_TYPE_INVALID, Set(session, handle, new Attr(type, value)));
    }

    public static TheoryData<string, ulong, byte[]> InvalidValues => new()
    {
        { "bool 2", (ulong)CKA.CKA_TOKEN, [2] },
        { "bool empty", (ulong)CKA.CKA_PRIVATE, [] },
        { "bool two bytes", (ulong)CKA.CKA_MODIFIABLE, [1, 0] },
        { "ulong of 4 bytes", (ulong)CKA.CKA_CLASS, [0, 0, 0, 0] },
        { "ulong of 1 byte", (ulong)CKA.CKA_CLASS, [0] },
        { "date with dashes", (ulong)CKA.CKA_START_DATE, "2024-1-1"u8.ToArray() },
        { "date of 7 digits", (ulong)CKA.CKA_END_DATE, "2024011"u8.ToArray() },
        { "date of letters", (ulong)CKA.CKA_END_DATE, "abcdefgh"u8.ToArray() },
    };

    [Theory]
    [MemberData(nameof(InvalidValues))]
    public void MalformedValuesAreAttributeValueInvalid(string what, ulong type, byte[] value)
    {
        var session = UserSession();
        Assert.True(what.Length > 0);
        Attr[] template = type is (ulong)CKA.CKA_START_DATE or (ulong)CKA.CKA_END_DATE
            ? [.. TestKeys.Aes(), new Attr(type, value)]
            : [.. Without(Data("v"), (CKA)type), new Attr(type, value)];
        Assert.Equal(CKR.CKR_ATTRIBUTE_VALUE_INVALID, TryCreate(session, out _, template));
    }

    [Fact]
    public void InvalidCertificatesAreAttributeValueInvalid()
    {
        var session = UserSession();
        Assert.Equal(CKR.CKR_ATTRIBUTE_VALUE_INVALID, TryCreate(session, out _, Class(CKO.CKO_CERTIFICATE),
            Attr.Of(CKA.CKA_CERTIFICATE_TYPE, CKC.CKC_X_509), Attr.Of(CKA.CKA_VALUE, new byte[] { 0x30, 0x03, 0x02, 0x01, 0x01 })));
        Assert.Equal(CKR.CKR_ATTRIBUTE_VALUE_INVALID, TryCreate(session, out _, Class(CKO.CKO_CERTIFICATE),
            Attr.Of(CKA.CKA_CERTIFICATE_TYPE, CKC.CKC_X_509), Attr.Of(CKA.CKA_VALUE, "not DER")));
        var cert = TestKeys.MakeCertificate("CN=Category");
        // CKA_CERTIFICATE_CATEGORY is 0 (unspecified), 1 (token user), 2 (authority) or 3 (other entity).
        Assert.Equal(CKR.CKR_ATTRIBUTE_VALUE_INVALID, TryCreate(session, out _, cert.Template(Attr.Of(CKA.CKA_CERTIFICATE_CATEGORY, 4UL))));
        // Only X.509 public key certificates are supported.
        Assert.Equal(CKR.CKR_ATTRIBUTE_VALUE_INVALID, TryCreate(session, out _, Class(CKO.CKO_CERTIFICATE),
            Attr.Of(CKA.CKA_CERTIFICATE_TYPE, CKC.CKC_WTLS), Attr.Of(CKA.CKA_VALUE, cert.Der)));
        var handle = Create(session, cert.Template(Attr.Of(CKA.CKA_CERTIFICATE_CATEGORY, 3UL)));
        Assert.Equal(CKR.CKR_ATTRIBUTE_VALUE_INVALID, Set(session, handle, Attr.Of(CKA.CKA_CERTIFICATE_CATEGORY, 7UL)));
        Assert.Equal(3UL, GetUlong(session, handle, CKA.CKA_CERTIFICATE_CATEGORY));
    }

    [Fact]
    public void ValuePointerNullWithALengthIsRefused()
    {
        var session = UserSession();
        var rv = TryCreate(session, out _, [.. Data("n"), new Attr((ulong)CKA.CKA_APPLICATION, null, 16)]);
        Assert.Contains(rv, new[] { CKR.CKR_ATTRIBUTE_VALUE_INVALID, CKR.CKR_ARGUMENTS_BAD });
    }

    [Fact]
    public void PrivateObjectsNeedTheUserLoggedIn()
    {
        var ro = OpenRo();
        var rw = OpenRw();
        foreach (var session in new[] { ro, rw })
        {
            Assert.Equal(CKR.CKR_USER_NOT_LOGGED_IN, TryCreate(session, out _, Data("p", isPrivate: true)));
            Assert.Equal(CKR.CKR_USER_NOT_LOGGED_IN, TryCreate(session, out _, TestKeys.PrivateKey(CKK.CKK_RSA)));
            Assert.Equal(CKR.CKR_USER_NOT_LOGGED_IN, TryCreate(session, out _, TestKeys.Aes()));
        }
        Assert.Equal(CKR.CKR_USER_NOT_LOGGED_IN, TryCreate(rw, out _, Data("t", token: true, isPrivate: true)));
        // Public objects need no login.
        Assert.Equal(CKR.CKR_OK, TryCreate(rw, out _, Data("public", token: true)));
        Assert.Equal(CKR.CKR_OK, TryCreate(ro, out _, TestKeys.PublicKey((ulong)CKK.CKK_RSA)));
        Login(rw);
        Assert.Equal(CKR.CKR_OK, TryCreate(ro, out _, Data("p", isPrivate: true)));
        Assert.Equal(CKR.CKR_OK, TryCreate(rw, out _, [.. TestKeys.PrivateKey(CKK.CKK_RSA), Token()]));
    }
}
