using Softoken.Crypto;
using Softoken.Pkcs11;

namespace Softoken.Mechanisms;

/// <summary>DES and triple DES (FIPS 46-3, SP 800-67): key generation with odd parity and no weak keys, ECB, CBC,
/// CBC_PAD, CBC-MAC, triple-DES CMAC and derivation by encryption. The DES3 mechanisms take two-key (CKK_DES2) and
/// three-key (CKK_DES3) keys.</summary>
internal static class DesMechanisms
{
    public static readonly BlockCipherFamily Des = new()
    {
        Algorithm = BlockAlgorithm.Des,
        KeyType = CKK.CKK_DES,
        KeyLengths = [8],
        MinKeySize = 8,
        MaxKeySize = 8,
    };

    public static readonly BlockCipherFamily Des3 = new()
    {
        Algorithm = BlockAlgorithm.Des3,
        KeyType = CKK.CKK_DES3,
        AlternativeKeyType = CKK.CKK_DES2,
        KeyLengths = [16, 24],
        MinKeySize = 16,
        MaxKeySize = 24,
    };

    public static IEnumerable<MechanismRow> Rows()
    {
        yield return KeyGen(CKM.CKM_DES_KEY_GEN, CKK.CKK_DES, 8);
        yield return KeyGen(CKM.CKM_DES2_KEY_GEN, CKK.CKK_DES2, 16);
        yield return KeyGen(CKM.CKM_DES3_KEY_GEN, CKK.CKK_DES3, 24);
        yield return BlockCipherRows.Ecb(Des, CKM.CKM_DES_ECB);
        yield return BlockCipherRows.Cbc(Des, CKM.CKM_DES_CBC);
        yield return BlockCipherRows.CbcPad(Des, CKM.CKM_DES_CBC_PAD);
        yield return BlockCipherRows.Mac(Des, CKM.CKM_DES_MAC);
        yield return BlockCipherRows.MacGeneral(Des, CKM.CKM_DES_MAC_GENERAL);
        yield return BlockCipherRows.Ecb(Des3, CKM.CKM_DES3_ECB);
        yield return BlockCipherRows.Cbc(Des3, CKM.CKM_DES3_CBC);
        yield return BlockCipherRows.CbcPad(Des3, CKM.CKM_DES3_CBC_PAD);
        yield return BlockCipherRows.Mac(Des3, CKM.CKM_DES3_MAC);
        yield return BlockCipherRows.MacGeneral(Des3, CKM.CKM_DES3_MAC_GENERAL);
        yield return Cmac(CKM.CKM_DES3_CMAC, general: false);
        yield return Cmac(CKM.CKM_DES3_CMAC_GENERAL, general: true);
        yield return BlockCipherRows.EcbEncryptData(Des3, CKM.CKM_DES3_ECB_ENCRYPT_DATA);
        yield return BlockCipherRows.CbcEncryptData(Des3, CKM.CKM_DES3_CBC_ENCRYPT_DATA);
    }

    private static MechanismRow KeyGen(CKM type, CKK keyType, int length) => new()
    {
        Type = type,
        MinKeySize = (ulong)length,
        MaxKeySize = (ulong)length,
        GenerateKey = SecretKeyGeneration.Fixed(keyType, length, des: true),
    };

    /// <summary>Triple-DES CMAC (SP 800-38B with the 64-bit block): 8 bytes, or 1 to 8 with CK_MAC_GENERAL_PARAMS.</summary>
    private static MechanismRow Cmac(CKM type, bool general)
    {
        BlockCipherMac Create(MechanismContext c)
        {
            int length = 8;
            if (general) length = SecretKeys.MacLength(SecretKeys.Ulong(c.Parameter), 8);
            else SecretKeys.None(c.Parameter);
            return new Crypto.Cmac(Des3.Key(c.Key, c.Parameter), length);
        }
        return new MechanismRow
        {
            Type = type,
            MinKeySize = Des3.MinKeySize,
            MaxKeySize = Des3.MaxKeySize,
            Sign = Create,
            Verify = Create,
        };
    }
}
