using Softoken.Crypto;
using Softoken.Mechanisms.Parameters;
using Softoken.Operations;
using Softoken.Pkcs11;

namespace Softoken.Mechanisms;

/// <summary>The mechanisms every block cipher has in the same shape (PKCS #11 "general block cipher" mechanisms):
/// ECB, CBC, CBC_PAD (encrypt, decrypt, wrap, unwrap), MAC and MAC_GENERAL (sign, verify), and key derivation
/// by encrypting data (ECB_ENCRYPT_DATA, CBC_ENCRYPT_DATA).</summary>
internal static class BlockCipherRows
{
    public static MechanismRow Ecb(BlockCipherFamily family, CKM type) => Cipher(family, type, c =>
    {
        family.CheckNoIv(c.Parameter);
        return (family.Key(c.Key, c.Parameter), null);
    }, pad: false);

    public static MechanismRow Cbc(BlockCipherFamily family, CKM type) =>
        Cipher(family, type, c => (family.Key(c.Key, c.Parameter), family.Iv(c.Parameter)), pad: false);

    public static MechanismRow CbcPad(BlockCipherFamily family, CKM type) =>
        Cipher(family, type, c => (family.Key(c.Key, c.Parameter), family.Iv(c.Parameter)), pad: true);

    /// <summary>CKM_*_MAC: CBC-MAC truncated to half a block.</summary>
    public static MechanismRow Mac(BlockCipherFamily family, CKM type) => MacRow(family, type, c =>
    {
        family.CheckNoIv(c.Parameter);
        return family.BlockSize / 2;
    });

    public static MechanismRow MacGeneral(BlockCipherFamily family, CKM type) =>
        MacRow(family, type, c => family.MacGeneralLength(c.Parameter));

    /// <summary>CKM_*_ECB_ENCRYPT_DATA: the new key's value is the ECB encryption of CK_KEY_DERIVATION_STRING_DATA,
    /// whose length must be a multiple of the block size.</summary>
    public static MechanismRow EcbEncryptData(BlockCipherFamily family, CKM type, SlotSet listedOn = SlotSet.Crypto) =>
        DeriveRow(family, type, listedOn, r => r.Parameter is BytesParameter b ? (b.Value, null) : throw ParamInvalid());

    /// <summary>CKM_*_CBC_ENCRYPT_DATA: as above in CBC mode with the IV of the CK_*_CBC_ENCRYPT_DATA_PARAMS.</summary>
    public static MechanismRow CbcEncryptData(BlockCipherFamily family, CKM type, SlotSet listedOn = SlotSet.Crypto) =>
        DeriveRow(family, type, listedOn, r => r.Parameter is CbcEncryptDataParameter p && p.Iv.Length == family.BlockSize
            ? (p.Data, p.Iv)
            : throw ParamInvalid());

    private static MechanismRow Cipher(
        BlockCipherFamily family, CKM type, Func<MechanismContext, (BlockKey Key, byte[]? Iv)> read, bool pad)
    {
        ICipherOperation Create(MechanismContext c, bool encrypt)
        {
            var (key, iv) = read(c);
            return new BlockModeCipher(BlockCiphers.Create(key, encrypt), iv, cbc: iv is not null, pad);
        }
        return new MechanismRow
        {
            Type = type,
            MinKeySize = family.MinKeySize,
            MaxKeySize = family.MaxKeySize,
            Encrypt = c => Create(c, true),
            Decrypt = c => Create(c, false),
            Wrap = pad ? c => Create(c, true) : c => new ZeroPaddedWrap(Create(c, true), family.BlockSize),
            Unwrap = c => Create(c, false),
        };
    }

    private static MechanismRow MacRow(BlockCipherFamily family, CKM type, Func<MechanismContext, int> macLength)
    {
        BlockCipherMac Create(MechanismContext c)
        {
            int length = macLength(c);
            return new CbcMac(BlockCiphers.Create(family.Key(c.Key, c.Parameter), forEncryption: true), length);
        }
        return new MechanismRow
        {
            Type = type,
            MinKeySize = family.MinKeySize,
            MaxKeySize = family.MaxKeySize,
            Sign = Create,
            Verify = Create,
        };
    }

    private static MechanismRow DeriveRow(
        BlockCipherFamily family, CKM type, SlotSet listedOn, Func<DeriveRequest, (byte[] Data, byte[]? Iv)> read) => new()
    {
        Type = type,
        ListedOn = listedOn,
        MinKeySize = family.MinKeySize,
        MaxKeySize = family.MaxKeySize,
        Derive = r =>
        {
            var (data, iv) = read(r);
            if (data.Length == 0 || data.Length % family.BlockSize != 0) throw ParamInvalid();
            var key = family.Key(r.BaseKey, MechanismParameter.None);
            var output = new byte[data.Length];
            try
            {
                using var cipher = BlockCiphers.Create(key, forEncryption: true);
                if (iv is null) cipher.Ecb(data, output);
                else cipher.Cbc(data, output, (byte[])iv.Clone());
                return new DeriveResult(SecretKeys.DerivedKey(r.Template, output));
            }
            finally
            {
                System.Security.Cryptography.CryptographicOperations.ZeroMemory(output);
            }
        },
    };

    private static Pkcs11Exception ParamInvalid() => new(CKR.CKR_MECHANISM_PARAM_INVALID);
}
