using Softoken.Pkcs11;

namespace Softoken.Objects;

/// <summary>The rules of C_SetAttributeValue and C_CopyObject (PKCS #11 v3.0 sections 4.4 and 5.7): which
/// attributes may change, in which direction, and on which objects.</summary>
internal static class ObjectEditor
{
    /// <summary>Returns the object's attributes with <paramref name="changes"/> applied, or throws.</summary>
    public static AttributeSet ApplySet(AttributeSet current, AttributeSet changes)
    {
        if (!current.Bool(CKA.CKA_MODIFIABLE, true)) throw new Pkcs11Exception(CKR.CKR_ACTION_PROHIBITED);
        return Apply(current, changes, copying: false);
    }

    /// <summary>C_CopyObject: the new object's attributes. CKA_TOKEN, CKA_PRIVATE and CKA_MODIFIABLE may change in a
    /// copy besides what C_SetAttributeValue could change.</summary>
    public static AttributeSet ApplyCopy(AttributeSet source, AttributeSet changes)
    {
        if (!source.Bool(CKA.CKA_COPYABLE, true)) throw new Pkcs11Exception(CKR.CKR_ACTION_PROHIBITED);
        var copy = Apply(source, changes, copying: true);
        copy.Set(CKA.CKA_UNIQUE_ID, System.Text.Encoding.ASCII.GetBytes(
            Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16))));
        return copy;
    }

    private static AttributeSet Apply(AttributeSet current, AttributeSet changes, bool copying)
    {
        var cls = current.Class ?? throw new Pkcs11Exception(CKR.CKR_GENERAL_ERROR);
        var rules = ObjectSchema.Cached(cls, ObjectSchema.IsKeyClass(cls) || cls == CKO.CKO_DOMAIN_PARAMETERS ? current.KeyType : null)
            ?? throw new Pkcs11Exception(CKR.CKR_GENERAL_ERROR);
        var result = current.Clone();
        foreach (var (type, value) in changes)
        {
            if (!rules.TryGetValue(type, out var rule)) throw new Pkcs11Exception(CKR.CKR_ATTRIBUTE_TYPE_INVALID, type.ToString());
            AttributeValues.Check(type, value);
            if (current.Bytes(type) is { } old && old.AsSpan().SequenceEqual(value)) continue;
            bool copyMayChange = copying && type is CKA.CKA_TOKEN or CKA.CKA_PRIVATE or CKA.CKA_MODIFIABLE;
            if ((rule & (AttributeRule.TokenOnly | AttributeRule.Fixed)) != 0 && !copyMayChange)
                throw new Pkcs11Exception(CKR.CKR_ATTRIBUTE_READ_ONLY, type.ToString());
            CheckOneWay(current, type, value);
            CheckWrapPairs(current, type, value);
            result.Set(type, (byte[])value.Clone());
        }
        return result;
    }

    /// <summary>The key-wrap attacks by a later change. A key that wrapped a sensitive key while it could not decrypt
    /// must never decrypt: on a key with CKA_WRAP, CKA_DECRYPT is not turned on, and a wrap-only key keeps CKA_WRAP.
    /// A key that encrypted a chosen value must never unwrap it into a sensitive key: CKA_UNWRAP is not turned on
    /// after creation, and a key with CKA_UNWRAP keeps CKA_ENCRYPT (which refuses sensitive unwraps). The wrap-time
    /// and unwrap-time checks see only the present attributes, so the history is kept this way.</summary>
    private static void CheckWrapPairs(AttributeSet current, CKA type, byte[] value)
    {
        if (current.Class != CKO.CKO_SECRET_KEY) return;
        bool newValue = value.Length == 1 && value[0] != 0;
        bool violates = type switch
        {
            CKA.CKA_DECRYPT => newValue && current.Bool(CKA.CKA_WRAP),
            CKA.CKA_WRAP => !newValue && !current.Bool(CKA.CKA_DECRYPT),
            CKA.CKA_UNWRAP => newValue,
            CKA.CKA_ENCRYPT => !newValue && current.Bool(CKA.CKA_UNWRAP),
            _ => false,
        };
        if (violates) throw new Pkcs11Exception(CKR.CKR_ATTRIBUTE_READ_ONLY, type + " (key-wrap attack defence)");
    }

    /// <summary>CKA_SENSITIVE may only become true, CKA_EXTRACTABLE, CKA_COPYABLE and CKA_DESTROYABLE only false
    /// (for the last two: once false, they stay false); CKA_WRAP_WITH_TRUSTED only true.</summary>
    private static void CheckOneWay(AttributeSet current, CKA type, byte[] value)
    {
        bool newValue = value.Length == 1 && value[0] != 0;
        bool violates = type switch
        {
            CKA.CKA_SENSITIVE or CKA.CKA_WRAP_WITH_TRUSTED => current.Bool(type) && !newValue,
            CKA.CKA_EXTRACTABLE or CKA.CKA_COPYABLE => !current.Bool(type, true) && newValue,
            _ => false,
        };
        if (violates) throw new Pkcs11Exception(CKR.CKR_ATTRIBUTE_READ_ONLY, type.ToString());
    }
}
