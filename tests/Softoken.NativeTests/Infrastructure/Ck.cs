namespace Softoken.NativeTests.Infrastructure;

/// <summary>PKCS #11 v3.0 and NSS values that Pkcs11Interop 5.3 (a v2.40 wrapper) has no names for.</summary>
internal static class Ck
{
    public const ulong CK_UNAVAILABLE_INFORMATION = ulong.MaxValue;

    public const ulong CKA_UNIQUE_ID = 0x4;
    public const ulong CKA_PROFILE_ID = 0x601;
    public const ulong CKO_PROFILE = 0x9;
    public const ulong CKP_BASELINE_PROVIDER = 0x1;

    public const ulong CKK_EC_EDWARDS = 0x40;
    public const ulong CKK_EC_MONTGOMERY = 0x41;
    public const ulong CKK_CHACHA20 = 0x33;
    public const ulong CKK_SHA_1_HMAC = 0x28;
    public const ulong CKK_SHA256_HMAC = 0x2B;
    public const ulong CKK_SHA384_HMAC = 0x2C;
    public const ulong CKK_SHA512_HMAC = 0x2D;
    public const ulong CKK_SHA224_HMAC = 0x2E;
    public const ulong CKK_MD5_HMAC = 0x27;
    public const ulong CKK_SHA3_256_HMAC = 0x37;

    // NSS's vendor range (lib/util/pkcs11n.h).
    public const ulong CKO_NSS_TRUST = 0xCE534353;
    public const ulong CKA_TRUST_DIGITAL_SIGNATURE = 0xCE536351;
    public const ulong CKA_TRUST_NON_REPUDIATION = 0xCE536352;
    public const ulong CKA_TRUST_KEY_ENCIPHERMENT = 0xCE536353;
    public const ulong CKA_TRUST_DATA_ENCIPHERMENT = 0xCE536354;
    public const ulong CKA_TRUST_KEY_AGREEMENT = 0xCE536355;
    public const ulong CKA_TRUST_KEY_CERT_SIGN = 0xCE536356;
    public const ulong CKA_TRUST_CRL_SIGN = 0xCE536357;
    public const ulong CKA_TRUST_SERVER_AUTH = 0xCE536358;
    public const ulong CKA_TRUST_CLIENT_AUTH = 0xCE536359;
    public const ulong CKA_TRUST_CODE_SIGNING = 0xCE53635A;
    public const ulong CKA_TRUST_EMAIL_PROTECTION = 0xCE53635B;
    public const ulong CKA_TRUST_IPSEC_END_SYSTEM = 0xCE53635C;
    public const ulong CKA_TRUST_IPSEC_TUNNEL = 0xCE53635D;
    public const ulong CKA_TRUST_IPSEC_USER = 0xCE53635E;
    public const ulong CKA_TRUST_TIME_STAMPING = 0xCE53635F;
    public const ulong CKA_TRUST_STEP_UP_APPROVED = 0xCE536360;
    public const ulong CKA_CERT_SHA1_HASH = 0xCE5363B4;
    public const ulong CKA_CERT_MD5_HASH = 0xCE5363B5;
    public const ulong CKT_NSS_TRUSTED = 0xCE534351;
    public const ulong CKT_NSS_TRUSTED_DELEGATOR = 0xCE534352;
    public const ulong CKT_NSS_MUST_VERIFY_TRUST = 0xCE534353;
    public const ulong CKT_NSS_NOT_TRUSTED = 0xCE53435A;
    public const ulong CKA_NSS_DB = 0xD5A0DB00;

    /// <summary>An attribute type no class has (in the vendor range, unused by NSS).</summary>
    public const ulong UnknownAttribute = 0x8F00_0001;
}
