using System.Security.Cryptography;
using Softoken.Objects;
using Softoken.Pkcs11;

namespace Softoken.Tests.Objects;

/// <summary>An RSA public key created from its components gets CKA_MODULUS_BITS from the token (pkcs11-tool
/// --list-objects showed "RSA 0 bits" and a CKR_ATTRIBUTE_TYPE_INVALID warning without it; conformance/pkcs11-tool-objects.sh).</summary>
public sealed class RsaPublicKeyTests
{
    private static AttributeSet Template(byte[] modulus)
    {
        var template = new AttributeSet();
        template.SetUlong(CKA.CKA_CLASS, (ulong)CKO.CKO_PUBLIC_KEY);
        template.SetUlong(CKA.CKA_KEY_TYPE, (ulong)CKK.CKK_RSA);
        template.Set(CKA.CKA_MODULUS, modulus);
        template.Set(CKA.CKA_PUBLIC_EXPONENT, [1, 0, 1]);
        return template;
    }

    private static byte[] Modulus2048()
    {
        using var rsa = RSA.Create(2048);
        return rsa.ExportParameters(false).Modulus!;
    }

    [Fact]
    public void CreatedKeyReportsTheModulusLength()
    {
        var key = ObjectBuilder.Build(Template(Modulus2048()), ObjectOrigin.Created);

        Assert.Equal(2048UL, key.Ulong(CKA.CKA_MODULUS_BITS));
    }

    [Fact]
    public void LeadingZeroBytesDoNotCount()
    {
        // A DER INTEGER's leading 0x00 sometimes survives into CKA_MODULUS.
        var key = ObjectBuilder.Build(Template([0, .. Modulus2048()]), ObjectOrigin.Created);

        Assert.Equal(2048UL, key.Ulong(CKA.CKA_MODULUS_BITS));
    }

    [Fact]
    public void AGivenLengthMustMatchTheModulus()
    {
        var template = Template(Modulus2048());
        template.SetUlong(CKA.CKA_MODULUS_BITS, 1024);

        var e = Assert.Throws<Pkcs11Exception>(() => ObjectBuilder.Build(template, ObjectOrigin.Created));
        Assert.Equal(CKR.CKR_TEMPLATE_INCONSISTENT, e.Rv);
    }
}
