using Softoken.Objects;
using Softoken.Pkcs11;

namespace Softoken.Tokens;

/// <summary>Which attributes are encrypted at rest: every secret attribute of a key (the Secret rule of
/// <see cref="ObjectSchema"/>: private key components, secret key values), and CKA_VALUE of every private object.</summary>
internal static class SealingPolicy
{
    public static bool MustSeal(AttributeSet obj, CKA type)
    {
        if (type == CKA.CKA_VALUE && obj.Bool(CKA.CKA_PRIVATE)) return true;
        var cls = obj.Class;
        if (cls is null) return false;
        var rules = ObjectSchema.Cached(cls.Value, ObjectSchema.IsKeyClass(cls.Value) ? obj.KeyType : null);
        return rules is not null && rules.TryGetValue(type, out var rule) && (rule & AttributeRule.Secret) != 0;
    }
}
