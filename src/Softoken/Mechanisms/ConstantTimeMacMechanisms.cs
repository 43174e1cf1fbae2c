using Softoken.Crypto;
using Softoken.Mechanisms.Parameters;
using Softoken.Operations;
using Softoken.Pkcs11;

namespace Softoken.Mechanisms;

/// <summary>NSS's CBC-record MAC check mechanisms (lib/util/pkcs11n.h; used by ssl3con.c to verify a decrypted TLS /
/// SSL 3.0 record without a padding-length timing signal). The data C_Sign / C_SignUpdate receive is the record
/// content followed by the sender's MAC tag (hash length): CKM_NSS_HMAC_CONSTANT_TIME is HMAC(key, header ||
/// content) and CKM_NSS_SSL3_MAC_CONSTANT_TIME the SSL 3.0 MAC of header || content, the hash named by macAlg; the
/// caller compares the result with the tag. The limits are softokn's: a key of at most 64 bytes, a header of at most 75
/// bytes (for SSL 3.0, key + pad_1 + header at most 75), macAlg one softokn maps (CKM_MD5_HMAC, CKM_SHA_1_HMAC,
/// CKM_SHA224/256/384/512_HMAC, and for both mechanisms CKM_SSL3_MD5_MAC / CKM_SSL3_SHA1_MAC; SSL 3.0 only those
/// two), and ulBodyTotalLen + ulHeaderLen below 2^29 (softokn counts the length in bits in 32 bits). softokn offers
/// them through C_SignInit (its table flags them CKF_DIGEST); Softoken advertises the sign and verify it serves.
/// See <see cref="RecordMac"/> for how constant the timing is.</summary>
internal static class ConstantTimeMacMechanisms
{
    private const ulong MaxLength = 1UL << 29;

    public static IEnumerable<MechanismRow> Rows()
    {
        yield return Row(CKM.CKM_NSS_HMAC_CONSTANT_TIME, ssl3: false);
        yield return Row(CKM.CKM_NSS_SSL3_MAC_CONSTANT_TIME, ssl3: true);
    }

    private static MechanismRow Row(CKM type, bool ssl3) => new()
    {
        Type = type,
        Sign = c =>
        {
            var (key, alg, compute) = Setup(c, ssl3);
            return new BufferedMacSignOperation(key, compute, HashAlgorithms.Size(alg));
        },
        Verify = c =>
        {
            var (key, alg, compute) = Setup(c, ssl3);
            return new BufferedMacVerifyOperation(key, compute, HashAlgorithms.Size(alg));
        },
    };

    private static (byte[] Key, HashAlg Alg, MacFunction Compute) Setup(MechanismContext context, bool ssl3)
    {
        if (context.Parameter is not MacConstantTimeParameter p || p.BodyTotalLength + (ulong)p.Header.Length >= MaxLength)
            throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID);
        var alg = Hash(p.MacAlg, ssl3) ?? throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID, $"macAlg {p.MacAlg}");
        var key = (byte[])HmacMechanisms.SecretValue(context.Key).Clone();
        if (key.Length > RecordMac.MaxKeyLength) throw new Pkcs11Exception(CKR.CKR_KEY_SIZE_RANGE);
        int headerRoom = ssl3 ? RecordMac.MaxHeaderLength - key.Length - Ssl3.PadLength(alg) : RecordMac.MaxHeaderLength;
        if (p.Header.Length > headerRoom) throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID);
        var header = p.Header;
        ulong total = p.BodyTotalLength;
        MacFunction compute = ssl3
            ? (_, data) => RecordMac.Ssl3Mac(alg, key, header, data, total)
            : (_, data) => RecordMac.Hmac(alg, key, header, data, total);
        return (key, alg, compute);
    }

    private static HashAlg? Hash(CKM macAlg, bool ssl3) => macAlg switch
    {
        CKM.CKM_SSL3_MD5_MAC => HashAlg.MD5,
        CKM.CKM_SSL3_SHA1_MAC => HashAlg.SHA1,
        CKM.CKM_MD5_HMAC when !ssl3 => HashAlg.MD5,
        CKM.CKM_SHA_1_HMAC when !ssl3 => HashAlg.SHA1,
        CKM.CKM_SHA224_HMAC when !ssl3 => HashAlg.SHA224,
        CKM.CKM_SHA256_HMAC when !ssl3 => HashAlg.SHA256,
        CKM.CKM_SHA384_HMAC when !ssl3 => HashAlg.SHA384,
        CKM.CKM_SHA512_HMAC when !ssl3 => HashAlg.SHA512,
        _ => null,
    };
}
