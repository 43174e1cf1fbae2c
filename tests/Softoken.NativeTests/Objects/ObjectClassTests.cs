using System.Security.Cryptography;
using System.Text;
using Net.Pkcs11Interop.Common;
using Softoken.NativeTests.Infrastructure;

namespace Softoken.NativeTests.Objects;

/// <summary>Issue 3, item 2: every class and key type, imported with realistic values and read back, with the
/// defaults the token fills in and the attributes only the token sets (PKCS #11 v3.0 chapter 4 and the key object
/// tables of the mechanism chapters).</summary>
public sealed class ObjectClassTests(ModuleFixture fixture) : ObjectTest(fixture)
{
    [Fact]
    public void DataObjectGetsTheDefaultsOfEveryStorageObject()
    {
        var session = UserSession();
        var a = Create(session, Class(CKO.CKO_DATA));
        var b = Create(session, Class(CKO.CKO_DATA));
        Assert.False(GetBool(session, a, CKA.CKA_TOKEN));
        Assert.False(GetBool(session, a, CKA.CKA_PRIVATE));
        Assert.True(GetBool(session, a, CKA.CKA_MODIFIABLE));
        Assert.True(GetBool(session, a, CKA.CKA_COPYABLE));
        Assert.True(GetBool(session, a, CKA.CKA_DESTROYABLE));
        Assert.Empty(Get(session, a, CKA.CKA_LABEL));
        Assert.Empty(Get(session, a, CKA.CKA_APPLICATION));
        Assert.Empty(Get(session, a, CKA.CKA_OBJECT_ID));
        Assert.Empty(Get(session, a, CKA.CKA_VALUE));
        var uniqueA = Get(session, a, Ck.CKA_UNIQUE_ID);
        Assert.NotEmpty(uniqueA);
        Assert.NotEqual(uniqueA, Get(session, b, Ck.CKA_UNIQUE_ID));
    }

    [Fact]
    public void DataObjectKeepsApplicationObjectIdAndValue()
    {
        var session = UserSession();
        var oid = Convert.FromHexString("06092A864886F70D010701");
        var value = RandomNumberGenerator.GetBytes(3000);
        var data = Create(session, Class(CKO.CKO_DATA), Token(), Attr.Of(CKA.CKA_APPLICATION, "softoken tests"),
            Attr.Of(CKA.CKA_OBJECT_ID, oid), Attr.Of(CKA.CKA_VALUE, value), Label("data"));
        Assert.Equal("softoken tests", GetString(session, data, CKA.CKA_APPLICATION));
        Assert.Equal(oid, Get(session, data, CKA.CKA_OBJECT_ID));
        Assert.Equal(value, Get(session, data, CKA.CKA_VALUE));
        Assert.True(GetBool(session, data, CKA.CKA_TOKEN));
    }

    [Fact]
    public void CertificateTakesSubjectIssuerSerialAndCheckValueFromTheDer()
    {
        var session = UserSession();
        var cert = TestKeys.MakeCertificate("CN=Leaf, O=Softoken");
        var handle = Create(session, cert.Template(Token(), Label("leaf")));
        Assert.Equal(cert.Subject, Get(session, handle, CKA.CKA_SUBJECT));
        Assert.Equal(cert.Issuer, Get(session, handle, CKA.CKA_ISSUER));
        Assert.Equal(cert.Serial, Get(session, handle, CKA.CKA_SERIAL_NUMBER));
        Assert.Equal(SHA1.HashData(cert.Der).AsSpan(0, 3).ToArray(), Get(session, handle, CKA.CKA_CHECK_VALUE));
        Assert.Equal(cert.Der, Get(session, handle, CKA.CKA_VALUE));
        Assert.Equal((ulong)CKC.CKC_X_509, GetUlong(session, handle, CKA.CKA_CERTIFICATE_TYPE));
        Assert.Equal(0UL, GetUlong(session, handle, CKA.CKA_CERTIFICATE_CATEGORY));
        Assert.False(GetBool(session, handle, CKA.CKA_TRUSTED));
        Assert.False(GetBool(session, handle, CKA.CKA_PRIVATE));
        Assert.Empty(Get(session, handle, CKA.CKA_ID));
    }

    [Fact]
    public void CertificateAttributesGivenInTheTemplateAreKept()
    {
        var session = UserSession();
        var cert = TestKeys.MakeCertificate("CN=Given, O=Softoken");
        var id = RandomNumberGenerator.GetBytes(20);
        var handle = Create(session, cert.Template(Token(), Label("given"), Attr.Of(CKA.CKA_ID, id),
            Attr.Of(CKA.CKA_SUBJECT, cert.Subject), Attr.Of(CKA.CKA_ISSUER, cert.Issuer), Attr.Of(CKA.CKA_SERIAL_NUMBER, cert.Serial),
            Attr.Of(CKA.CKA_CERTIFICATE_CATEGORY, 2UL), Attr.Of(CKA.CKA_START_DATE, "20240101"), Attr.Of(CKA.CKA_END_DATE, "20341231")));
        Assert.Equal(id, Get(session, handle, CKA.CKA_ID));
        Assert.Equal("given", GetString(session, handle, CKA.CKA_LABEL));
        Assert.Equal(2UL, GetUlong(session, handle, CKA.CKA_CERTIFICATE_CATEGORY));
        Assert.Equal("20240101", GetString(session, handle, CKA.CKA_START_DATE));
        Assert.Equal("20341231", GetString(session, handle, CKA.CKA_END_DATE));
        Assert.Equal(cert.Serial, Get(session, handle, CKA.CKA_SERIAL_NUMBER));
    }

    public static TheoryData<ulong> KeyTypes => new()
    {
        (ulong)CKK.CKK_RSA, (ulong)CKK.CKK_DSA, (ulong)CKK.CKK_DH, (ulong)CKK.CKK_EC, Ck.CKK_EC_EDWARDS, Ck.CKK_EC_MONTGOMERY,
    };

    [Theory]
    [MemberData(nameof(KeyTypes))]
    public void PublicKeyOfEveryTypeIsImportedAndReadBack(ulong keyType)
    {
        var session = UserSession();
        var template = TestKeys.PublicKey(keyType);
        foreach (var token in new[] { false, true })
        {
            var key = Create(session, [.. template, Token(token)]);
            foreach (var a in template) Assert.Equal(NativeTemplate.Encode(a.Value!), Get(session, key, a.Type));
            Assert.False(GetBool(session, key, CKA.CKA_PRIVATE));
            Assert.False(GetBool(session, key, CKA.CKA_LOCAL));
            Assert.False(GetBool(session, key, CKA.CKA_DERIVE));
            Assert.False(GetBool(session, key, CKA.CKA_TRUSTED));
            Assert.Equal(Ck.CK_UNAVAILABLE_INFORMATION, GetUlong(session, key, CKA.CKA_KEY_GEN_MECHANISM));
            Assert.Empty(Get(session, key, CKA.CKA_ID));
            Assert.Empty(Get(session, key, CKA.CKA_SUBJECT));
            // Not attributes of a public key.
            Assert.Equal(CKR.CKR_ATTRIBUTE_TYPE_INVALID, GetRv(session, key, CKA.CKA_SENSITIVE));
            Assert.Equal(CKR.CKR_ATTRIBUTE_TYPE_INVALID, GetRv(session, key, CKA.CKA_SIGN));
            if (keyType == (ulong)CKK.CKK_RSA) Assert.Equal(2048UL, GetUlong(session, key, CKA.CKA_MODULUS_BITS));
        }
    }

    [Theory]
    [MemberData(nameof(KeyTypes))]
    public void PrivateKeyOfEveryTypeIsImportedWithTheTokensAttributes(ulong keyType)
    {
        var session = UserSession();
        var template = TestKeys.PrivateKey(keyType);
        var secrets = TestKeys.PrivateSecrets(keyType).Select(s => s.Type).ToHashSet();
        foreach (var token in new[] { false, true })
        {
            var key = Create(session, [.. template, Token(token), Label("private"), Attr.Of(CKA.CKA_ID, new byte[] { 9 })]);
            foreach (var a in template.Where(a => !secrets.Contains(a.Type)))
                Assert.Equal(NativeTemplate.Encode(a.Value!), Get(session, key, a.Type));
            Assert.True(GetBool(session, key, CKA.CKA_PRIVATE));
            Assert.True(GetBool(session, key, CKA.CKA_SENSITIVE));
            Assert.False(GetBool(session, key, CKA.CKA_ALWAYS_SENSITIVE));
            Assert.False(GetBool(session, key, CKA.CKA_NEVER_EXTRACTABLE));
            Assert.False(GetBool(session, key, CKA.CKA_LOCAL));
            Assert.False(GetBool(session, key, CKA.CKA_ALWAYS_AUTHENTICATE));
            Assert.False(GetBool(session, key, CKA.CKA_WRAP_WITH_TRUSTED));
            Assert.Equal(Ck.CK_UNAVAILABLE_INFORMATION, GetUlong(session, key, CKA.CKA_KEY_GEN_MECHANISM));
            Assert.Equal(new byte[] { 9 }, Get(session, key, CKA.CKA_ID));
            Assert.Equal(CKR.CKR_ATTRIBUTE_TYPE_INVALID, GetRv(session, key, CKA.CKA_ENCRYPT));
            Assert.Equal(CKR.CKR_ATTRIBUTE_TYPE_INVALID, GetRv(session, key, CKA.CKA_VERIFY));
        }
    }

    public static TheoryData<ulong, int> SecretKeyTypes => new()
    {
        { (ulong)CKK.CKK_GENERIC_SECRET, 20 }, { (ulong)CKK.CKK_GENERIC_SECRET, 1 }, { (ulong)CKK.CKK_AES, 16 },
        { (ulong)CKK.CKK_AES, 24 }, { (ulong)CKK.CKK_AES, 32 }, { (ulong)CKK.CKK_DES, 8 }, { (ulong)CKK.CKK_DES2, 16 },
        { (ulong)CKK.CKK_DES3, 24 }, { (ulong)CKK.CKK_RC2, 16 }, { (ulong)CKK.CKK_RC2, 128 }, { (ulong)CKK.CKK_RC4, 16 },
        { (ulong)CKK.CKK_RC4, 256 }, { (ulong)CKK.CKK_CAMELLIA, 16 }, { (ulong)CKK.CKK_CAMELLIA, 32 },
        { (ulong)CKK.CKK_SEED, 16 }, { Ck.CKK_CHACHA20, 32 }, { Ck.CKK_SHA_1_HMAC, 20 }, { Ck.CKK_SHA224_HMAC, 28 },
        { Ck.CKK_SHA256_HMAC, 32 }, { Ck.CKK_SHA384_HMAC, 48 }, { Ck.CKK_SHA512_HMAC, 64 }, { Ck.CKK_MD5_HMAC, 16 },
        { Ck.CKK_SHA3_256_HMAC, 32 },
    };

    [Theory]
    [MemberData(nameof(SecretKeyTypes))]
    public void SecretKeyOfEveryTypeIsImportedWithItsLength(ulong keyType, int length)
    {
        var session = UserSession();
        var value = RandomNumberGenerator.GetBytes(length);
        foreach (var token in new[] { false, true })
        {
            var hidden = Create(session, [.. TestKeys.Secret(keyType, value), Token(token)]);
            Assert.Equal((ulong)length, GetUlong(session, hidden, CKA.CKA_VALUE_LEN));
            Assert.Equal(keyType, GetUlong(session, hidden, CKA.CKA_KEY_TYPE));
            Assert.True(GetBool(session, hidden, CKA.CKA_SENSITIVE));
            Assert.True(GetBool(session, hidden, CKA.CKA_PRIVATE));
            Assert.False(GetBool(session, hidden, CKA.CKA_LOCAL));
            Assert.False(GetBool(session, hidden, CKA.CKA_ALWAYS_SENSITIVE));
            Assert.False(GetBool(session, hidden, CKA.CKA_NEVER_EXTRACTABLE));
            Assert.Equal(CKR.CKR_ATTRIBUTE_SENSITIVE, GetRv(session, hidden, CKA.CKA_VALUE));

            var open = Create(session, [.. TestKeys.Secret(keyType, value), Token(token), Attr.Of(CKA.CKA_SENSITIVE, false)]);
            Assert.Equal(value, Get(session, open, CKA.CKA_VALUE));
        }
    }

    [Theory]
    [InlineData((ulong)CKK.CKK_AES, 15)]
    [InlineData((ulong)CKK.CKK_AES, 33)]
    [InlineData((ulong)CKK.CKK_DES, 16)]
    [InlineData((ulong)CKK.CKK_DES2, 24)]
    [InlineData((ulong)CKK.CKK_DES3, 16)]
    [InlineData((ulong)CKK.CKK_RC2, 0)]
    [InlineData((ulong)CKK.CKK_RC2, 129)]
    [InlineData((ulong)CKK.CKK_RC4, 257)]
    [InlineData((ulong)CKK.CKK_CAMELLIA, 20)]
    [InlineData((ulong)CKK.CKK_SEED, 32)]
    [InlineData(Ck.CKK_CHACHA20, 16)]
    public void SecretKeyOfAWrongLengthIsAttributeValueInvalid(ulong keyType, int length)
    {
        var session = UserSession();
        Assert.Equal(CKR.CKR_ATTRIBUTE_VALUE_INVALID, TryCreate(session, out _, TestKeys.Secret(keyType, new byte[length])));
    }

    [Fact]
    public void DsaDomainParametersAreImportedAndReadBack()
    {
        var session = UserSession();
        var d = TestKeys.Dsa;
        var handle = Create(session, Class(CKO.CKO_DOMAIN_PARAMETERS), Attr.Of(CKA.CKA_KEY_TYPE, CKK.CKK_DSA), Token(),
            Attr.Of(CKA.CKA_PRIME, d.P!), Attr.Of(CKA.CKA_SUBPRIME, d.Q!), Attr.Of(CKA.CKA_BASE, d.G!), Label("pqg"));
        Assert.Equal(d.P, Get(session, handle, CKA.CKA_PRIME));
        Assert.Equal(d.Q, Get(session, handle, CKA.CKA_SUBPRIME));
        Assert.Equal(d.G, Get(session, handle, CKA.CKA_BASE));
        Assert.Equal(2048UL, GetUlong(session, handle, CKA.CKA_PRIME_BITS));
        Assert.False(GetBool(session, handle, CKA.CKA_LOCAL));
        Assert.False(GetBool(session, handle, CKA.CKA_PRIVATE));
        Assert.Equal((ulong)CKK.CKK_DSA, GetUlong(session, handle, CKA.CKA_KEY_TYPE));
    }

    [Fact]
    public void DhDomainParametersAreImportedAndReadBack()
    {
        var session = UserSession();
        var handle = Create(session, Class(CKO.CKO_DOMAIN_PARAMETERS), Attr.Of(CKA.CKA_KEY_TYPE, CKK.CKK_DH),
            Attr.Of(CKA.CKA_PRIME, TestKeys.Dh.Prime), Attr.Of(CKA.CKA_BASE, TestKeys.Dh.Base));
        Assert.Equal(TestKeys.Dh.Prime, Get(session, handle, CKA.CKA_PRIME));
        Assert.Equal(TestKeys.Dh.Base, Get(session, handle, CKA.CKA_BASE));
        Assert.Equal(2048UL, GetUlong(session, handle, CKA.CKA_PRIME_BITS));
    }

    [Fact]
    public void DomainParametersWithoutTheirValuesAreTemplateIncomplete()
    {
        var session = UserSession();
        var d = TestKeys.Dsa;
        Attr[] dsa = [Class(CKO.CKO_DOMAIN_PARAMETERS), Attr.Of(CKA.CKA_KEY_TYPE, CKK.CKK_DSA),
            Attr.Of(CKA.CKA_PRIME, d.P!), Attr.Of(CKA.CKA_SUBPRIME, d.Q!), Attr.Of(CKA.CKA_BASE, d.G!)];
        foreach (var missing in new[] { CKA.CKA_PRIME, CKA.CKA_SUBPRIME, CKA.CKA_BASE })
            Assert.Equal(CKR.CKR_TEMPLATE_INCOMPLETE, TryCreate(session, out _, dsa.Where(a => a.Type != (ulong)missing).ToArray()));
        Assert.Equal(CKR.CKR_TEMPLATE_INCOMPLETE,
            TryCreate(session, out _, Class(CKO.CKO_DOMAIN_PARAMETERS), Attr.Of(CKA.CKA_KEY_TYPE, CKK.CKK_DH), Attr.Of(CKA.CKA_PRIME, d.P!)));
        Assert.Equal(CKR.CKR_TEMPLATE_INCOMPLETE, TryCreate(session, out _, Class(CKO.CKO_DOMAIN_PARAMETERS), Attr.Of(CKA.CKA_PRIME, d.P!)));
        // Attributes of another key type's parameters.
        Assert.Equal(CKR.CKR_ATTRIBUTE_TYPE_INVALID, TryCreate(session, out _, [.. dsa, Attr.Of(CKA.CKA_EC_PARAMS, TestKeys.P256Params)]));
    }

    [Fact]
    public void NssTrustObjectKeepsEveryTrustAttribute()
    {
        var session = UserSession();
        var cert = TestKeys.MakeCertificate("CN=Trusted CA");
        var trust = new (ulong Type, ulong Value)[]
        {
            (Ck.CKA_TRUST_SERVER_AUTH, Ck.CKT_NSS_TRUSTED_DELEGATOR), (Ck.CKA_TRUST_CLIENT_AUTH, Ck.CKT_NSS_MUST_VERIFY_TRUST),
            (Ck.CKA_TRUST_EMAIL_PROTECTION, Ck.CKT_NSS_TRUSTED), (Ck.CKA_TRUST_CODE_SIGNING, Ck.CKT_NSS_NOT_TRUSTED),
            (Ck.CKA_TRUST_DIGITAL_SIGNATURE, Ck.CKT_NSS_TRUSTED), (Ck.CKA_TRUST_NON_REPUDIATION, Ck.CKT_NSS_TRUSTED),
            (Ck.CKA_TRUST_KEY_ENCIPHERMENT, Ck.CKT_NSS_TRUSTED), (Ck.CKA_TRUST_DATA_ENCIPHERMENT, Ck.CKT_NSS_TRUSTED),
            (Ck.CKA_TRUST_KEY_AGREEMENT, Ck.CKT_NSS_TRUSTED), (Ck.CKA_TRUST_KEY_CERT_SIGN, Ck.CKT_NSS_TRUSTED),
            (Ck.CKA_TRUST_CRL_SIGN, Ck.CKT_NSS_TRUSTED), (Ck.CKA_TRUST_IPSEC_END_SYSTEM, Ck.CKT_NSS_MUST_VERIFY_TRUST),
            (Ck.CKA_TRUST_IPSEC_TUNNEL, Ck.CKT_NSS_MUST_VERIFY_TRUST), (Ck.CKA_TRUST_IPSEC_USER, Ck.CKT_NSS_MUST_VERIFY_TRUST),
            (Ck.CKA_TRUST_TIME_STAMPING, Ck.CKT_NSS_MUST_VERIFY_TRUST),
        };
        var sha1 = SHA1.HashData(cert.Der);
        var md5 = MD5.HashData(cert.Der);
        var handle = Create(session,
        [
            Class(Ck.CKO_NSS_TRUST), Token(), Label("Trusted CA"), Attr.Of(CKA.CKA_ISSUER, cert.Issuer),
            Attr.Of(CKA.CKA_SERIAL_NUMBER, cert.Serial), Attr.Of(Ck.CKA_CERT_SHA1_HASH, sha1), Attr.Of(Ck.CKA_CERT_MD5_HASH, md5),
            Attr.Of(Ck.CKA_TRUST_STEP_UP_APPROVED, false), .. trust.Select(t => Attr.Of(t.Type, t.Value)),
        ]);
        foreach (var (type, value) in trust) Assert.Equal(value, GetUlong(session, handle, type));
        Assert.Equal(sha1, Get(session, handle, Ck.CKA_CERT_SHA1_HASH));
        Assert.Equal(md5, Get(session, handle, Ck.CKA_CERT_MD5_HASH));
        Assert.Equal(cert.Issuer, Get(session, handle, CKA.CKA_ISSUER));
        Assert.Equal(new byte[] { 0 }, Get(session, handle, Ck.CKA_TRUST_STEP_UP_APPROVED));
        Assert.Equal(Ck.CKO_NSS_TRUST, GetUlong(session, handle, CKA.CKA_CLASS));

        // certutil -M: the trust changes in place.
        Assert.Equal(CKR.CKR_OK, Set(session, handle, Attr.Of(Ck.CKA_TRUST_SERVER_AUTH, Ck.CKT_NSS_TRUSTED)));
        Assert.Equal(Ck.CKT_NSS_TRUSTED, GetUlong(session, handle, Ck.CKA_TRUST_SERVER_AUTH));
        // A trust value is a CK_ULONG.
        Assert.Equal(CKR.CKR_ATTRIBUTE_VALUE_INVALID, Set(session, handle, new Attr(Ck.CKA_TRUST_SERVER_AUTH, new byte[] { 1 })));
        // The certificate it names is fixed.
        Assert.Equal(CKR.CKR_ATTRIBUTE_READ_ONLY, Set(session, handle, Attr.Of(Ck.CKA_CERT_SHA1_HASH, new byte[20])));
    }

    [Fact]
    public void ProfileObjectsDescribeEachTokenAndAreReadOnly()
    {
        foreach (var slot in new[] { CryptoSlotId, KeyStorageSlotId })
        {
            var session = OpenRw(slot);
            var profile = Assert.Single(Find(session, Class(Ck.CKO_PROFILE)));
            Assert.Equal(Ck.CKP_BASELINE_PROVIDER, GetUlong(session, profile, Ck.CKA_PROFILE_ID));
            Assert.True(GetBool(session, profile, CKA.CKA_TOKEN));
            Assert.False(GetBool(session, profile, CKA.CKA_PRIVATE));
            Assert.False(GetBool(session, profile, CKA.CKA_MODIFIABLE));
            Assert.Equal(CKR.CKR_ACTION_PROHIBITED, Set(session, profile, Label("mine")));
            Assert.Equal(CKR.CKR_ACTION_PROHIBITED, Destroy(session, profile));
            Assert.Equal(CKR.CKR_ACTION_PROHIBITED, TryCopy(session, profile, out _));
            Assert.Single(Find(session, Class(Ck.CKO_PROFILE), Attr.Of(Ck.CKA_PROFILE_ID, Ck.CKP_BASELINE_PROVIDER)));
            // NSS: a search for every token object must not return an object without CKA_ID.
            Assert.DoesNotContain(profile, Find(session, Token()));
            Assert.DoesNotContain(profile, Find(session));
        }
    }

    [Fact]
    public void UnsupportedClassesAreRefused()
    {
        var session = UserSession();
        Assert.Equal(CKR.CKR_ATTRIBUTE_VALUE_INVALID, TryCreate(session, out _, Class(CKO.CKO_HW_FEATURE), Attr.Of(CKA.CKA_HW_FEATURE_TYPE, 1UL)));
        Assert.Equal(CKR.CKR_ATTRIBUTE_VALUE_INVALID, TryCreate(session, out _, Class(CKO.CKO_MECHANISM)));
        Assert.Equal(CKR.CKR_ATTRIBUTE_VALUE_INVALID, TryCreate(session, out _, Class(0x7777UL)));
        Assert.Equal(CKR.CKR_ATTRIBUTE_VALUE_INVALID, TryCreate(session, out _, Class(CKO.CKO_SECRET_KEY),
            Attr.Of(CKA.CKA_KEY_TYPE, CKK.CKK_RSA), Attr.Of(CKA.CKA_VALUE, new byte[16])));
    }

    [Fact]
    public void UniqueIdIsStableAndNewForACopy()
    {
        var session = UserSession();
        var data = Create(session, Data("u", token: true));
        var unique = Get(session, data, Ck.CKA_UNIQUE_ID);
        Assert.Equal(CKR.CKR_OK, Set(session, data, Label("renamed")));
        Assert.Equal(unique, Get(session, data, Ck.CKA_UNIQUE_ID));
        Assert.Equal(CKR.CKR_OK, TryCopy(session, data, out var copy, Token(false)));
        Assert.NotEqual(unique, Get(session, copy, Ck.CKA_UNIQUE_ID));
        Assert.Equal(CKR.CKR_ATTRIBUTE_READ_ONLY, Set(session, data, Attr.Of(Ck.CKA_UNIQUE_ID, Encoding.ASCII.GetBytes("mine"))));
        Restart();
        session = UserSession();
        Assert.Equal(unique, Get(session, Assert.Single(Find(session, Label("renamed"))), Ck.CKA_UNIQUE_ID));
    }
}
