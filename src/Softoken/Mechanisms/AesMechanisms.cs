using Softoken.Crypto;
using Softoken.Mechanisms.Parameters;
using Softoken.Operations;
using Softoken.Pkcs11;

namespace Softoken.Mechanisms;

/// <summary>AES (FIPS 197): key generation, the block modes of SP 800-38A (ECB, CBC, CBC_PAD, CTS, CTR, OFB,
/// CFB8, CFB128), GCM and CCM, the MACs (CBC-MAC, CMAC, XCBC) and derivation by encryption. Key sizes in bytes.
/// Key wrapping is in <see cref="AesKeyWrapMechanisms"/>.</summary>
internal static class AesMechanisms
{
    public static readonly BlockCipherFamily Family = new()
    {
        Algorithm = BlockAlgorithm.Aes,
        KeyType = CKK.CKK_AES,
        KeyLengths = [16, 24, 32],
        MinKeySize = 16,
        MaxKeySize = 32,
    };

    public static IEnumerable<MechanismRow> Rows()
    {
        yield return new MechanismRow
        {
            Type = CKM.CKM_AES_KEY_GEN,
            MinKeySize = 16,
            MaxKeySize = 32,
            GenerateKey = SecretKeyGeneration.Variable(CKK.CKK_AES, n => n is 16 or 24 or 32),
        };
        yield return BlockCipherRows.Ecb(Family, CKM.CKM_AES_ECB);
        yield return BlockCipherRows.Cbc(Family, CKM.CKM_AES_CBC);
        yield return BlockCipherRows.CbcPad(Family, CKM.CKM_AES_CBC_PAD);
        yield return BlockCipherRows.Mac(Family, CKM.CKM_AES_MAC);
        yield return BlockCipherRows.MacGeneral(Family, CKM.CKM_AES_MAC_GENERAL);
        yield return Cipher(CKM.CKM_AES_CTS, (c, encrypt) =>
            new CtsCipher(BlockCiphers.Create(Key(c), encrypt), SecretKeys.Bytes(c.Parameter, 16)));
        yield return Cipher(CKM.CKM_AES_CTR, (c, _) => c.Parameter is AesCtrParameter p && p.CounterBits is >= 1 and <= 128
            ? new CtrCipher(BlockCiphers.Create(Key(c), forEncryption: true), p.CounterBlock, (int)p.CounterBits)
            : throw ParamInvalid());
        yield return Cipher(CKM.CKM_AES_OFB, (c, encrypt) =>
            FeedbackModeCipher.Ofb(Key(c), SecretKeys.Bytes(c.Parameter, 16), encrypt));
        yield return Cipher(CKM.CKM_AES_CFB8, (c, encrypt) =>
            FeedbackModeCipher.Cfb(Key(c), SecretKeys.Bytes(c.Parameter, 16), 8, encrypt));
        yield return Cipher(CKM.CKM_AES_CFB128, (c, encrypt) =>
            FeedbackModeCipher.Cfb(Key(c), SecretKeys.Bytes(c.Parameter, 16), 128, encrypt));
        yield return Cipher(CKM.CKM_AES_GCM, Gcm);
        yield return Cipher(CKM.CKM_AES_CCM, Ccm);
        yield return Mac(CKM.CKM_AES_CMAC, c =>
        {
            SecretKeys.None(c.Parameter);
            return new Cmac(Key(c), 16);
        });
        yield return Mac(CKM.CKM_AES_CMAC_GENERAL, c =>
            new Cmac(Key(c), SecretKeys.MacLength(SecretKeys.Ulong(c.Parameter), 16)));
        yield return Mac(CKM.CKM_AES_XCBC_MAC, c => Xcbc(c, 16), keySize: 16);
        yield return Mac(CKM.CKM_AES_XCBC_MAC_96, c => Xcbc(c, 12), keySize: 16);
        yield return BlockCipherRows.EcbEncryptData(Family, CKM.CKM_AES_ECB_ENCRYPT_DATA);
        yield return BlockCipherRows.CbcEncryptData(Family, CKM.CKM_AES_CBC_ENCRYPT_DATA);
    }

    private static BlockKey Key(MechanismContext c) => new(BlockAlgorithm.Aes, SecretKeys.Aes(c.Key));

    /// <summary>CK_GCM_PARAMS: an IV of any length (ulIvBits, when present, must agree), tags of 4 to 16 bytes.</summary>
    private static ICipherOperation Gcm(MechanismContext c, bool encrypt)
    {
        if (c.Parameter is not GcmParameter p || p.Iv.Length == 0 || p.TagBits % 8 != 0 || p.TagBits is < 32 or > 128
            || p.IvBits is { } bits && bits != 0 && bits != 8 * (ulong)p.Iv.Length)
            throw ParamInvalid();
        return new AeadCipher(AeadKind.Gcm, encrypt, SecretKeys.Aes(c.Key), p.Iv, p.Aad, (int)(p.TagBits / 8));
    }

    /// <summary>CK_CCM_PARAMS: nonce of 7 to 13 bytes, MAC of 4 to 16 bytes (even), payload length given up front.</summary>
    private static ICipherOperation Ccm(MechanismContext c, bool encrypt)
    {
        if (c.Parameter is not CcmParameter p || p.Nonce.Length is < 7 or > 13 || p.MacLength is < 4 or > 16
            || p.MacLength % 2 != 0 || p.DataLength > int.MaxValue)
            throw ParamInvalid();
        return new AeadCipher(AeadKind.Ccm, encrypt, SecretKeys.Aes(c.Key), p.Nonce, p.Aad, (int)p.MacLength, (long)p.DataLength);
    }

    private static BlockCipherMac Xcbc(MechanismContext c, int length)
    {
        SecretKeys.None(c.Parameter);
        return new XcbcMac(SecretKeys.Value(c.Key, CKK.CKK_AES), length);
    }

    private static MechanismRow Cipher(CKM type, Func<MechanismContext, bool, ICipherOperation> create) => new()
    {
        Type = type,
        MinKeySize = 16,
        MaxKeySize = 32,
        Encrypt = c => create(c, true),
        Decrypt = c => create(c, false),
    };

    private static MechanismRow Mac(CKM type, Func<MechanismContext, BlockCipherMac> create, ulong keySize = 0) => new()
    {
        Type = type,
        MinKeySize = keySize == 0 ? 16 : keySize,
        MaxKeySize = keySize == 0 ? 32 : keySize,
        Sign = create,
        Verify = create,
    };

    private static Pkcs11Exception ParamInvalid() => new(CKR.CKR_MECHANISM_PARAM_INVALID);
}
