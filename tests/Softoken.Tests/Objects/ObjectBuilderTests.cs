using Softoken.Objects;
using Softoken.Pkcs11;

namespace Softoken.Tests.Objects;

public sealed class ObjectBuilderTests
{
    private static CKR Rv(Action action) => Assert.Throws<Pkcs11Exception>(action).Rv;

    [Fact]
    public void MissingClassIsTemplateIncomplete() =>
        Assert.Equal(CKR.CKR_TEMPLATE_INCOMPLETE, Rv(() => ObjectBuilder.Build(Attrs.Of((CKA.CKA_LABEL, "x")), ObjectOrigin.Created)));

    [Fact]
    public void KeyWithoutKeyTypeIsTemplateIncomplete() =>
        Assert.Equal(CKR.CKR_TEMPLATE_INCOMPLETE, Rv(() => ObjectBuilder.Build(
            Attrs.Of((CKA.CKA_CLASS, CKO.CKO_SECRET_KEY), (CKA.CKA_VALUE, new byte[16])), ObjectOrigin.Created)));

    [Fact]
    public void SecretKeyWithoutValueIsTemplateIncomplete() =>
        Assert.Equal(CKR.CKR_TEMPLATE_INCOMPLETE, Rv(() => ObjectBuilder.Build(
            Attrs.Of((CKA.CKA_CLASS, CKO.CKO_SECRET_KEY), (CKA.CKA_KEY_TYPE, CKK.CKK_AES)), ObjectOrigin.Created)));

    [Fact]
    public void AttributeOfAnotherClassIsTypeInvalid() =>
        Assert.Equal(CKR.CKR_ATTRIBUTE_TYPE_INVALID, Rv(() => ObjectBuilder.Build(
            Attrs.Of((CKA.CKA_CLASS, CKO.CKO_DATA), (CKA.CKA_MODULUS, new byte[] { 1 })), ObjectOrigin.Created)));

    [Fact]
    public void TokenOnlyAttributesAreReadOnly()
    {
        Assert.Equal(CKR.CKR_ATTRIBUTE_READ_ONLY, Rv(() => ObjectBuilder.Build(Attrs.AesKey(16, (CKA.CKA_LOCAL, true)), ObjectOrigin.Created)));
        Assert.Equal(CKR.CKR_ATTRIBUTE_READ_ONLY, Rv(() => ObjectBuilder.Build(Attrs.AesKey(16, (CKA.CKA_ALWAYS_SENSITIVE, true)), ObjectOrigin.Created)));
    }

    [Fact]
    public void WrongAesKeyLengthIsValueInvalid() =>
        Assert.Equal(CKR.CKR_ATTRIBUTE_VALUE_INVALID, Rv(() => ObjectBuilder.Build(Attrs.AesKey(15), ObjectOrigin.Created)));

    [Fact]
    public void BadBooleanIsValueInvalid() =>
        Assert.Equal(CKR.CKR_ATTRIBUTE_VALUE_INVALID, Rv(() => ObjectBuilder.Build(
            Attrs.AesKey(16, (CKA.CKA_SENSITIVE, new byte[] { 2 })), ObjectOrigin.Created)));

    [Fact]
    public void CreatedKeyGetsDefaultsAndTokenAttributes()
    {
        using var key = ObjectBuilder.Build(Attrs.AesKey(32), ObjectOrigin.Created);
        Assert.False(key.Bool(CKA.CKA_TOKEN));
        Assert.True(key.Bool(CKA.CKA_PRIVATE));
        Assert.True(key.Bool(CKA.CKA_SENSITIVE));
        Assert.False(key.Bool(CKA.CKA_LOCAL));
        Assert.False(key.Bool(CKA.CKA_ALWAYS_SENSITIVE));
        Assert.False(key.Bool(CKA.CKA_NEVER_EXTRACTABLE));
        Assert.Equal(32UL, key.Ulong(CKA.CKA_VALUE_LEN));
        Assert.Equal(ulong.MaxValue, key.Ulong(CKA.CKA_KEY_GEN_MECHANISM));
        Assert.Equal(32, key.Bytes(CKA.CKA_UNIQUE_ID)!.Length);
    }

    [Fact]
    public void GeneratedKeyIsLocalAndRemembersItsMechanism()
    {
        var material = Attrs.Of((CKA.CKA_VALUE, new byte[16]), (CKA.CKA_KEY_TYPE, CKK.CKK_AES));
        using var key = ObjectBuilder.Build(Attrs.Of((CKA.CKA_CLASS, CKO.CKO_SECRET_KEY), (CKA.CKA_EXTRACTABLE, false)),
            ObjectOrigin.Generated, material, CKM.CKM_AES_KEY_GEN);
        Assert.True(key.Bool(CKA.CKA_LOCAL));
        Assert.True(key.Bool(CKA.CKA_ALWAYS_SENSITIVE));
        Assert.True(key.Bool(CKA.CKA_NEVER_EXTRACTABLE));
        Assert.Equal((ulong)CKM.CKM_AES_KEY_GEN, key.Ulong(CKA.CKA_KEY_GEN_MECHANISM));
    }

    [Fact]
    public void GenerationTemplateMayNotCarryTheValue() =>
        Assert.Equal(CKR.CKR_TEMPLATE_INCONSISTENT, Rv(() => ObjectBuilder.Build(Attrs.AesKey(16),
            ObjectOrigin.Generated, Attrs.Of((CKA.CKA_VALUE, new byte[16])), CKM.CKM_AES_KEY_GEN)));

    [Fact]
    public void CertificateFieldsComeFromTheDer()
    {
        var der = TestCertificate.Der;
        using var cert = ObjectBuilder.Build(Attrs.Of((CKA.CKA_CLASS, CKO.CKO_CERTIFICATE),
            (CKA.CKA_CERTIFICATE_TYPE, CKC.CKC_X_509), (CKA.CKA_VALUE, der)), ObjectOrigin.Created);
        var parsed = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(der);
        Assert.Equal(parsed.SubjectName.RawData, cert.Bytes(CKA.CKA_SUBJECT));
        Assert.Equal(parsed.IssuerName.RawData, cert.Bytes(CKA.CKA_ISSUER));
        var serial = cert.Bytes(CKA.CKA_SERIAL_NUMBER)!;
        Assert.Equal(0x02, serial[0]);
        Assert.Equal(System.Security.Cryptography.SHA1.HashData(der)[..3], cert.Bytes(CKA.CKA_CHECK_VALUE));
    }

    [Fact]
    public void GarbageCertificateIsValueInvalid() =>
        Assert.Equal(CKR.CKR_ATTRIBUTE_VALUE_INVALID, Rv(() => ObjectBuilder.Build(Attrs.Of((CKA.CKA_CLASS, CKO.CKO_CERTIFICATE),
            (CKA.CKA_CERTIFICATE_TYPE, CKC.CKC_X_509), (CKA.CKA_VALUE, new byte[] { 1, 2, 3 })), ObjectOrigin.Created)));
}
