using Softoken.Crypto;
using Softoken.Objects;
using Softoken.Pkcs11;

namespace Softoken.Mechanisms;

/// <summary>C_GenerateKey for secret keys: random CKA_VALUE of the right length and CKA_KEY_TYPE. The template may
/// name the class and key type only consistently (CKR_TEMPLATE_INCONSISTENT); a length the key type needs but
/// the template lacks is CKR_TEMPLATE_INCOMPLETE, an impossible CKA_VALUE_LEN CKR_ATTRIBUTE_VALUE_INVALID.</summary>
internal static class SecretKeyGeneration
{
    /// <summary>A key type whose length comes from the template's CKA_VALUE_LEN (AES, Camellia, RC2, RC4, generic).</summary>
    public static Func<KeyGenRequest, AttributeSet> Variable(CKK type, Func<ulong, bool> validLength) => request =>
    {
        Check(request, type);
        ulong length = request.Template.Ulong(CKA.CKA_VALUE_LEN) ?? throw new Pkcs11Exception(CKR.CKR_TEMPLATE_INCOMPLETE);
        if (!validLength(length)) throw new Pkcs11Exception(CKR.CKR_ATTRIBUTE_VALUE_INVALID);
        var value = new byte[length];
        request.Random.Fill(value);
        return Key(type, value);
    };

    /// <summary>A key type of one length (SEED, ChaCha20; DES, DES2 and DES3 with <paramref name="des"/>, which sets odd
    /// parity and avoids weak keys). CKA_VALUE_LEN may be given only with that length.</summary>
    public static Func<KeyGenRequest, AttributeSet> Fixed(CKK type, int length, bool des = false) => request =>
    {
        Check(request, type);
        if (request.Template.Ulong(CKA.CKA_VALUE_LEN) is { } given && given != (ulong)length)
            throw new Pkcs11Exception(CKR.CKR_TEMPLATE_INCONSISTENT);
        byte[] value;
        if (des)
        {
            value = DesKeys.Generate(request.Random, length);
        }
        else
        {
            value = new byte[length];
            request.Random.Fill(value);
        }
        return Key(type, value);
    };

    private static void Check(KeyGenRequest request, CKK type)
    {
        SecretKeys.None(request.Parameter);
        var template = request.Template;
        if (template.Class is { } c && c != CKO.CKO_SECRET_KEY) throw new Pkcs11Exception(CKR.CKR_TEMPLATE_INCONSISTENT);
        if (template.KeyType is { } k && k != type) throw new Pkcs11Exception(CKR.CKR_TEMPLATE_INCONSISTENT);
    }

    private static AttributeSet Key(CKK type, byte[] value)
    {
        var key = AttributeSet.WithCapacity(2);
        key.SetUlong(CKA.CKA_KEY_TYPE, (ulong)type);
        key.Set(CKA.CKA_VALUE, value);
        return key;
    }
}
