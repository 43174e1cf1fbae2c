using Softoken.Crypto;
using Softoken.Pkcs11;

namespace Softoken.Mechanisms;

/// <summary>Camellia (RFC 3713) on BouncyCastle: 16, 24 or 32 byte keys (sizes in bytes), the general block cipher
/// mechanisms and derivation by encryption.</summary>
internal static class CamelliaMechanisms
{
    public static readonly BlockCipherFamily Family = new()
    {
        Algorithm = BlockAlgorithm.Camellia,
        KeyType = CKK.CKK_CAMELLIA,
        KeyLengths = [16, 24, 32],
        MinKeySize = 16,
        MaxKeySize = 32,
    };

    public static IEnumerable<MechanismRow> Rows()
    {
        yield return new MechanismRow
        {
            Type = CKM.CKM_CAMELLIA_KEY_GEN,
            MinKeySize = 16,
            MaxKeySize = 32,
            GenerateKey = SecretKeyGeneration.Variable(CKK.CKK_CAMELLIA, n => n is 16 or 24 or 32),
        };
        yield return BlockCipherRows.Ecb(Family, CKM.CKM_CAMELLIA_ECB);
        yield return BlockCipherRows.Cbc(Family, CKM.CKM_CAMELLIA_CBC);
        yield return BlockCipherRows.CbcPad(Family, CKM.CKM_CAMELLIA_CBC_PAD);
        yield return BlockCipherRows.Mac(Family, CKM.CKM_CAMELLIA_MAC);
        yield return BlockCipherRows.MacGeneral(Family, CKM.CKM_CAMELLIA_MAC_GENERAL);
        yield return BlockCipherRows.EcbEncryptData(Family, CKM.CKM_CAMELLIA_ECB_ENCRYPT_DATA);
        yield return BlockCipherRows.CbcEncryptData(Family, CKM.CKM_CAMELLIA_CBC_ENCRYPT_DATA);
    }
}
