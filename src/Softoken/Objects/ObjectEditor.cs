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
    public static AttributeSet ApplyCopy(AttributeSet source, AttributeSet changes, Action<Span<byte>>? random = null)
    {
        if (!source.Bool(CKA.CKA_COPYABLE, true)) throw new Pkcs11Exception(CKR.CKR_ACTION_PROHIBITED);
        var copy = Apply(source, changes, copying: true);
        copy.Set(CKA.CKA_UNIQUE_ID, ObjectBuilder.NewUniqueId(random));
        return copy;
    }

    /// <summary>softokn's update of a token object that is imported again (same certificate, same key): the stored
    /// object takes the template's values, except that CKA_CLASS and CKA_TOKEN stay, the one-way rules hold
    /// (CKA_SENSITIVE stays true, CKA_EXTRACTABLE stays false), and key material is never mixed: a template that
    /// brings secret material replaces all of it, and the key is then as imported (<paramref name="imported"/>: not
    /// local, not always sensitive, not never extractable).</summary>
    public static AttributeSet ApplyMerge(AttributeSet existing, AttributeSet template, AttributeSet imported)
    {
        var cls = existing.Class ?? throw new Pkcs11Exception(CKR.CKR_GENERAL_ERROR);
        var rules = ObjectSchema.Cached(cls, ObjectSchema.IsKeyClass(cls) ? existing.KeyType : null)
            ?? throw new Pkcs11Exception(CKR.CKR_GENERAL_ERROR);
        bool IsSecret(CKA type) => rules.TryGetValue(type, out var rule) && (rule & AttributeRule.Secret) != 0;
        var merged = existing.Clone();
        bool newMaterial = template.Types.Any(IsSecret);
        if (newMaterial)
        {
            foreach (var type in existing.Types.Where(t => IsSecret(t) && !template.Has(t)).ToArray()) merged.Remove(type);
            foreach (var type in new[] { CKA.CKA_LOCAL, CKA.CKA_ALWAYS_SENSITIVE, CKA.CKA_NEVER_EXTRACTABLE, CKA.CKA_KEY_GEN_MECHANISM })
            {
                if (imported.Bytes(type) is { } value) merged.Set(type, (byte[])value.Clone());
            }
        }
        foreach (var (type, value) in template)
        {
            if (type is not (CKA.CKA_CLASS or CKA.CKA_TOKEN)) merged.Set(type, (byte[])value.Clone());
        }
        if (existing.Bool(CKA.CKA_SENSITIVE)) merged.SetBool(CKA.CKA_SENSITIVE, true);
        if (!existing.Bool(CKA.CKA_EXTRACTABLE, true)) merged.SetBool(CKA.CKA_EXTRACTABLE, false);
        return merged;
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
            result.Set(type, (byte[])value.Clone());
        }
        return result;
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
