using Softoken.Crypto;
using Softoken.Pkcs11;

namespace Softoken.Mechanisms;

/// <summary>RC2 (RFC 2268): 1 to 128 byte keys with 1 to 1024 effective bits from the mechanism parameter. As the
/// specification says for RC2, CK_MECHANISM_INFO gives key sizes in bits.</summary>
internal static class Rc2Mechanisms
{
    public static readonly BlockCipherFamily Family = new Rc2Family
    {
        Algorithm = BlockAlgorithm.Rc2,
        KeyType = CKK.CKK_RC2,
        KeyLengths = Enumerable.Range(1, 128).ToArray(),
        MinKeySize = 8,
        MaxKeySize = 1024,
    };

    public static IEnumerable<MechanismRow> Rows()
    {
        yield return new MechanismRow
        {
            Type = CKM.CKM_RC2_KEY_GEN,
            MinKeySize = 8,
            MaxKeySize = 1024,
            GenerateKey = SecretKeyGeneration.Variable(CKK.CKK_RC2, n => n is >= 1 and <= 128),
        };
        yield return BlockCipherRows.Ecb(Family, CKM.CKM_RC2_ECB);
        yield return BlockCipherRows.Cbc(Family, CKM.CKM_RC2_CBC);
        yield return BlockCipherRows.CbcPad(Family, CKM.CKM_RC2_CBC_PAD);
        yield return BlockCipherRows.Mac(Family, CKM.CKM_RC2_MAC);
        yield return BlockCipherRows.MacGeneral(Family, CKM.CKM_RC2_MAC_GENERAL);
    }
}
