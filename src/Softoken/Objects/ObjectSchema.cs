using System.Collections.Concurrent;
using System.Collections.Frozen;
using Softoken.Pkcs11;
using static Softoken.Objects.AttributeRule;

namespace Softoken.Objects;

/// <summary>Rule rows per object class and key type: which attributes an object may have, which are required,
/// fixed, token-only or secret. Template validation, C_GetAttributeValue and sealing at rest all read this one
/// table (PKCS #11 v3.0 chapter 4 and the mechanism chapters' key object tables).</summary>
internal static class ObjectSchema
{
    private static readonly (CKA, AttributeRule)[] Common =
    [
        (CKA.CKA_CLASS, Fixed), (CKA.CKA_TOKEN, Fixed), (CKA.CKA_PRIVATE, Fixed), (CKA.CKA_MODIFIABLE, Fixed),
        (CKA.CKA_LABEL, Changeable), (CKA.CKA_COPYABLE, Changeable), (CKA.CKA_DESTROYABLE, Changeable),
        (CKA.CKA_UNIQUE_ID, TokenOnly),
    ];

    private static readonly (CKA, AttributeRule)[] AnyKey =
    [
        (CKA.CKA_KEY_TYPE, Fixed | Required), (CKA.CKA_ID, Changeable), (CKA.CKA_START_DATE, Changeable),
        (CKA.CKA_END_DATE, Changeable), (CKA.CKA_DERIVE, Changeable), (CKA.CKA_LOCAL, TokenOnly),
        (CKA.CKA_KEY_GEN_MECHANISM, TokenOnly), (CKA.CKA_ALLOWED_MECHANISMS, Changeable),
    ];

    private static readonly (CKA, AttributeRule)[] PublicKey =
    [
        (CKA.CKA_SUBJECT, Changeable), (CKA.CKA_ENCRYPT, Changeable), (CKA.CKA_VERIFY, Changeable),
        (CKA.CKA_VERIFY_RECOVER, Changeable), (CKA.CKA_WRAP, Changeable), (CKA.CKA_TRUSTED, Changeable),
        (CKA.CKA_WRAP_TEMPLATE, Changeable), (CKA.CKA_PUBLIC_KEY_INFO, Changeable),
    ];

    private static readonly (CKA, AttributeRule)[] PrivateKey =
    [
        (CKA.CKA_SUBJECT, Changeable), (CKA.CKA_SENSITIVE, Changeable), (CKA.CKA_DECRYPT, Changeable),
        (CKA.CKA_SIGN, Changeable), (CKA.CKA_SIGN_RECOVER, Changeable), (CKA.CKA_UNWRAP, Changeable),
        (CKA.CKA_EXTRACTABLE, Changeable), (CKA.CKA_ALWAYS_SENSITIVE, TokenOnly),
        (CKA.CKA_NEVER_EXTRACTABLE, TokenOnly), (CKA.CKA_WRAP_WITH_TRUSTED, Changeable),
        (CKA.CKA_UNWRAP_TEMPLATE, Changeable), (CKA.CKA_ALWAYS_AUTHENTICATE, Changeable),
        (CKA.CKA_PUBLIC_KEY_INFO, Changeable), (CKA.CKA_DERIVE_TEMPLATE, Changeable),
        (CKA.CKA_NSS_DB, Changeable),
    ];

    private static readonly (CKA, AttributeRule)[] SecretKey =
    [
        (CKA.CKA_SENSITIVE, Changeable), (CKA.CKA_ENCRYPT, Changeable), (CKA.CKA_DECRYPT, Changeable),
        (CKA.CKA_SIGN, Changeable), (CKA.CKA_VERIFY, Changeable), (CKA.CKA_WRAP, Changeable),
        (CKA.CKA_UNWRAP, Changeable), (CKA.CKA_EXTRACTABLE, Changeable), (CKA.CKA_ALWAYS_SENSITIVE, TokenOnly),
        (CKA.CKA_NEVER_EXTRACTABLE, TokenOnly), (CKA.CKA_CHECK_VALUE, Changeable),
        (CKA.CKA_WRAP_WITH_TRUSTED, Changeable), (CKA.CKA_TRUSTED, Changeable), (CKA.CKA_WRAP_TEMPLATE, Changeable),
        (CKA.CKA_UNWRAP_TEMPLATE, Changeable), (CKA.CKA_DERIVE_TEMPLATE, Changeable),
        (CKA.CKA_VALUE, Fixed | Required | Secret | Generated), (CKA.CKA_VALUE_LEN, Fixed),
    ];

    private static readonly FrozenDictionary<CKK, (CKA, AttributeRule)[]> PublicKeyTypes = new Dictionary<CKK, (CKA, AttributeRule)[]>
    {
        [CKK.CKK_RSA] = [(CKA.CKA_MODULUS, Fixed | Required | Generated), (CKA.CKA_PUBLIC_EXPONENT, Fixed | Required),
            (CKA.CKA_MODULUS_BITS, Fixed)],
        [CKK.CKK_DSA] = [(CKA.CKA_PRIME, Fixed | Required), (CKA.CKA_SUBPRIME, Fixed | Required),
            (CKA.CKA_BASE, Fixed | Required), (CKA.CKA_VALUE, Fixed | Required | Generated)],
        [CKK.CKK_DH] = [(CKA.CKA_PRIME, Fixed | Required), (CKA.CKA_BASE, Fixed | Required),
            (CKA.CKA_VALUE, Fixed | Required | Generated)],
        [CKK.CKK_EC] = EcPublic,
        [CKK.CKK_EC_EDWARDS] = EcPublic,
        [CKK.CKK_EC_MONTGOMERY] = EcPublic,
        [CKK.CKK_ML_KEM] = MlKemPublic,
        [CKK.CKK_NSS_ML_KEM] = MlKemPublic,
    }.ToFrozenDictionary();

    private static (CKA, AttributeRule)[] EcPublic =>
        [(CKA.CKA_EC_PARAMS, Fixed | Required), (CKA.CKA_EC_POINT, Fixed | Required | Generated)];

    /// <summary>PKCS #11 v3.2 ML-KEM public key (NSS's CKK_NSS_ML_KEM alike): the encapsulation key and its parameter
    /// set, in CKA_PARAMETER_SET or NSS's older CKA_NSS_PARAMETER_SET (MlKemKeys requires one of them).</summary>
    private static (CKA, AttributeRule)[] MlKemPublic =>
        [(CKA.CKA_PARAMETER_SET, Fixed), (CKA.CKA_NSS_PARAMETER_SET, Fixed), (CKA.CKA_VALUE, Fixed | Required | Generated),
         (CKA.CKA_ENCAPSULATE, Changeable), (CKA.CKA_ENCAPSULATE_TEMPLATE, Changeable)];

    /// <summary>ML-KEM private key: the decapsulation key and the seed d || z it was expanded from; either may be given
    /// on C_CreateObject (MlKemKeys.CompleteCreated fills CKA_VALUE from the seed and checks the two agree).</summary>
    private static (CKA, AttributeRule)[] MlKemPrivate =>
        [(CKA.CKA_PARAMETER_SET, Fixed), (CKA.CKA_NSS_PARAMETER_SET, Fixed), (CKA.CKA_VALUE, Fixed | Secret | Generated),
         (CKA.CKA_SEED, Fixed | Secret | Generated), (CKA.CKA_DECAPSULATE, Changeable), (CKA.CKA_DECAPSULATE_TEMPLATE, Changeable)];

    private static (CKA, AttributeRule)[] EcPrivate =>
        [(CKA.CKA_EC_PARAMS, Fixed | Required), (CKA.CKA_VALUE, Fixed | Required | Secret | Generated),
         (CKA.CKA_EC_POINT, Fixed | Generated)];

    private static readonly FrozenDictionary<CKK, (CKA, AttributeRule)[]> PrivateKeyTypes = new Dictionary<CKK, (CKA, AttributeRule)[]>
    {
        [CKK.CKK_RSA] =
        [
            (CKA.CKA_MODULUS, Fixed | Required | Generated), (CKA.CKA_PUBLIC_EXPONENT, Fixed | Generated),
            (CKA.CKA_PRIVATE_EXPONENT, Fixed | Required | Secret | Generated), (CKA.CKA_PRIME_1, Fixed | Secret | Generated),
            (CKA.CKA_PRIME_2, Fixed | Secret | Generated), (CKA.CKA_EXPONENT_1, Fixed | Secret | Generated),
            (CKA.CKA_EXPONENT_2, Fixed | Secret | Generated), (CKA.CKA_COEFFICIENT, Fixed | Secret | Generated),
        ],
        [CKK.CKK_DSA] = [(CKA.CKA_PRIME, Fixed | Required), (CKA.CKA_SUBPRIME, Fixed | Required),
            (CKA.CKA_BASE, Fixed | Required), (CKA.CKA_VALUE, Fixed | Required | Secret | Generated),
            (CKA.CKA_NSS_DB, Changeable)],
        [CKK.CKK_DH] = [(CKA.CKA_PRIME, Fixed | Required), (CKA.CKA_BASE, Fixed | Required),
            (CKA.CKA_VALUE, Fixed | Required | Secret | Generated), (CKA.CKA_VALUE_BITS, Fixed)],
        [CKK.CKK_EC] = EcPrivate,
        [CKK.CKK_EC_EDWARDS] = EcPrivate,
        [CKK.CKK_EC_MONTGOMERY] = EcPrivate,
        [CKK.CKK_ML_KEM] = MlKemPrivate,
        [CKK.CKK_NSS_ML_KEM] = MlKemPrivate,
    }.ToFrozenDictionary();

    private static readonly (CKA, AttributeRule)[] Data =
        [(CKA.CKA_APPLICATION, Changeable), (CKA.CKA_OBJECT_ID, Changeable), (CKA.CKA_VALUE, Changeable)];

    private static readonly (CKA, AttributeRule)[] Certificate =
    [
        (CKA.CKA_CERTIFICATE_TYPE, Fixed | Required), (CKA.CKA_TRUSTED, Changeable),
        (CKA.CKA_CERTIFICATE_CATEGORY, Changeable), (CKA.CKA_CHECK_VALUE, Changeable),
        (CKA.CKA_START_DATE, Changeable), (CKA.CKA_END_DATE, Changeable), (CKA.CKA_PUBLIC_KEY_INFO, Changeable),
        // X.509 (section 4.6.3): subject, issuer and serial are taken from the DER when omitted.
        (CKA.CKA_SUBJECT, Changeable), (CKA.CKA_ID, Changeable), (CKA.CKA_ISSUER, Changeable),
        (CKA.CKA_SERIAL_NUMBER, Changeable), (CKA.CKA_VALUE, Fixed | Required), (CKA.CKA_URL, Fixed),
        (CKA.CKA_HASH_OF_SUBJECT_PUBLIC_KEY, Fixed), (CKA.CKA_HASH_OF_ISSUER_PUBLIC_KEY, Fixed),
        (CKA.CKA_JAVA_MIDP_SECURITY_DOMAIN, Fixed), (CKA.CKA_NAME_HASH_ALGORITHM, Fixed),
        (CKA.CKA_NSS_EMAIL, Changeable), (CKA.CKA_NSS_SMIME_TIMESTAMP, Changeable),
    ];

    private static readonly (CKA, AttributeRule)[] DomainParameters =
        [(CKA.CKA_KEY_TYPE, Fixed | Required), (CKA.CKA_LOCAL, TokenOnly)];

    /// <summary>Domain parameter objects per key type (sections 6.3.x and 6.7.x of PKCS #11 v3.0 current
    /// mechanisms): the values are required on C_CreateObject; the bit lengths are computed by the token.</summary>
    private static readonly FrozenDictionary<CKK, (CKA, AttributeRule)[]> DomainParameterTypes = new Dictionary<CKK, (CKA, AttributeRule)[]>
    {
        [CKK.CKK_DSA] = [(CKA.CKA_PRIME, Fixed | Required), (CKA.CKA_SUBPRIME, Fixed | Required),
            (CKA.CKA_BASE, Fixed | Required), (CKA.CKA_PRIME_BITS, Fixed)],
        [CKK.CKK_DH] = [(CKA.CKA_PRIME, Fixed | Required), (CKA.CKA_BASE, Fixed | Required), (CKA.CKA_PRIME_BITS, Fixed)],
        [CKK.CKK_X9_42_DH] = [(CKA.CKA_PRIME, Fixed | Required), (CKA.CKA_BASE, Fixed | Required),
            (CKA.CKA_SUBPRIME, Fixed | Required), (CKA.CKA_PRIME_BITS, Fixed), (CKA.CKA_SUBPRIME_BITS, Fixed)],
        [CKK.CKK_EC] = [(CKA.CKA_EC_PARAMS, Fixed | Required)],
    }.ToFrozenDictionary();

    private static readonly (CKA, AttributeRule)[] NssTrust =
    [
        (CKA.CKA_ISSUER, Fixed), (CKA.CKA_SERIAL_NUMBER, Fixed), (CKA.CKA_CERT_SHA1_HASH, Fixed),
        (CKA.CKA_CERT_MD5_HASH, Fixed), (CKA.CKA_TRUST_DIGITAL_SIGNATURE, Changeable),
        (CKA.CKA_TRUST_NON_REPUDIATION, Changeable), (CKA.CKA_TRUST_KEY_ENCIPHERMENT, Changeable),
        (CKA.CKA_TRUST_DATA_ENCIPHERMENT, Changeable), (CKA.CKA_TRUST_KEY_AGREEMENT, Changeable),
        (CKA.CKA_TRUST_KEY_CERT_SIGN, Changeable), (CKA.CKA_TRUST_CRL_SIGN, Changeable),
        (CKA.CKA_TRUST_SERVER_AUTH, Changeable), (CKA.CKA_TRUST_CLIENT_AUTH, Changeable),
        (CKA.CKA_TRUST_CODE_SIGNING, Changeable), (CKA.CKA_TRUST_EMAIL_PROTECTION, Changeable),
        (CKA.CKA_TRUST_IPSEC_END_SYSTEM, Changeable), (CKA.CKA_TRUST_IPSEC_TUNNEL, Changeable),
        (CKA.CKA_TRUST_IPSEC_USER, Changeable), (CKA.CKA_TRUST_TIME_STAMPING, Changeable),
        (CKA.CKA_TRUST_STEP_UP_APPROVED, Changeable),
    ];

    private static readonly (CKA, AttributeRule)[] Profile = [(CKA.CKA_PROFILE_ID, Fixed | Required)];

    private static readonly FrozenSet<CKK> SecretKeyTypes = new[]
    {
        CKK.CKK_GENERIC_SECRET, CKK.CKK_AES, CKK.CKK_DES, CKK.CKK_DES2, CKK.CKK_DES3, CKK.CKK_RC2, CKK.CKK_RC4,
        CKK.CKK_CAMELLIA, CKK.CKK_SEED, CKK.CKK_CHACHA20, CKK.CKK_POLY1305, CKK.CKK_SHA_1_HMAC, CKK.CKK_SHA224_HMAC,
        CKK.CKK_SHA256_HMAC, CKK.CKK_SHA384_HMAC, CKK.CKK_SHA512_HMAC, CKK.CKK_SHA512_224_HMAC,
        CKK.CKK_SHA512_256_HMAC, CKK.CKK_SHA3_224_HMAC, CKK.CKK_SHA3_256_HMAC, CKK.CKK_SHA3_384_HMAC,
        CKK.CKK_SHA3_512_HMAC, CKK.CKK_MD5_HMAC, CKK.CKK_HKDF,
    }.ToFrozenSet();

    /// <summary>The attribute rules for an object of <paramref name="cls"/> (and <paramref name="keyType"/> for
    /// keys), or null when Softoken does not support that class and key type.</summary>
    public static FrozenDictionary<CKA, AttributeRule>? RulesFor(CKO cls, CKK? keyType)
    {
        IEnumerable<(CKA, AttributeRule)>? rows = cls switch
        {
            CKO.CKO_DATA => Data,
            CKO.CKO_CERTIFICATE => Certificate,
            CKO.CKO_PUBLIC_KEY when keyType is { } k && PublicKeyTypes.TryGetValue(k, out var t) => AnyKey.Concat(PublicKey).Concat(t),
            CKO.CKO_PRIVATE_KEY when keyType is { } k && PrivateKeyTypes.TryGetValue(k, out var t) => AnyKey.Concat(PrivateKey).Concat(t),
            CKO.CKO_SECRET_KEY when keyType is { } k && SecretKeyTypes.Contains(k) => AnyKey.Concat(SecretKey),
            CKO.CKO_DOMAIN_PARAMETERS when keyType is { } k && DomainParameterTypes.TryGetValue(k, out var t) => DomainParameters.Concat(t),
            CKO.CKO_NSS_TRUST => NssTrust,
            CKO.CKO_PROFILE => Profile,
            _ => null,
        };
        if (rows is null) return null;
        var result = new Dictionary<CKA, AttributeRule>();
        foreach (var (type, rule) in Common.Concat(rows)) result[type] = rule;
        return result.ToFrozenDictionary();
    }

    /// <summary>Cached per (class, key type): the rules never change. Read without a lock (every object creation
    /// and C_GetAttributeValue asks).</summary>
    public static FrozenDictionary<CKA, AttributeRule>? Cached(CKO cls, CKK? keyType) =>
        Cache.GetOrAdd(CacheKey(cls, keyType), static key => RulesFor((CKO)key.Class, KeyTypeOf(key.KeyType)));

    /// <summary>The attributes with the Required rule for (class, key type), cached like the rules.</summary>
    public static CKA[] RequiredAttributes(CKO cls, CKK? keyType) =>
        RequiredCache.GetOrAdd(CacheKey(cls, keyType), static key =>
            Cached((CKO)key.Class, KeyTypeOf(key.KeyType)) is { } rules
                ? [.. rules.Where(r => (r.Value & Required) != 0).Select(r => r.Key)]
                : []);

    private static (ulong Class, ulong KeyType) CacheKey(CKO cls, CKK? keyType) =>
        ((ulong)cls, keyType is null ? ulong.MaxValue : (ulong)keyType.Value);

    private static CKK? KeyTypeOf(ulong value) => value == ulong.MaxValue ? null : (CKK)value;

    private static readonly ConcurrentDictionary<(ulong Class, ulong KeyType), FrozenDictionary<CKA, AttributeRule>?> Cache = new();

    private static readonly ConcurrentDictionary<(ulong Class, ulong KeyType), CKA[]> RequiredCache = new();

    public static bool IsKeyClass(CKO cls) => cls is CKO.CKO_PUBLIC_KEY or CKO.CKO_PRIVATE_KEY or CKO.CKO_SECRET_KEY;
}
