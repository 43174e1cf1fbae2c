using Softoken.Pkcs11;

namespace Softoken.Objects;

/// <summary>Valid CKA_VALUE lengths per secret key type (the mechanism chapters of PKCS #11 v3.0).</summary>
internal static class SecretKeyLengths
{
    public static void Check(CKK keyType, int length)
    {
        bool ok = keyType switch
        {
            CKK.CKK_AES => length is 16 or 24 or 32,
            CKK.CKK_DES => length == 8,
            CKK.CKK_DES2 => length == 16,
            CKK.CKK_DES3 => length == 24,
            CKK.CKK_CAMELLIA => length is 16 or 24 or 32,
            CKK.CKK_SEED => length == 16,
            CKK.CKK_CHACHA20 => length == 32,
            CKK.CKK_POLY1305 => length == 32,
            CKK.CKK_RC2 => length is >= 1 and <= 128,
            CKK.CKK_RC4 => length is >= 1 and <= 256,
            _ => length >= 0,
        };
        if (!ok) throw new Pkcs11Exception(CKR.CKR_ATTRIBUTE_VALUE_INVALID, $"{keyType} key of {length} bytes");
    }
}
