using Softoken.Crypto;
using Softoken.Mechanisms.Parameters;
using Softoken.Objects;
using Softoken.Pkcs11;

namespace Softoken.Mechanisms;

/// <summary>Reading secret keys and simple parameters for the symmetric mechanism factories, with the return
/// codes softokn gives.</summary>
internal static class SecretKeys
{
    /// <summary>The key's CKA_VALUE, after checking that its CKA_KEY_TYPE is <paramref name="type"/> (or
    /// <paramref name="alternative"/>): CKR_KEY_TYPE_INCONSISTENT otherwise.</summary>
    public static byte[] Value(AttributeSet key, CKK type, CKK? alternative = null)
    {
        var actual = key.KeyType;
        if (actual != type && (alternative is null || actual != alternative)) throw new Pkcs11Exception(CKR.CKR_KEY_TYPE_INCONSISTENT);
        return key.Bytes(CKA.CKA_VALUE) ?? throw new Pkcs11Exception(CKR.CKR_KEY_HANDLE_INVALID);
    }

    /// <summary>An AES key's value: 16, 24 or 32 bytes, else CKR_KEY_SIZE_RANGE.</summary>
    public static byte[] Aes(AttributeSet key)
    {
        var value = Value(key, CKK.CKK_AES);
        if (value.Length is not (16 or 24 or 32)) throw new Pkcs11Exception(CKR.CKR_KEY_SIZE_RANGE);
        return value;
    }

    /// <summary>A parameter that must be a byte string of exactly <paramref name="length"/> bytes (an IV).</summary>
    public static byte[] Bytes(MechanismParameter parameter, int length) =>
        parameter is BytesParameter b && b.Value.Length == length ? b.Value : throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID);

    /// <summary>An optional byte-string parameter: empty when there is none.</summary>
    public static byte[] OptionalBytes(MechanismParameter parameter) => parameter switch
    {
        NoParameter => [],
        BytesParameter b => b.Value,
        _ => throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID),
    };

    /// <summary>A mechanism that takes no parameter.</summary>
    public static void None(MechanismParameter parameter)
    {
        if (parameter is not NoParameter) throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID);
    }

    /// <summary>A CK_ULONG parameter (CK_MAC_GENERAL_PARAMS ...).</summary>
    public static ulong Ulong(MechanismParameter parameter) =>
        parameter is UlongParameter u ? u.Value : throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID);

    /// <summary>A MAC_GENERAL length: 1 to <paramref name="max"/> bytes.</summary>
    public static int MacLength(ulong requested, int max) =>
        requested >= 1 && requested <= (ulong)max ? (int)requested : throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID);

    /// <summary>The length of a key derived from <paramref name="available"/> bytes of output, following the SHA-1 key
    /// derivation rules the ENCRYPT_DATA mechanisms refer to: CKA_VALUE_LEN if the template gives it, else the fixed
    /// length of the template's key type (DES 8, DES2 16, DES3 24, ChaCha20 32), else everything. Asking for more than
    /// there is gives CKR_DATA_LEN_RANGE, a length the key type cannot have CKR_TEMPLATE_INCONSISTENT.</summary>
    public static int DerivedLength(AttributeSet template, int available)
    {
        int? fixedLength = template.KeyType switch
        {
            CKK.CKK_DES => 8,
            CKK.CKK_DES2 => 16,
            CKK.CKK_DES3 => 24,
            CKK.CKK_CHACHA20 => 32,
            _ => null,
        };
        int length;
        if (template.Ulong(CKA.CKA_VALUE_LEN) is { } requested)
        {
            if (requested == 0 || requested > int.MaxValue) throw new Pkcs11Exception(CKR.CKR_TEMPLATE_INCONSISTENT);
            length = (int)requested;
            if (fixedLength is { } f && f != length) throw new Pkcs11Exception(CKR.CKR_TEMPLATE_INCONSISTENT);
        }
        else
        {
            length = fixedLength ?? available;
        }
        if (template.KeyType == CKK.CKK_AES && length is not (16 or 24 or 32)) throw new Pkcs11Exception(CKR.CKR_TEMPLATE_INCONSISTENT);
        if (length > available) throw new Pkcs11Exception(CKR.CKR_DATA_LEN_RANGE);
        return length;
    }

    /// <summary>The derived key's attributes: CKA_VALUE, with DES parity set for DES key types.</summary>
    public static AttributeSet DerivedKey(AttributeSet template, ReadOnlySpan<byte> output)
    {
        var value = output[..DerivedLength(template, output.Length)].ToArray();
        if (template.KeyType is CKK.CKK_DES or CKK.CKK_DES2 or CKK.CKK_DES3) DesKeys.SetOddParity(value);
        var key = new AttributeSet();
        key.Set(CKA.CKA_VALUE, value);
        return key;
    }
}
