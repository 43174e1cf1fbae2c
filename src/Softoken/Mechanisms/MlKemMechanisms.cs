using Softoken.Crypto;
using Softoken.Mechanisms.Parameters;
using Softoken.Pkcs11;

namespace Softoken.Mechanisms;

/// <summary>ML-KEM (FIPS 203; PKCS #11 v3.2 section 6.x): CKM_ML_KEM_KEY_PAIR_GEN and CKM_ML_KEM for
/// C_EncapsulateKey / C_DecapsulateKey, and NSS's vendor twins CKM_NSS_ML_KEM_KEY_PAIR_GEN and CKM_NSS_ML_KEM (reached
/// through the "Vendor NSS KEM Interface"), which work on the same keys as in softokn. CKM_ML_KEM takes no parameter;
/// CKM_NSS_ML_KEM may name the key's parameter set. Key sizes are the parameter sets' names: 512 to 1024. Both
/// slots, as in softokn. NSS's round-3 Kyber (CKM_NSS_KYBER*) is not offered: BouncyCastle 2.7 has only FIPS 203.</summary>
internal static class MlKemMechanisms
{
    public static IEnumerable<MechanismRow> Rows()
    {
        yield return Row(CKM.CKM_ML_KEM_KEY_PAIR_GEN) with { GenerateKeyPair = MlKemKeys.Generate };
        yield return Row(CKM.CKM_NSS_ML_KEM_KEY_PAIR_GEN) with { GenerateKeyPair = MlKemKeys.Generate };
        yield return Kem(CKM.CKM_ML_KEM);
        yield return Kem(CKM.CKM_NSS_ML_KEM);
    }

    private static MechanismRow Row(CKM type) => new() { Type = type, MinKeySize = 512, MaxKeySize = 1024 };

    private static MechanismRow Kem(CKM type) => Row(type) with
    {
        Encapsulate = c =>
        {
            CheckParameter(c);
            return MlKemKeys.Encapsulate(MlKemKeys.Public(c.Key), BouncyRandom.For(c.Random));
        },
        Decapsulate = (c, ciphertext) =>
        {
            CheckParameter(c);
            return MlKemKeys.Decapsulate(MlKemKeys.Private(c.Key), ciphertext.Span);
        },
    };

    /// <summary>No parameter, or (CKM_NSS_ML_KEM) a CK_NSS_KEM_PARAMETER_SET_TYPE naming the key's own parameter set.</summary>
    private static void CheckParameter(MechanismContext c)
    {
        switch (c.Parameter)
        {
            case NoParameter:
                return;
            case UlongParameter p when c.Mechanism == CKM.CKM_NSS_ML_KEM
                && MlKemKeys.Parse(p.Value, CKR.CKR_MECHANISM_PARAM_INVALID) == MlKemKeys.Of(c.Key):
                return;
            default:
                throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID);
        }
    }
}
