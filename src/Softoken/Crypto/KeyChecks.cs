using System.Security.Cryptography;
using Softoken.Objects;
using Softoken.Pkcs11;

namespace Softoken.Crypto;

/// <summary>Checks every public-key factory makes on the key it is given.</summary>
internal static class KeyChecks
{
    public static void RequireType(AttributeSet key, params ReadOnlySpan<CKK> allowed)
    {
        if (key.KeyType is not { } type || !allowed.Contains(type)) throw new Pkcs11Exception(CKR.CKR_KEY_TYPE_INCONSISTENT);
    }

    /// <summary>Whether the key object is a private key: by CKA_CLASS, else by the presence of
    /// <paramref name="privateComponent"/> (tests hand in bare attribute sets).</summary>
    public static bool IsPrivate(AttributeSet key, CKA privateComponent) =>
        key.Class is { } c ? c == CKO.CKO_PRIVATE_KEY : key.Has(privateComponent);

    public static void RequirePrivate(AttributeSet key, CKA privateComponent)
    {
        if (!IsPrivate(key, privateComponent)) throw new Pkcs11Exception(CKR.CKR_KEY_TYPE_INCONSISTENT);
    }

    /// <summary>NSS's CKA_ID for a generated key pair: SHA-1 of the RSA modulus, the DSA/DH public value or the
    /// raw EC public point.</summary>
    public static byte[] Sha1Id(ReadOnlySpan<byte> publicValue) => SHA1.HashData(publicValue);

    /// <summary>The CKA_VALUE_LEN a derived secret must have: the template's, else the fixed size of its key type
    /// (softokn's sftk_MapKeySize), else 0 meaning "whatever the mechanism produces".</summary>
    public static int DerivedKeyLength(AttributeSet template)
    {
        if (template.Ulong(CKA.CKA_VALUE_LEN) is { } len)
        {
            if (len == 0 || len > 1 << 16) throw new Pkcs11Exception(CKR.CKR_ATTRIBUTE_VALUE_INVALID, "CKA_VALUE_LEN");
            return (int)len;
        }
        return template.KeyType switch
        {
            CKK.CKK_DES or CKK.CKK_CDMF => 8,
            CKK.CKK_DES2 => 16,
            CKK.CKK_DES3 => 24,
            _ => 0,
        };
    }

    /// <summary>Takes the least significant <paramref name="length"/> bytes of <paramref name="secret"/>, or pads it
    /// with leading zeros (softokn's rule for DH and ECDH with CKD_NULL); 0 keeps it whole.</summary>
    public static byte[] FitRight(byte[] secret, int length)
    {
        if (length == 0 || length == secret.Length) return secret;
        var result = new byte[length];
        if (secret.Length > length) secret.AsSpan(secret.Length - length).CopyTo(result);
        else secret.CopyTo(result.AsSpan(length - secret.Length));
        CryptographicOperations.ZeroMemory(secret);
        return result;
    }
}
