using Softoken.Mechanisms;
using Softoken.Pkcs11;

namespace Softoken.Tests.Crypto;

public sealed class PublicKeyRowsTests
{
    private const ulong SignVerify = CKF.CKF_SIGN | CKF.CKF_VERIFY;
    private const ulong EcFlags = CKF.CKF_EC_F_P | CKF.CKF_EC_OID | CKF.CKF_EC_UNCOMPRESS;

    public static TheoryData<ulong, ulong> Expected => new()
    {
        { (ulong)CKM.CKM_RSA_PKCS_KEY_PAIR_GEN, CKF.CKF_GENERATE_KEY_PAIR },
        { (ulong)CKM.CKM_RSA_PKCS, CKF.CKF_ENCRYPT | CKF.CKF_DECRYPT | SignVerify | CKF.CKF_SIGN_RECOVER | CKF.CKF_VERIFY_RECOVER | CKF.CKF_WRAP | CKF.CKF_UNWRAP },
        { (ulong)CKM.CKM_RSA_X_509, CKF.CKF_ENCRYPT | CKF.CKF_DECRYPT | SignVerify | CKF.CKF_SIGN_RECOVER | CKF.CKF_VERIFY_RECOVER },
        { (ulong)CKM.CKM_RSA_PKCS_OAEP, CKF.CKF_ENCRYPT | CKF.CKF_DECRYPT | CKF.CKF_WRAP | CKF.CKF_UNWRAP },
        { (ulong)CKM.CKM_RSA_PKCS_PSS, SignVerify },
        { (ulong)CKM.CKM_MD5_RSA_PKCS, SignVerify },
        { (ulong)CKM.CKM_SHA3_512_RSA_PKCS, SignVerify },
        { (ulong)CKM.CKM_SHA224_RSA_PKCS_PSS, SignVerify },
        { (ulong)CKM.CKM_SHA3_224_RSA_PKCS_PSS, SignVerify },
        { (ulong)CKM.CKM_DSA_PARAMETER_GEN, CKF.CKF_GENERATE },
        { (ulong)CKM.CKM_DSA_KEY_PAIR_GEN, CKF.CKF_GENERATE_KEY_PAIR },
        { (ulong)CKM.CKM_DSA, SignVerify },
        { (ulong)CKM.CKM_DSA_SHA512, SignVerify },
        { (ulong)CKM.CKM_DH_PKCS_PARAMETER_GEN, CKF.CKF_GENERATE },
        { (ulong)CKM.CKM_DH_PKCS_KEY_PAIR_GEN, CKF.CKF_GENERATE_KEY_PAIR },
        { (ulong)CKM.CKM_DH_PKCS_DERIVE, CKF.CKF_DERIVE },
        { (ulong)CKM.CKM_EC_KEY_PAIR_GEN, CKF.CKF_GENERATE_KEY_PAIR | EcFlags },
        { (ulong)CKM.CKM_ECDSA, SignVerify | EcFlags },
        { (ulong)CKM.CKM_ECDSA_SHA3_512, SignVerify | EcFlags },
        { (ulong)CKM.CKM_ECDH1_DERIVE, CKF.CKF_DERIVE | EcFlags | CKF.CKF_EC_CURVENAME },
        { (ulong)CKM.CKM_ECDH1_COFACTOR_DERIVE, CKF.CKF_DERIVE | EcFlags | CKF.CKF_EC_CURVENAME },
        { (ulong)CKM.CKM_EC_EDWARDS_KEY_PAIR_GEN, CKF.CKF_GENERATE_KEY_PAIR | EcFlags | CKF.CKF_EC_CURVENAME },
        { (ulong)CKM.CKM_EC_MONTGOMERY_KEY_PAIR_GEN, CKF.CKF_GENERATE_KEY_PAIR | EcFlags | CKF.CKF_EC_CURVENAME },
        { (ulong)CKM.CKM_EDDSA, SignVerify | EcFlags | CKF.CKF_EC_CURVENAME },
    };

    [Theory]
    [MemberData(nameof(Expected))]
    public void RowsAdvertiseExactlyTheirOperations(ulong mechanism, ulong flags)
    {
        var row = MechanismRegistry.Get((CKM)mechanism);
        Assert.Equal(flags, row.Flags);
        // softokn lists every public-key mechanism on both slots; those it lacks are listed on both too.
        Assert.Equal(SlotSet.Both, row.ListedOn);
        Assert.True(row.MinKeySize > 0 && row.MaxKeySize >= row.MinKeySize);
    }

    [Fact]
    public void EveryPublicKeyMechanismOfTheIssueIsRegistered()
    {
        var names = new[]
        {
            "RSA_PKCS_KEY_PAIR_GEN", "RSA_PKCS", "RSA_X_509", "RSA_PKCS_OAEP", "RSA_PKCS_PSS",
            "MD2_RSA_PKCS", "MD5_RSA_PKCS", "SHA1_RSA_PKCS", "SHA224_RSA_PKCS", "SHA256_RSA_PKCS", "SHA384_RSA_PKCS", "SHA512_RSA_PKCS",
            "SHA3_224_RSA_PKCS", "SHA3_256_RSA_PKCS", "SHA3_384_RSA_PKCS", "SHA3_512_RSA_PKCS",
            "SHA1_RSA_PKCS_PSS", "SHA224_RSA_PKCS_PSS", "SHA256_RSA_PKCS_PSS", "SHA384_RSA_PKCS_PSS", "SHA512_RSA_PKCS_PSS",
            "SHA3_224_RSA_PKCS_PSS", "SHA3_256_RSA_PKCS_PSS", "SHA3_384_RSA_PKCS_PSS", "SHA3_512_RSA_PKCS_PSS",
            "DSA_PARAMETER_GEN", "DSA_KEY_PAIR_GEN", "DSA", "DSA_SHA1", "DSA_SHA224", "DSA_SHA256", "DSA_SHA384", "DSA_SHA512",
            "DH_PKCS_PARAMETER_GEN", "DH_PKCS_KEY_PAIR_GEN", "DH_PKCS_DERIVE",
            "EC_KEY_PAIR_GEN", "ECDSA", "ECDSA_SHA1", "ECDSA_SHA224", "ECDSA_SHA256", "ECDSA_SHA384", "ECDSA_SHA512",
            "ECDSA_SHA3_224", "ECDSA_SHA3_256", "ECDSA_SHA3_384", "ECDSA_SHA3_512", "ECDH1_DERIVE", "ECDH1_COFACTOR_DERIVE",
            "EC_EDWARDS_KEY_PAIR_GEN", "EC_MONTGOMERY_KEY_PAIR_GEN", "EDDSA",
        };
        foreach (var name in names) Assert.NotNull(MechanismRegistry.Find(Enum.Parse<CKM>("CKM_" + name)));
    }

    [Fact]
    public void KeySizesAreInTheSpecificationsUnits()
    {
        Assert.Equal((1024UL, 16384UL), Sizes(CKM.CKM_SHA256_RSA_PKCS));
        Assert.Equal((512UL, 3072UL), Sizes(CKM.CKM_DSA_KEY_PAIR_GEN));
        Assert.Equal((512UL, 16384UL), Sizes(CKM.CKM_DH_PKCS_DERIVE));
        Assert.Equal((256UL, 521UL), Sizes(CKM.CKM_ECDSA_SHA256));
        Assert.Equal((255UL, 521UL), Sizes(CKM.CKM_ECDH1_DERIVE));
        Assert.Equal((255UL, 448UL), Sizes(CKM.CKM_EDDSA));
    }

    private static (ulong, ulong) Sizes(CKM type)
    {
        var row = MechanismRegistry.Get(type);
        return (row.MinKeySize, row.MaxKeySize);
    }
}
