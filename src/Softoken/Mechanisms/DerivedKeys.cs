using Org.BouncyCastle.Crypto.Parameters;
using Softoken.Objects;
using Softoken.Pkcs11;

namespace Softoken.Mechanisms;

/// <summary>Sizing and finishing the CKA_VALUE of a key made by derivation or password-based generation: the
/// length comes from the template's CKA_VALUE_LEN, else from its CKA_KEY_TYPE when that fixes it (DES 8, DES2 16,
/// DES3 24), else from the mechanism's natural output.</summary>
internal static class DerivedKeys
{
    /// <summary>The fixed CKA_VALUE length of a key type, or null when the type allows several.</summary>
    public static int? FixedLength(CKK? type) => type switch
    {
        CKK.CKK_DES => 8,
        CKK.CKK_DES2 => 16,
        CKK.CKK_DES3 => 24,
        _ => null,
    };

    /// <summary>The length the template asks for, or null when it names none.</summary>
    public static int? Requested(AttributeSet template)
    {
        if (template.Ulong(CKA.CKA_VALUE_LEN) is { } len)
        {
            if (len == 0 || len > int.MaxValue) throw new Pkcs11Exception(CKR.CKR_TEMPLATE_INCONSISTENT);
            if (FixedLength(template.KeyType) is { } fixedLen && fixedLen != (int)len)
                throw new Pkcs11Exception(CKR.CKR_TEMPLATE_INCONSISTENT);
            return (int)len;
        }
        return FixedLength(template.KeyType);
    }

    /// <summary>The requested length, which must not exceed <paramref name="available"/> bytes of output
    /// (CKR_TEMPLATE_INCONSISTENT), or <paramref name="available"/> itself.</summary>
    public static int Length(AttributeSet template, int available)
    {
        int length = Requested(template) ?? available;
        return length <= available ? length : throw new Pkcs11Exception(CKR.CKR_TEMPLATE_INCONSISTENT);
    }

    /// <summary>The requested length, required (CKR_TEMPLATE_INCOMPLETE when the template names none).</summary>
    public static int RequiredLength(AttributeSet template) =>
        Requested(template) ?? throw new Pkcs11Exception(CKR.CKR_TEMPLATE_INCOMPLETE, "CKA_VALUE_LEN");

    /// <summary>The computed attributes of the new key: CKA_VALUE (with odd parity for DES key types, as softokn
    /// does) and CKA_KEY_TYPE when the mechanism fixes it.</summary>
    public static AttributeSet Secret(byte[] value, AttributeSet template, CKK? fixedType = null)
    {
        var type = fixedType ?? template.KeyType;
        if (type is CKK.CKK_DES or CKK.CKK_DES2 or CKK.CKK_DES3) DesParameters.SetOddParity(value);
        var key = new AttributeSet();
        key.Set(CKA.CKA_VALUE, value);
        if (fixedType is { } t) key.SetUlong(CKA.CKA_KEY_TYPE, (ulong)t);
        return key;
    }
}
