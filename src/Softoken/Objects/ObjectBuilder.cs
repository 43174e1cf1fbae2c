using System.Collections.Frozen;
using System.Numerics;
using System.Security.Cryptography;
using Softoken.Pkcs11;

namespace Softoken.Objects;

/// <summary>Builds a new object's attributes from a template (C_CreateObject) or from a template plus what a
/// mechanism computed (C_GenerateKey, C_GenerateKeyPair, C_DeriveKey, C_UnwrapKey): checks the template against
/// <see cref="ObjectSchema"/>, fills the defaults and sets the attributes only the token may set.</summary>
internal static class ObjectBuilder
{
    /// <param name="template">The caller's template (not modified).</param>
    /// <param name="origin">How the object is made.</param>
    /// <param name="computed">Attributes the mechanism produced (key material, CKA_KEY_TYPE, a default CKA_ID).</param>
    /// <param name="mechanism">The generating mechanism, for CKA_KEY_GEN_MECHANISM.</param>
    /// <param name="baseKey">For derived keys, the base key (its CKA_ALWAYS_SENSITIVE and CKA_NEVER_EXTRACTABLE carry over).</param>
    /// <param name="random">The token's RNG, for CKA_UNIQUE_ID (a cheap buffered draw); .NET's generator when null.</param>
    public static AttributeSet Build(AttributeSet template, ObjectOrigin origin, AttributeSet? computed = null,
        CKM? mechanism = null, AttributeSet? baseKey = null, Action<Span<byte>>? random = null)
    {
        var cls = template.Class ?? computed?.Class ?? throw new Pkcs11Exception(CKR.CKR_TEMPLATE_INCOMPLETE, "CKA_CLASS");
        if (computed?.Class is { } computedClass && computedClass != cls) throw new Pkcs11Exception(CKR.CKR_TEMPLATE_INCONSISTENT);
        CKK? keyType = template.KeyType ?? computed?.KeyType;
        if (template.KeyType is { } t && computed?.KeyType is { } c && t != c) throw new Pkcs11Exception(CKR.CKR_TEMPLATE_INCONSISTENT);
        bool needsKeyType = ObjectSchema.IsKeyClass(cls) || cls == CKO.CKO_DOMAIN_PARAMETERS;
        if (needsKeyType && keyType is null) throw new Pkcs11Exception(CKR.CKR_TEMPLATE_INCOMPLETE, "CKA_KEY_TYPE");
        var rules = ObjectSchema.Cached(cls, needsKeyType ? keyType : null)
            ?? throw new Pkcs11Exception(CKR.CKR_ATTRIBUTE_VALUE_INVALID, $"{cls}/{keyType} is not supported");

        foreach (var (type, value) in template)
        {
            if (!rules.TryGetValue(type, out var rule)) throw new Pkcs11Exception(CKR.CKR_ATTRIBUTE_TYPE_INVALID, type.ToString());
            if ((rule & AttributeRule.TokenOnly) != 0) throw new Pkcs11Exception(CKR.CKR_ATTRIBUTE_READ_ONLY, type.ToString());
            if (origin != ObjectOrigin.Created && (rule & AttributeRule.Generated) != 0 && computed?.Has(type) == true)
                throw new Pkcs11Exception(CKR.CKR_TEMPLATE_INCONSISTENT, type.ToString());
            AttributeValues.Check(type, value);
        }

        // Room for the defaults and token attributes that follow (about 25 for a key), so the set never grows.
        var result = template.Clone(room: 32);
        result.SetUlong(CKA.CKA_CLASS, (ulong)cls);
        if (needsKeyType) result.SetUlong(CKA.CKA_KEY_TYPE, (ulong)keyType!.Value);
        if (computed is not null)
        {
            foreach (var (type, value) in computed)
            {
                // CKA_CLASS and CKA_KEY_TYPE are set above, and a computed value was checked to agree with them.
                if (type == CKA.CKA_CLASS || (needsKeyType && type == CKA.CKA_KEY_TYPE) || !rules.ContainsKey(type)) continue;
                if (type == CKA.CKA_ID) result.Default(type, (byte[])value.Clone());
                else result.Set(type, (byte[])value.Clone());
            }
        }
        if (cls == CKO.CKO_CERTIFICATE && result.Has(CKA.CKA_VALUE)) CertificateFields.Complete(result);
        if (cls == CKO.CKO_PUBLIC_KEY && keyType == CKK.CKK_RSA) CompleteBitLength(result, CKA.CKA_MODULUS, CKA.CKA_MODULUS_BITS);
        if (cls == CKO.CKO_DOMAIN_PARAMETERS)
        {
            if (rules.ContainsKey(CKA.CKA_PRIME_BITS)) CompleteBitLength(result, CKA.CKA_PRIME, CKA.CKA_PRIME_BITS);
            if (rules.ContainsKey(CKA.CKA_SUBPRIME_BITS)) CompleteBitLength(result, CKA.CKA_SUBPRIME, CKA.CKA_SUBPRIME_BITS);
        }
        foreach (var type in ObjectSchema.RequiredAttributes(cls, needsKeyType ? keyType : null))
        {
            if (!result.Has(type)) throw new Pkcs11Exception(CKR.CKR_TEMPLATE_INCOMPLETE, type.ToString());
        }
        ApplyDefaults(result, cls, rules);
        result.Set(CKA.CKA_UNIQUE_ID, NewUniqueId(random));
        SetTokenAttributes(result, cls, origin, mechanism, baseKey);
        if (cls == CKO.CKO_SECRET_KEY) FinishSecretKey(result, keyType!.Value, template);
        return result;
    }

    /// <summary>CKA_MODULUS_BITS of an RSA public key and CKA_PRIME_BITS / CKA_SUBPRIME_BITS of domain parameters are
    /// the token's to fill in when the object is created from its values (PKCS #11 v3.0: not specified with
    /// C_CreateObject); consumers read them for the key size (pkcs11-tool --list-objects, NSS). A value given in the
    /// template must agree with the number it describes.</summary>
    private static void CompleteBitLength(AttributeSet a, CKA number, CKA bitsAttribute)
    {
        if (a.Bytes(number) is not { } value) return;
        ulong bits = (ulong)new BigInteger(value, isUnsigned: true, isBigEndian: true).GetBitLength();
        if (a.Ulong(bitsAttribute) is { } given && given != bits)
            throw new Pkcs11Exception(CKR.CKR_TEMPLATE_INCONSISTENT, bitsAttribute.ToString());
        a.SetUlong(bitsAttribute, bits);
    }

    /// <summary>A new CKA_UNIQUE_ID: 16 random bytes as 32 upper-case hex digits.</summary>
    public static byte[] NewUniqueId(Action<Span<byte>>? random = null)
    {
        Span<byte> bytes = stackalloc byte[16];
        (random ?? RandomNumberGenerator.Fill)(bytes);
        var id = new byte[32];
        Convert.TryToHexString(bytes, id, out _);
        return id;
    }

    private static readonly CKA[] EmptyDefaults =
        [CKA.CKA_ID, CKA.CKA_START_DATE, CKA.CKA_END_DATE, CKA.CKA_SUBJECT, CKA.CKA_APPLICATION, CKA.CKA_OBJECT_ID];

    private static readonly CKA[] UsageDefaults =
    [
        CKA.CKA_ENCRYPT, CKA.CKA_DECRYPT, CKA.CKA_SIGN, CKA.CKA_VERIFY, CKA.CKA_SIGN_RECOVER, CKA.CKA_VERIFY_RECOVER,
        CKA.CKA_WRAP, CKA.CKA_UNWRAP, CKA.CKA_ENCAPSULATE, CKA.CKA_DECAPSULATE,
    ];

    private static void ApplyDefaults(AttributeSet a, CKO cls, FrozenDictionary<CKA, AttributeRule> rules)
    {
        bool isKey = cls is CKO.CKO_PRIVATE_KEY or CKO.CKO_SECRET_KEY;
        a.DefaultBool(CKA.CKA_TOKEN, false);
        a.DefaultBool(CKA.CKA_PRIVATE, isKey);
        a.DefaultBool(CKA.CKA_MODIFIABLE, true);
        a.DefaultBool(CKA.CKA_COPYABLE, true);
        a.DefaultBool(CKA.CKA_DESTROYABLE, true);
        a.Default(CKA.CKA_LABEL, []);
        foreach (var empty in EmptyDefaults)
        {
            if (rules.ContainsKey(empty)) a.Default(empty, []);
        }
        if (cls == CKO.CKO_DATA) a.Default(CKA.CKA_VALUE, []);
        if (cls == CKO.CKO_CERTIFICATE)
        {
            a.DefaultBool(CKA.CKA_TRUSTED, false);
            a.Default(CKA.CKA_CERTIFICATE_CATEGORY, AttributeSet.EncodeUlong(0));
        }
        if (ObjectSchema.IsKeyClass(cls)) a.DefaultBool(CKA.CKA_DERIVE, false);
        // Key usage defaults are token-specific in the specification; Softoken allows every use the class has,
        // keys are sensitive by default and extractable (so that they can be exported wrapped, as NSS's
        // pk12util does).
        foreach (var usage in UsageDefaults)
        {
            if (rules.ContainsKey(usage)) a.DefaultBool(usage, true);
        }
        if (isKey)
        {
            a.DefaultBool(CKA.CKA_SENSITIVE, true);
            a.DefaultBool(CKA.CKA_EXTRACTABLE, true);
            a.DefaultBool(CKA.CKA_WRAP_WITH_TRUSTED, false);
        }
        if (cls == CKO.CKO_PRIVATE_KEY) a.DefaultBool(CKA.CKA_ALWAYS_AUTHENTICATE, false);
        if (cls is CKO.CKO_PUBLIC_KEY or CKO.CKO_SECRET_KEY) a.DefaultBool(CKA.CKA_TRUSTED, false);
    }

    private static void SetTokenAttributes(AttributeSet a, CKO cls, ObjectOrigin origin, CKM? mechanism, AttributeSet? baseKey)
    {
        if (!ObjectSchema.IsKeyClass(cls) && cls != CKO.CKO_DOMAIN_PARAMETERS) return;
        a.SetBool(CKA.CKA_LOCAL, origin == ObjectOrigin.Generated);
        if (cls == CKO.CKO_DOMAIN_PARAMETERS) return;
        a.SetUlong(CKA.CKA_KEY_GEN_MECHANISM,
            origin == ObjectOrigin.Generated && mechanism is { } m ? (ulong)m : AttributeValues.Unavailable);
        if (cls == CKO.CKO_PUBLIC_KEY) return;
        bool sensitive = a.Bool(CKA.CKA_SENSITIVE);
        bool extractable = a.Bool(CKA.CKA_EXTRACTABLE);
        switch (origin)
        {
            case ObjectOrigin.Generated:
                a.SetBool(CKA.CKA_ALWAYS_SENSITIVE, sensitive);
                a.SetBool(CKA.CKA_NEVER_EXTRACTABLE, !extractable);
                break;
            case ObjectOrigin.Derived when baseKey is not null:
                a.SetBool(CKA.CKA_ALWAYS_SENSITIVE, sensitive && baseKey.Bool(CKA.CKA_ALWAYS_SENSITIVE));
                a.SetBool(CKA.CKA_NEVER_EXTRACTABLE, !extractable && baseKey.Bool(CKA.CKA_NEVER_EXTRACTABLE));
                break;
            default:
                a.SetBool(CKA.CKA_ALWAYS_SENSITIVE, false);
                a.SetBool(CKA.CKA_NEVER_EXTRACTABLE, false);
                break;
        }
    }

    private static void FinishSecretKey(AttributeSet a, CKK keyType, AttributeSet template)
    {
        var value = a.RequireBytes(CKA.CKA_VALUE);
        SecretKeyLengths.Check(keyType, value.Length);
        if (template.Ulong(CKA.CKA_VALUE_LEN) is { } requested && requested != (ulong)value.Length)
            throw new Pkcs11Exception(CKR.CKR_TEMPLATE_INCONSISTENT, "CKA_VALUE_LEN");
        a.SetUlong(CKA.CKA_VALUE_LEN, (ulong)value.Length);
    }
}
