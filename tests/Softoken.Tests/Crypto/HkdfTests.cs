using Softoken.Mechanisms.Parameters;
using Softoken.Pkcs11;
using static Softoken.Tests.Crypto.MechanismCalls;

namespace Softoken.Tests.Crypto;

public sealed class HkdfTests
{
    private static readonly byte[] Salt = Hex("000102030405060708090a0b0c");
    private static readonly byte[] Info = Hex("f0f1f2f3f4f5f6f7f8f9");

    private static HkdfParameter Params(bool extract, bool expand, CKM hash, byte[] salt, byte[] info) =>
        new(extract, expand, hash, salt.Length == 0 ? HkdfSalt.CKF_HKDF_SALT_NULL : HkdfSalt.CKF_HKDF_SALT_DATA, salt, 0, info);

    // RFC 5869 appendix A.1 (SHA-256), A.3 (SHA-256, no salt, no info), A.4 (SHA-1).
    [Theory]
    [InlineData((ulong)CKM.CKM_SHA256, 22, true, "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5", "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865")]
    [InlineData((ulong)CKM.CKM_SHA256, 22, false, "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04", "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8")]
    [InlineData((ulong)CKM.CKM_SHA_1, 11, true, "9b6c18c432a7bf8f0e71c8eb88f4b30baa2ba243", "085a01ea1b10f36933068b56efa5ad81a4f14b822f5b091568a9cdd4f155fda2c22e422478d305f3f896")]
    public void Rfc5869(ulong hash, int ikmLength, bool saltAndInfo, string prk, string okm)
    {
        var ikm = Secret(Enumerable.Repeat((byte)0x0b, ikmLength).ToArray());
        byte[] salt = saltAndInfo ? Salt : [], info = saltAndInfo ? Info : [];
        Assert.Equal(okm, Value(Derive(CKM.CKM_HKDF_DERIVE, ikm, Params(true, true, (CKM)hash, salt, info), Template(42)).Key));
        Assert.Equal(prk, Value(Derive(CKM.CKM_HKDF_DERIVE, ikm, Params(true, false, (CKM)hash, salt, info), Template()).Key));
        var expandOnly = Params(false, true, (CKM)hash, [], info);
        Assert.Equal(okm, Value(Derive(CKM.CKM_HKDF_DATA, Secret(Hex(prk)), expandOnly, Template(42)).Key));
    }

    [Fact]
    public void Salt_from_a_key_and_the_nss_form()
    {
        var ikm = Secret(Enumerable.Repeat((byte)0x0b, 22).ToArray());
        const string okm = "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865";
        var byKey = new HkdfParameter(true, true, CKM.CKM_SHA256, HkdfSalt.CKF_HKDF_SALT_KEY, [], 77, Info) { SaltKey = Salt };
        Assert.Equal(okm, Value(Derive(CKM.CKM_HKDF_DERIVE, ikm, byKey, Template(42)).Key));
        Assert.Equal(CKR.CKR_MECHANISM_PARAM_INVALID, Fails(() => Derive(CKM.CKM_HKDF_DERIVE, ikm, byKey with { SaltKey = null }, Template(42))));
        Assert.Equal(okm, Value(Derive(CKM.CKM_NSS_HKDF_SHA256, ikm, Params(true, true, CKM.CKM_SHA256, Salt, Info), Template(42)).Key));
    }

    [Fact]
    public void Expand_of_a_prk_shorter_than_the_hash_still_works()
    {
        var key = Derive(CKM.CKM_HKDF_DERIVE, Secret(Hex("0102030405")), Params(false, true, CKM.CKM_SHA384, [], Info), Template(20)).Key;
        Assert.Equal(20, key.RequireBytes(CKA.CKA_VALUE).Length);
    }

    [Fact]
    public void Errors()
    {
        var ikm = Secret(new byte[16]);
        Assert.Equal(CKR.CKR_MECHANISM_PARAM_INVALID, Fails(() => Derive(CKM.CKM_HKDF_DERIVE, ikm, Params(false, false, CKM.CKM_SHA256, [], []), Template(16))));
        Assert.Equal(CKR.CKR_MECHANISM_PARAM_INVALID, Fails(() => Derive(CKM.CKM_HKDF_DERIVE, ikm, Params(true, true, CKM.CKM_AES_CBC, [], []), Template(16))));
        Assert.Equal(CKR.CKR_MECHANISM_PARAM_INVALID,
            Fails(() => Derive(CKM.CKM_HKDF_DERIVE, ikm, Params(true, true, CKM.CKM_SHA256, [], []) with { SaltType = 8 }, Template(16))));
        Assert.Equal(CKR.CKR_KEY_SIZE_RANGE, Fails(() => Derive(CKM.CKM_HKDF_DERIVE, ikm, Params(true, true, CKM.CKM_SHA256, [], []), Template(255 * 32 + 1))));
        Assert.Equal(CKR.CKR_TEMPLATE_INCOMPLETE, Fails(() => Derive(CKM.CKM_HKDF_DERIVE, ikm, Params(true, true, CKM.CKM_SHA256, [], []), Template())));
        Assert.Equal(CKR.CKR_TEMPLATE_INCONSISTENT, Fails(() => Derive(CKM.CKM_HKDF_DERIVE, ikm, Params(true, false, CKM.CKM_SHA256, [], []), Template(33))));
    }

    [Fact]
    public void Key_generation_makes_a_random_hkdf_key()
    {
        var a = Generate(CKM.CKM_HKDF_KEY_GEN, null, Template(32));
        var b = Generate(CKM.CKM_HKDF_KEY_GEN, null, Template(32));
        Assert.Equal((ulong)CKK.CKK_HKDF, a.Ulong(CKA.CKA_KEY_TYPE));
        Assert.Equal(32, a.RequireBytes(CKA.CKA_VALUE).Length);
        Assert.NotEqual(Value(a), Value(b));
        Assert.Equal(CKR.CKR_TEMPLATE_INCOMPLETE, Fails(() => Generate(CKM.CKM_HKDF_KEY_GEN, null, Template())));
    }
}
