using System.Security.Cryptography;
using Net.Pkcs11Interop.Common;
using Softoken.NativeTests.Infrastructure;

namespace Softoken.NativeTests.Objects;

/// <summary>Issue 3, item 8: softokn's conventions. Importing a certificate that is already on the token (same issuer and
/// serial number), a trust object for it, or a key with the same CKA_ID and key type updates the stored object instead
/// of creating a duplicate; <c>flags=noMerge</c> turns that off. An update never weakens a key (CKA_SENSITIVE stays true,
/// CKA_EXTRACTABLE stays false) nor mixes the material of two keys, and never touches a private object without login.</summary>
public sealed class MergeTests(ModuleFixture fixture) : ObjectTest(fixture)
{
    [Fact]
    public void ReimportedCertificateUpdatesTheStoredOne()
    {
        var session = UserSession();
        var cert = TestKeys.MakeCertificate("CN=Merged");
        var first = Create(session, cert.Template(Token(), Label("first")));
        var second = Create(session, cert.Template(Token(), Label("second"), Attr.Of(CKA.CKA_ID, new byte[] { 4, 2 })));
        Assert.Equal(first, second);
        var found = Assert.Single(Find(session, Class(CKO.CKO_CERTIFICATE)));
        Assert.Equal("second", GetString(session, found, CKA.CKA_LABEL));
        Assert.Equal(new byte[] { 4, 2 }, Get(session, found, CKA.CKA_ID));

        // Without a label in the template the stored label stays (the update takes only what the template gives).
        Assert.Equal(first, Create(session, cert.Template(Token())));
        Assert.Equal("second", GetString(session, first, CKA.CKA_LABEL));
    }

    [Fact]
    public void CertificateWithTheSameIssuerAndSerialReplacesTheStoredOne()
    {
        var session = UserSession();
        var serial = RandomNumberGenerator.GetBytes(10);
        var old = TestKeys.MakeCertificate("CN=Renewed", (byte[])serial.Clone());
        var renewed = TestKeys.MakeCertificate("CN=Renewed", (byte[])serial.Clone());
        Assert.Equal(old.Serial, renewed.Serial);
        Assert.NotEqual(old.Der, renewed.Der);
        var first = Create(session, old.Template(Token(), Label("old")));
        Assert.Equal(first, Create(session, renewed.Template(Token(), Label("renewed"))));
        var found = Assert.Single(Find(session, Class(CKO.CKO_CERTIFICATE)));
        Assert.Equal(renewed.Der, Get(session, found, CKA.CKA_VALUE));
        Assert.Single(Find(session, Attr.Of(CKA.CKA_VALUE, renewed.Der)));
        Assert.Empty(Find(session, Attr.Of(CKA.CKA_VALUE, old.Der)));
    }

    [Fact]
    public void DifferentSerialsOrSessionObjectsAreNotMerged()
    {
        var session = UserSession();
        var a = TestKeys.MakeCertificate("CN=Same subject");
        var b = TestKeys.MakeCertificate("CN=Same subject");
        Create(session, a.Template(Token()));
        Create(session, b.Template(Token()));
        Assert.Equal(2, Find(session, Class(CKO.CKO_CERTIFICATE)).Length);
        // Session objects are never merged.
        Create(session, a.Template());
        Create(session, a.Template());
        Assert.Equal(2, Find(session, Class(CKO.CKO_CERTIFICATE), Token(false)).Length);
    }

    public static TheoryData<string> KeyKinds => new() { "rsa-private", "ec-private", "rsa-public", "aes" };

    private static Attr[] KeyOf(string kind) => kind switch
    {
        "rsa-private" => TestKeys.PrivateKey(CKK.CKK_RSA),
        "ec-private" => TestKeys.PrivateKey(CKK.CKK_EC),
        "rsa-public" => TestKeys.PublicKey((ulong)CKK.CKK_RSA),
        _ => TestKeys.Aes(),
    };

    [Theory]
    [MemberData(nameof(KeyKinds))]
    public void ReimportedKeyWithTheSameIdAndKeyTypeUpdatesTheStoredOne(string kind)
    {
        var session = UserSession();
        var id = RandomNumberGenerator.GetBytes(20);
        var first = Create(session, [.. KeyOf(kind), Token(), Attr.Of(CKA.CKA_ID, id), Label("first")]);
        var second = Create(session, [.. KeyOf(kind), Token(), Attr.Of(CKA.CKA_ID, id), Label("second")]);
        Assert.Equal(first, second);
        var found = Assert.Single(Find(session, Attr.Of(CKA.CKA_ID, id)));
        Assert.Equal("second", GetString(session, found, CKA.CKA_LABEL));
        Restart();
        session = UserSession();
        Assert.Single(Find(session, Attr.Of(CKA.CKA_ID, id)));
    }

    [Fact]
    public void SameIdWithAnotherKeyTypeOrClassOrNoIdIsANewObject()
    {
        var session = UserSession();
        var id = RandomNumberGenerator.GetBytes(20);
        Create(session, [.. TestKeys.PrivateKey(CKK.CKK_RSA), Token(), Attr.Of(CKA.CKA_ID, id)]);
        Create(session, [.. TestKeys.PrivateKey(CKK.CKK_EC), Token(), Attr.Of(CKA.CKA_ID, id)]);
        Create(session, [.. TestKeys.PublicKey((ulong)CKK.CKK_RSA), Token(), Attr.Of(CKA.CKA_ID, id)]);
        Assert.Equal(3, Find(session, Attr.Of(CKA.CKA_ID, id)).Length);
        Create(session, [.. TestKeys.Aes(), Token()]);
        Create(session, [.. TestKeys.Aes(), Token()]);
        Assert.Equal(2, Find(session, Class(CKO.CKO_SECRET_KEY)).Length);
    }

    [Fact]
    public void ReimportedTrustObjectUpdatesTheStoredTrust()
    {
        var session = UserSession();
        var cert = TestKeys.MakeCertificate("CN=Trust merge");
        Attr[] Trust(ulong serverAuth) =>
        [
            Class(Ck.CKO_NSS_TRUST), Token(), Attr.Of(CKA.CKA_ISSUER, cert.Issuer), Attr.Of(CKA.CKA_SERIAL_NUMBER, cert.Serial),
            Attr.Of(Ck.CKA_CERT_SHA1_HASH, SHA1.HashData(cert.Der)), Attr.Of(Ck.CKA_TRUST_SERVER_AUTH, serverAuth),
        ];
        var first = Create(session, Trust(Ck.CKT_NSS_MUST_VERIFY_TRUST));
        Assert.Equal(first, Create(session, Trust(Ck.CKT_NSS_TRUSTED_DELEGATOR)));
        var found = Assert.Single(Find(session, Class(Ck.CKO_NSS_TRUST)));
        Assert.Equal(Ck.CKT_NSS_TRUSTED_DELEGATOR, GetUlong(session, found, Ck.CKA_TRUST_SERVER_AUTH));
    }

    [Fact]
    public void NoMergeFlagKeepsEveryImport()
    {
        Restart("flags=noMerge");
        var session = UserSession();
        var cert = TestKeys.MakeCertificate("CN=Not merged");
        var a = Create(session, cert.Template(Token()));
        var b = Create(session, cert.Template(Token()));
        Assert.NotEqual(a, b);
        Assert.Equal(2, Find(session, Class(CKO.CKO_CERTIFICATE)).Length);
        var id = new byte[] { 1, 2, 3 };
        Create(session, [.. TestKeys.PrivateKey(CKK.CKK_EC), Token(), Attr.Of(CKA.CKA_ID, id)]);
        Create(session, [.. TestKeys.PrivateKey(CKK.CKK_EC), Token(), Attr.Of(CKA.CKA_ID, id)]);
        Assert.Equal(2, Find(session, Attr.Of(CKA.CKA_ID, id)).Length);
    }

    [Fact]
    public void ReimportNeverMakesASensitiveKeyReadable()
    {
        var session = UserSession();
        var id = RandomNumberGenerator.GetBytes(20);
        var key = Create(session, [.. TestKeys.PrivateKey(CKK.CKK_RSA), Token(), Attr.Of(CKA.CKA_ID, id)]);
        var other = TestKeys.NewRsa();
        var again = Create(session, Class(CKO.CKO_PRIVATE_KEY), Attr.Of(CKA.CKA_KEY_TYPE, CKK.CKK_RSA), Token(),
            Attr.Of(CKA.CKA_ID, id), Attr.Of(CKA.CKA_MODULUS, other.Modulus!), Attr.Of(CKA.CKA_PRIVATE_EXPONENT, other.D!),
            Attr.Of(CKA.CKA_SENSITIVE, false), Attr.Of(CKA.CKA_EXTRACTABLE, true));
        Assert.Equal(key, again);
        Assert.True(GetBool(session, key, CKA.CKA_SENSITIVE));
        foreach (var (type, _) in TestKeys.PrivateSecrets((ulong)CKK.CKK_RSA))
            Assert.NotEqual(CKR.CKR_OK, GetRv(session, key, type));
    }

    [Fact]
    public void ReimportNeverMakesANonExtractableKeyExtractable()
    {
        var session = UserSession();
        var id = RandomNumberGenerator.GetBytes(20);
        var key = Create(session, [.. TestKeys.Aes(), Token(), Attr.Of(CKA.CKA_ID, id), Attr.Of(CKA.CKA_SENSITIVE, false),
            Attr.Of(CKA.CKA_EXTRACTABLE, false)]);
        var value = RandomNumberGenerator.GetBytes(32);
        Assert.Equal(key, Create(session, [.. TestKeys.Aes(value), Token(), Attr.Of(CKA.CKA_ID, id),
            Attr.Of(CKA.CKA_SENSITIVE, false), Attr.Of(CKA.CKA_EXTRACTABLE, true)]));
        Assert.False(GetBool(session, key, CKA.CKA_EXTRACTABLE));
        Assert.Equal(CKR.CKR_ATTRIBUTE_SENSITIVE, GetRv(session, key, CKA.CKA_VALUE));
    }

    [Fact]
    public void ReimportOfOtherKeyMaterialLeavesNothingOfTheOldKey()
    {
        var session = UserSession();
        var id = RandomNumberGenerator.GetBytes(20);
        var old = TestKeys.NewRsa();
        var key = Create(session, [.. TestKeys.RsaPrivate(old), Token(), Attr.Of(CKA.CKA_ID, id), Attr.Of(CKA.CKA_SENSITIVE, false)]);
        Assert.Equal(old.P, Get(session, key, CKA.CKA_PRIME_1));
        var other = TestKeys.NewRsa();
        Assert.Equal(key, Create(session, Class(CKO.CKO_PRIVATE_KEY), Attr.Of(CKA.CKA_KEY_TYPE, CKK.CKK_RSA), Token(),
            Attr.Of(CKA.CKA_ID, id), Attr.Of(CKA.CKA_MODULUS, other.Modulus!), Attr.Of(CKA.CKA_PRIVATE_EXPONENT, other.D!),
            Attr.Of(CKA.CKA_SENSITIVE, false)));
        Assert.Equal(other.Modulus, Get(session, key, CKA.CKA_MODULUS));
        Assert.Equal(other.D, Get(session, key, CKA.CKA_PRIVATE_EXPONENT));
        // The old key's primes must not survive next to the new modulus.
        foreach (var type in new[] { CKA.CKA_PRIME_1, CKA.CKA_PRIME_2, CKA.CKA_EXPONENT_1, CKA.CKA_EXPONENT_2, CKA.CKA_COEFFICIENT })
            Assert.Equal(CKR.CKR_ATTRIBUTE_TYPE_INVALID, GetRv(session, key, type));
    }

    [Fact]
    public void ReimportWithoutLoginNeverTouchesAPrivateObject()
    {
        var session = UserSession();
        var id = RandomNumberGenerator.GetBytes(20);
        var hidden = Create(session, [.. TestKeys.PublicKey((ulong)CKK.CKK_EC), Token(), Private(true), Attr.Of(CKA.CKA_ID, id),
            Label("private public key")]);
        Logout(session);
        var visible = Create(session, [.. TestKeys.PublicKey((ulong)CKK.CKK_EC), Token(), Private(false), Attr.Of(CKA.CKA_ID, id),
            Label("public public key")]);
        Assert.NotEqual(hidden, visible);
        Login(session);
        Assert.Equal("private public key", GetString(session, hidden, CKA.CKA_LABEL));
        Assert.True(GetBool(session, hidden, CKA.CKA_PRIVATE));
    }
}
