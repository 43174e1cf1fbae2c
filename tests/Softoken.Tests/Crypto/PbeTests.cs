using Softoken.Mechanisms.Parameters;
using Softoken.Pkcs11;
using static Softoken.Tests.Crypto.MechanismCalls;

namespace Softoken.Tests.Crypto;

public sealed class PbeTests
{
    private static Pbkd2Parameter Pbkd2(string password, string salt, ulong iterations, CKP prf = CKP.CKP_PKCS5_PBKD2_HMAC_SHA1) =>
        new((ulong)CKZ.CKZ_SALT_SPECIFIED, Ascii(salt), iterations, prf, [], Ascii(password));

    // RFC 6070 section 2 (PBKDF2-HMAC-SHA1).
    [Theory]
    [InlineData("password", "salt", 1, 20, "0c60c80f961f0e71f3a9b524af6012062fe037a6")]
    [InlineData("password", "salt", 2, 20, "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957")]
    [InlineData("password", "salt", 4096, 20, "4b007901b765489abead49d926f721d065a429c1")]
    [InlineData("passwordPASSWORDpassword", "saltSALTsaltSALTsaltSALTsaltSALTsalt", 4096, 25, "3d2eec4fe41c849b80c8d83662c0e44a8b291a964cf2f07038")]
    [InlineData("pass\0word", "sa\0lt", 4096, 16, "56fa6aa75548099dcc37d7f03425e0c3")]
    public void Pbkdf2_hmac_sha1_rfc6070(string password, string salt, int iterations, int length, string expected)
    {
        var key = Generate(CKM.CKM_PKCS5_PBKD2, Pbkd2(password, salt, (ulong)iterations), Template(length));
        Assert.Equal(expected, Value(key));
        Assert.Equal((ulong)CKK.CKK_GENERIC_SECRET, key.Ulong(CKA.CKA_KEY_TYPE));
    }

    // RFC 7914 section 11 (PBKDF2-HMAC-SHA256).
    [Theory]
    [InlineData("passwd", "salt", 1, "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783")]
    [InlineData("Password", "NaCl", 80000, "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d")]
    public void Pbkdf2_hmac_sha256_rfc7914(string password, string salt, int iterations, string expected) =>
        Assert.Equal(expected, Value(Generate(CKM.CKM_PKCS5_PBKD2, Pbkd2(password, salt, (ulong)iterations, CKP.CKP_PKCS5_PBKD2_HMAC_SHA256), Template(64))));

    // PBKDF2-HMAC-SHA224 (the BouncyCastle path): the value OpenSSL gives (Python hashlib.pbkdf2_hmac).
    [Fact]
    public void Pbkdf2_hmac_sha224_matches_openssl() =>
        Assert.Equal("93200ffa96c5776d38fa10abdf8f5bfc0054b9718513df472d2331d2",
            Value(Generate(CKM.CKM_PKCS5_PBKD2, Pbkd2("password", "salt", 2, CKP.CKP_PKCS5_PBKD2_HMAC_SHA224), Template(28))));

    [Fact]
    public void Pbkdf2_length_comes_from_the_key_type_and_des_gets_parity()
    {
        var key = Generate(CKM.CKM_PKCS5_PBKD2, Pbkd2("password", "salt", 1), Template(type: CKK.CKK_DES3));
        var value = key.RequireBytes(CKA.CKA_VALUE);
        Assert.Equal(24, value.Length);
        Assert.All(value, b => Assert.Equal(1, System.Numerics.BitOperations.PopCount(b) % 2));
        Assert.Null(key.Ulong(CKA.CKA_KEY_TYPE));
    }

    [Fact]
    public void Pbkdf2_errors()
    {
        Assert.Equal(CKR.CKR_TEMPLATE_INCOMPLETE, Fails(() => Generate(CKM.CKM_PKCS5_PBKD2, Pbkd2("p", "s", 1), Template())));
        Assert.Equal(CKR.CKR_MECHANISM_PARAM_INVALID, Fails(() => Generate(CKM.CKM_PKCS5_PBKD2, Pbkd2("p", "s", 0), Template(16))));
        Assert.Equal(CKR.CKR_MECHANISM_PARAM_INVALID, Fails(() => Generate(CKM.CKM_PKCS5_PBKD2, Pbkd2("p", "s", 1, CKP.CKP_PKCS5_PBKD2_HMAC_GOSTR3411), Template(16))));
        Assert.Equal(CKR.CKR_MECHANISM_PARAM_INVALID,
            Fails(() => Generate(CKM.CKM_PKCS5_PBKD2, Pbkd2("p", "s", 1) with { SaltSource = 2 }, Template(16))));
        Assert.Equal(CKR.CKR_MECHANISM_PARAM_INVALID, Fails(() => Generate(CKM.CKM_PKCS5_PBKD2, null, Template(16))));
    }

    // PKCS #12 KDF (RFC 7292 appendix B) with passwords as NUL-terminated BMPStrings, the form NSS passes. The
    // values are the classic published PKCS #12 test vectors ("smeg", "queeg"), each confirmed with
    // `openssl kdf -keylen N -kdfopt digest:SHA1 -kdfopt hexpass:... -kdfopt hexsalt:... -kdfopt iter:N
    // -kdfopt id:N PKCS12KDF` (OpenSSL 3.0).
    private static readonly byte[] Smeg = Hex("0073006d006500670000");
    private static readonly byte[] Queeg = Hex("007100750065006500670000");

    [Fact]
    public void Pkcs12_des3_key_and_iv()
    {
        var p = new PbeParameter(true, Smeg, Hex("0A58CF64530D823F"), 1);
        var key = Generate(CKM.CKM_PBE_SHA1_DES3_EDE_CBC, p, Template());
        // 8AAAE6297B6CB04642AB5B077851284EB7128F1A2A7FBCA3 with odd parity set, as softokn stores DES keys.
        Assert.Equal("8aabe6297a6db04643ab5b077951294fb6138f1a2a7fbca2", Value(key));
        Assert.Equal((ulong)CKK.CKK_DES3, key.Ulong(CKA.CKA_KEY_TYPE));
        Assert.Equal("79993dfe048d3b76", ToHex(p.InitVector));
    }

    [Fact]
    public void Pkcs12_iv_is_only_returned_when_asked_for_and_rc4_has_none()
    {
        var p = new PbeParameter(false, Smeg, Hex("0A58CF64530D823F"), 1);
        Generate(CKM.CKM_PBE_SHA1_DES3_EDE_CBC, p, Template());
        Assert.Null(p.InitVector);
        var rc4 = new PbeParameter(true, Queeg, Hex("05DEC959ACFF72F7"), 1000);
        var key = Generate(CKM.CKM_PBE_SHA1_RC4_128, rc4, Template());
        // openssl kdf ... -kdfopt iter:1000 -kdfopt id:1 with -keylen 16.
        Assert.Equal("ed2034e36328830ff09df1e1a07dd357", Value(key));
        Assert.Equal((ulong)CKK.CKK_RC4, key.Ulong(CKA.CKA_KEY_TYPE));
        Assert.Null(rc4.InitVector);
    }

    [Fact]
    public void Pkcs12_mac_keys()
    {
        var sha1 = Generate(CKM.CKM_PBA_SHA1_WITH_SHA1_HMAC, new PbeParameter(false, Smeg, Hex("3D83C0E4546AC140"), 1), Template());
        Assert.Equal("8d967d88f6caa9d714800ab3d48051d63f73a312", Value(sha1));
        Assert.Equal(Value(sha1), Value(Generate(CKM.CKM_NSS_PBE_SHA1_HMAC_KEY_GEN, new PbeParameter(false, Smeg, Hex("3D83C0E4546AC140"), 1), Template())));
        var queeg = new PbeParameter(false, Queeg, Hex("05DEC959ACFF72F7"), 1000);
        // openssl kdf -keylen 32 -kdfopt digest:SHA256 ... -kdfopt id:3 PKCS12KDF
        Assert.Equal("64bd552bb4ecec8224b888d4fa1dc49c6ff894bfc59b10402d83ad46c0d8da4b",
            Value(Generate(CKM.CKM_NSS_PKCS12_PBE_SHA256_HMAC_KEY_GEN, queeg, Template())));
        // openssl kdf -keylen 16 -kdfopt digest:MD5 ... -kdfopt id:3 PKCS12KDF
        Assert.Equal("de99d121d4044d3ef59b9a3c5b925ff3", Value(Generate(CKM.CKM_NSS_PBE_MD5_HMAC_KEY_GEN, queeg, Template())));
    }

    [Fact]
    public void Pkcs12_key_lengths_per_mechanism()
    {
        var p = new PbeParameter(true, Queeg, Hex("05DEC959ACFF72F7"), 1);
        Assert.Equal(32, Value(Generate(CKM.CKM_PBE_SHA1_DES2_EDE_CBC, p, Template())).Length);
        Assert.Equal(10, Value(Generate(CKM.CKM_PBE_SHA1_RC2_40_CBC, p, Template())).Length);
        Assert.Equal(32, Value(Generate(CKM.CKM_PBE_SHA1_RC2_128_CBC, p, Template())).Length);
        Assert.Equal(10, Value(Generate(CKM.CKM_PBE_SHA1_RC4_40, p, Template())).Length);
        Assert.Equal(8, p.InitVector!.Length);
        Assert.Equal(CKR.CKR_MECHANISM_PARAM_INVALID, Fails(() => Generate(CKM.CKM_PBE_SHA1_RC4_40, p with { Iterations = 0 }, Template())));
    }

    // PKCS #5 v1.5 PBES1 (RFC 8018 section 5.1): DK = MD5^c(P || S); key = DK[0..7] (here with DES parity),
    // IV = DK[8..15]. The expectation is the definition computed with .NET's MD5.
    [Fact]
    public void Pbes1_md5_des()
    {
        byte[] password = Ascii("password"), salt = Hex("78578E5A5D63CB06");
        byte[] dk = [.. password, .. salt];
        for (int i = 0; i < 1000; i++) dk = System.Security.Cryptography.MD5.HashData(dk);
        var p = new PbeParameter(true, password, salt, 1000);
        var key = Generate(CKM.CKM_PBE_MD5_DES_CBC, p, Template());
        var expected = dk[..8];
        Org.BouncyCastle.Crypto.Parameters.DesParameters.SetOddParity(expected);
        Assert.Equal(ToHex(expected), Value(key));
        Assert.Equal(ToHex(dk[8..16]), ToHex(p.InitVector));
        Assert.Equal((ulong)CKK.CKK_DES, key.Ulong(CKA.CKA_KEY_TYPE));
        Assert.Equal(8, Value(Generate(CKM.CKM_PBE_MD2_DES_CBC, p, Template())).Length / 2);
    }

    // CKM_NSS_PBE_SHA1_DES_CBC: the PKCS #12 KDF with SHA-1 for an 8-byte DES key; the first 8 bytes of the
    // "smeg" ID 1 vector above, with parity.
    [Fact]
    public void Nss_pbe_sha1_des()
    {
        var p = new PbeParameter(true, Smeg, Hex("0A58CF64530D823F"), 1);
        Assert.Equal("8aabe6297a6db046", Value(Generate(CKM.CKM_NSS_PBE_SHA1_DES_CBC, p, Template())));
        Assert.Equal("79993dfe048d3b76", ToHex(p.InitVector));
    }
}
