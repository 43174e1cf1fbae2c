using Softoken.Crypto;
using Softoken.Operations;
using Softoken.Pkcs11;

namespace Softoken.Mechanisms;

/// <summary>RC4 on BouncyCastle: 1 to 256 byte keys (CK_MECHANISM_INFO in bits, as the specification says for RC4).
/// softokn lists RC4 on the crypto slot only.</summary>
internal static class Rc4Mechanisms
{
    public static IEnumerable<MechanismRow> Rows()
    {
        yield return new MechanismRow
        {
            Type = CKM.CKM_RC4_KEY_GEN,
            ListedOn = SlotSet.Crypto,
            MinKeySize = 8,
            MaxKeySize = 2048,
            GenerateKey = SecretKeyGeneration.Variable(CKK.CKK_RC4, n => n is >= 1 and <= 256),
        };
        yield return new MechanismRow
        {
            Type = CKM.CKM_RC4,
            ListedOn = SlotSet.Crypto,
            MinKeySize = 8,
            MaxKeySize = 2048,
            Encrypt = Create,
            Decrypt = Create,
            Wrap = Create,
            Unwrap = Create,
        };
    }

    private static ICipherOperation Create(MechanismContext c)
    {
        SecretKeys.None(c.Parameter);
        return StreamCipherOperation.Rc4(SecretKeys.Value(c.Key, CKK.CKK_RC4));
    }
}
