using Softoken.Crypto;
using Softoken.Pkcs11;

namespace Softoken.Mechanisms;

/// <summary>SEED (RFC 4269) on BouncyCastle: 16-byte keys, the general block cipher mechanisms and derivation by
/// encryption.</summary>
internal static class SeedMechanisms
{
    public static readonly BlockCipherFamily Family = new()
    {
        Algorithm = BlockAlgorithm.Seed,
        KeyType = CKK.CKK_SEED,
        KeyLengths = [16],
        MinKeySize = 16,
        MaxKeySize = 16,
    };

    public static IEnumerable<MechanismRow> Rows()
    {
        yield return new MechanismRow
        {
            Type = CKM.CKM_SEED_KEY_GEN,
            MinKeySize = 16,
            MaxKeySize = 16,
            GenerateKey = SecretKeyGeneration.Fixed(CKK.CKK_SEED, 16),
        };
        yield return BlockCipherRows.Ecb(Family, CKM.CKM_SEED_ECB);
        yield return BlockCipherRows.Cbc(Family, CKM.CKM_SEED_CBC);
        yield return BlockCipherRows.CbcPad(Family, CKM.CKM_SEED_CBC_PAD);
        yield return BlockCipherRows.Mac(Family, CKM.CKM_SEED_MAC);
        yield return BlockCipherRows.MacGeneral(Family, CKM.CKM_SEED_MAC_GENERAL);
        yield return BlockCipherRows.EcbEncryptData(Family, CKM.CKM_SEED_ECB_ENCRYPT_DATA);
        yield return BlockCipherRows.CbcEncryptData(Family, CKM.CKM_SEED_CBC_ENCRYPT_DATA);
    }
}
