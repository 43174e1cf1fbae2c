using Softoken.Crypto;
using Softoken.Mechanisms.Parameters;
using Softoken.Objects;
using Softoken.Operations;
using Softoken.Pkcs11;

namespace Softoken.Mechanisms;

/// <summary>HMAC (PKCS #11 v3.0 "General-length HMAC" sections) for every digest: CKM_*_HMAC (no parameter, the
/// full MAC) and CKM_*_HMAC_GENERAL (CK_MAC_GENERAL_PARAMS: the MAC length, 1 ... hash size, decoded as
/// <see cref="UlongParameter"/>). The key is the CKA_VALUE of any secret key, as in softokn (generic secret or
/// the CKK_*_HMAC types). Key sizes in bytes, as softokn reports them (1 ... 128). The SHA-512/224 and
/// SHA-512/256 rows are Softoken extras.</summary>
internal static class HmacMechanisms
{
    public static IEnumerable<MechanismRow> Rows()
    {
        (CKM Mac, CKM General, HashAlg Alg)[] hmacs =
        [
            (CKM.CKM_MD2_HMAC, CKM.CKM_MD2_HMAC_GENERAL, HashAlg.MD2),
            (CKM.CKM_MD5_HMAC, CKM.CKM_MD5_HMAC_GENERAL, HashAlg.MD5),
            (CKM.CKM_SHA_1_HMAC, CKM.CKM_SHA_1_HMAC_GENERAL, HashAlg.SHA1),
            (CKM.CKM_SHA224_HMAC, CKM.CKM_SHA224_HMAC_GENERAL, HashAlg.SHA224),
            (CKM.CKM_SHA256_HMAC, CKM.CKM_SHA256_HMAC_GENERAL, HashAlg.SHA256),
            (CKM.CKM_SHA384_HMAC, CKM.CKM_SHA384_HMAC_GENERAL, HashAlg.SHA384),
            (CKM.CKM_SHA512_HMAC, CKM.CKM_SHA512_HMAC_GENERAL, HashAlg.SHA512),
            (CKM.CKM_SHA512_224_HMAC, CKM.CKM_SHA512_224_HMAC_GENERAL, HashAlg.SHA512_224),
            (CKM.CKM_SHA512_256_HMAC, CKM.CKM_SHA512_256_HMAC_GENERAL, HashAlg.SHA512_256),
            (CKM.CKM_SHA3_224_HMAC, CKM.CKM_SHA3_224_HMAC_GENERAL, HashAlg.SHA3_224),
            (CKM.CKM_SHA3_256_HMAC, CKM.CKM_SHA3_256_HMAC_GENERAL, HashAlg.SHA3_256),
            (CKM.CKM_SHA3_384_HMAC, CKM.CKM_SHA3_384_HMAC_GENERAL, HashAlg.SHA3_384),
            (CKM.CKM_SHA3_512_HMAC, CKM.CKM_SHA3_512_HMAC_GENERAL, HashAlg.SHA3_512),
        ];
        foreach (var (mac, general, alg) in hmacs)
        {
            yield return Row(mac, alg, general: false);
            yield return Row(general, alg, general: true);
        }
    }

    private static MechanismRow Row(CKM type, HashAlg alg, bool general) => new()
    {
        Type = type,
        MinKeySize = 1,
        MaxKeySize = 128,
        Sign = c => new HmacSignOperation(Start(c, alg), Length(c, alg, general)),
        Verify = c => new HmacVerifyOperation(Start(c, alg), Length(c, alg, general)),
    };

    private static int Length(MechanismContext context, HashAlg alg, bool general)
    {
        int size = HashAlgorithms.Size(alg);
        if (!general)
        {
            return context.Parameter is NoParameter ? size : throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID);
        }
        return context.Parameter is UlongParameter { Value: >= 1 } p && p.Value <= (ulong)size
            ? (int)p.Value
            : throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID);
    }

    private static Hmac Start(MechanismContext context, HashAlg alg) => Hmac.ForKeyValue(alg, SecretValue(context.Key));

    /// <summary>The CKA_VALUE of a secret key (softokn answers CKR_KEY_SIZE_RANGE when it has none).</summary>
    public static byte[] SecretValue(AttributeSet key) =>
        key.Bytes(CKA.CKA_VALUE) ?? throw new Pkcs11Exception(CKR.CKR_KEY_SIZE_RANGE);
}
