using Softoken.Pkcs11;

namespace Softoken.Mechanisms;

/// <summary>CKM_GENERIC_SECRET_KEY_GEN: a random CKK_GENERIC_SECRET of CKA_VALUE_LEN bytes (HMAC keys, TLS secrets).
/// CK_MECHANISM_INFO sizes are in bits, as the specification says: 8 to 8192.</summary>
internal static class GenericSecretMechanisms
{
    public const int MaxLength = 1024;

    public static IEnumerable<MechanismRow> Rows()
    {
        yield return new MechanismRow
        {
            Type = CKM.CKM_GENERIC_SECRET_KEY_GEN,
            MinKeySize = 8,
            MaxKeySize = 8 * MaxLength,
            GenerateKey = SecretKeyGeneration.Variable(CKK.CKK_GENERIC_SECRET, n => n is >= 1 and <= MaxLength),
        };
    }
}
