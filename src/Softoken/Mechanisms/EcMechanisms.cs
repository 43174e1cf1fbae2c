using Softoken.Crypto;
using Softoken.Pkcs11;

namespace Softoken.Mechanisms;

/// <summary>Elliptic curves over prime fields (PKCS #11 v3.0 section 2.3): key generation on the NIST, secp256k1
/// and brainpool curves, ECDSA on a digest and hash-and-sign, ECDH (which also takes X25519/X448 keys). Key sizes
/// are field bits. All listed on both slots (softokn has no SHA-3 or cofactor rows; ours are on both too).</summary>
internal static class EcMechanisms
{
    public const ulong MinBits = 256;
    public const ulong MaxBits = 521;

    /// <summary>Named curves by OID, uncompressed points, prime fields.</summary>
    public const ulong CurveFlags = CKF.CKF_EC_F_P | CKF.CKF_EC_OID | CKF.CKF_EC_UNCOMPRESS;

    public static IEnumerable<MechanismRow> Rows()
    {
        yield return Row(CKM.CKM_EC_KEY_PAIR_GEN) with { GenerateKeyPair = EcGenerator.Generate };
        yield return Row(CKM.CKM_NSS_ECDHE_NO_PAIRWISE_CHECK_KEY_PAIR_GEN) with { GenerateKeyPair = EcGenerator.GenerateWithoutPairwiseCheck };
        yield return Signing(CKM.CKM_ECDSA, null);
        yield return Signing(CKM.CKM_ECDSA_SHA1, HashSpecs.Sha1);
        yield return Signing(CKM.CKM_ECDSA_SHA224, HashSpecs.Sha224);
        yield return Signing(CKM.CKM_ECDSA_SHA256, HashSpecs.Sha256);
        yield return Signing(CKM.CKM_ECDSA_SHA384, HashSpecs.Sha384);
        yield return Signing(CKM.CKM_ECDSA_SHA512, HashSpecs.Sha512);
        yield return Signing(CKM.CKM_ECDSA_SHA3_224, HashSpecs.Sha3_224);
        yield return Signing(CKM.CKM_ECDSA_SHA3_256, HashSpecs.Sha3_256);
        yield return Signing(CKM.CKM_ECDSA_SHA3_384, HashSpecs.Sha3_384);
        yield return Signing(CKM.CKM_ECDSA_SHA3_512, HashSpecs.Sha3_512);
        // ECDH also serves CKK_EC_MONTGOMERY keys, whose curves CKA_EC_PARAMS may name by a PrintableString.
        yield return Row(CKM.CKM_ECDH1_DERIVE) with
        {
            MinKeySize = 255, ExtraFlags = CurveFlags | CKF.CKF_EC_CURVENAME, Derive = EcdhDerive.Derive,
        };
        yield return Row(CKM.CKM_ECDH1_COFACTOR_DERIVE) with
        {
            MinKeySize = 255, ExtraFlags = CurveFlags | CKF.CKF_EC_CURVENAME, Derive = EcdhDerive.Derive,
        };
    }

    private static MechanismRow Row(CKM type) => new() { Type = type, MinKeySize = MinBits, MaxKeySize = MaxBits, ExtraFlags = CurveFlags };

    private static MechanismRow Signing(CKM type, HashSpec? hash) => Row(type) with
    {
        Sign = c => new SignOperation(new EcdsaScheme(EcKey.Private(c.Key), BouncyRandom.For(c.Random)), hash),
        Verify = c => new VerifyOperation(new EcdsaScheme(EcKey.Public(c.Key), BouncyRandom.For(c.Random)), hash),
    };
}
