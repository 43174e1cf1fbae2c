using Softoken.Crypto;
using Softoken.Mechanisms.Parameters;
using Softoken.Pkcs11;

namespace Softoken.Mechanisms;

/// <summary>Edwards and Montgomery curves (PKCS #11 v3.0 sections 2.3.5-2.3.6): Ed25519/Ed448 key generation and
/// EdDSA, X25519/X448 key generation (their derivation is CKM_ECDH1_DERIVE). Key sizes are field bits (255 to
/// 448); CKA_EC_PARAMS may be the OID or the PrintableString curve name. Both slots.</summary>
internal static class EdwardsMechanisms
{
    private const ulong Flags = CKF.CKF_EC_F_P | CKF.CKF_EC_OID | CKF.CKF_EC_UNCOMPRESS | CKF.CKF_EC_CURVENAME;

    public static IEnumerable<MechanismRow> Rows()
    {
        yield return Row(CKM.CKM_EC_EDWARDS_KEY_PAIR_GEN) with { GenerateKeyPair = EdwardsKeys.Generate };
        yield return Row(CKM.CKM_EC_MONTGOMERY_KEY_PAIR_GEN) with { GenerateKeyPair = MontgomeryKeys.Generate };
        yield return Row(CKM.CKM_EDDSA) with
        {
            Sign = c =>
            {
                var (curve, seed) = EdwardsKeys.Private(c.Key);
                return new SignOperation(new EddsaScheme(curve, seed, null, Parameter(c)), null);
            },
            Verify = c =>
            {
                var (curve, point) = EdwardsKeys.Public(c.Key);
                return new VerifyOperation(new EddsaScheme(curve, null, point, Parameter(c)), null);
            },
        };
    }

    private static MechanismRow Row(CKM type) => new() { Type = type, MinKeySize = 255, MaxKeySize = 448, ExtraFlags = Flags };

    private static EddsaParameter? Parameter(MechanismContext c) => c.Parameter switch
    {
        EddsaParameter p => p,
        NoParameter => null,
        _ => throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID),
    };
}
