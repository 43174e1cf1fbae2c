using Softoken.Crypto;
using Softoken.Mechanisms.Parameters;
using Softoken.Pkcs11;

namespace Softoken.Mechanisms;

/// <summary>ML-KEM (FIPS 203; PKCS #11 v3.2 section 6.x): CKM_ML_KEM_KEY_PAIR_GEN and CKM_ML_KEM for
/// C_EncapsulateKey / C_DecapsulateKey. CKM_ML_KEM takes no parameter. Key sizes are the parameter sets' security
/// categories as PKCS #11 reports them for ML-KEM: 512 to 1024. Both slots, as in softokn.</summary>
internal static class MlKemMechanisms
{
    public static IEnumerable<MechanismRow> Rows()
    {
        yield return Row(CKM.CKM_ML_KEM_KEY_PAIR_GEN) with { GenerateKeyPair = MlKemKeys.Generate };
        yield return Row(CKM.CKM_ML_KEM) with
        {
            Encapsulate = c =>
            {
                RequireNoParameter(c);
                return MlKemKeys.Encapsulate(MlKemKeys.Public(c.Key), BouncyRandom.For(c.Random));
            },
            Decapsulate = (c, ciphertext) =>
            {
                RequireNoParameter(c);
                return MlKemKeys.Decapsulate(MlKemKeys.Private(c.Key), ciphertext.Span);
            },
        };
    }

    private static MechanismRow Row(CKM type) => new() { Type = type, MinKeySize = 512, MaxKeySize = 1024 };

    private static void RequireNoParameter(MechanismContext c)
    {
        if (c.Parameter is not NoParameter) throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID);
    }
}
