using System.Buffers.Binary;
using Softoken.Crypto;
using Softoken.Mechanisms.Parameters;
using Softoken.Operations;
using Softoken.Pkcs11;

namespace Softoken.Mechanisms;

/// <summary>ChaCha20 and ChaCha20-Poly1305 (RFC 8439), in the PKCS #11 v3.0 form and in NSS's older vendor form
/// (CKK_NSS_CHACHA20 keys, CK_NSS_AEAD_PARAMS, and CKM_NSS_CHACHA20_CTR whose 16-byte parameter is a little-endian
/// 32-bit block counter followed by the 96-bit nonce). Keys are 32 bytes.</summary>
internal static class ChaChaMechanisms
{
    public static IEnumerable<MechanismRow> Rows()
    {
        yield return KeyGen(CKM.CKM_CHACHA20_KEY_GEN, CKK.CKK_CHACHA20);
        yield return Cipher(CKM.CKM_CHACHA20, (c, _) => ChaCha20(c));
        yield return Cipher(CKM.CKM_CHACHA20_POLY1305, (c, encrypt) => Poly1305(c, CKK.CKK_CHACHA20, encrypt));
        yield return KeyGen(CKM.CKM_NSS_CHACHA20_KEY_GEN, CKK.CKK_NSS_CHACHA20);
        yield return Cipher(CKM.CKM_NSS_CHACHA20_POLY1305, (c, encrypt) => Poly1305(c, CKK.CKK_NSS_CHACHA20, encrypt));
        yield return Cipher(CKM.CKM_NSS_CHACHA20_CTR, (c, _) => NssCtr(c));
    }

    /// <summary>CK_CHACHA20_PARAMS: a 32-bit counter with a 96-bit nonce, or a 64-bit counter with a 64-bit nonce.</summary>
    private static ICipherOperation ChaCha20(MechanismContext c)
    {
        if (c.Parameter is not ChaCha20Parameter p
            || !(p.BlockCounterBits == 32 && p.NonceBits == 96 || p.BlockCounterBits == 64 && p.NonceBits == 64)
            || p.BlockCounter.Length != (int)(p.BlockCounterBits / 8) || p.Nonce.Length != (int)(p.NonceBits / 8))
            throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID);
        ulong counter = p.BlockCounter.Length == 4
            ? BinaryPrimitives.ReadUInt32LittleEndian(p.BlockCounter)
            : BinaryPrimitives.ReadUInt64LittleEndian(p.BlockCounter);
        return ChaCha20Operation.Create(SecretKeys.Value(c.Key, CKK.CKK_CHACHA20), p.Nonce, counter);
    }

    private static ICipherOperation NssCtr(MechanismContext c)
    {
        var parameter = SecretKeys.Bytes(c.Parameter, 16);
        uint counter = BinaryPrimitives.ReadUInt32LittleEndian(parameter);
        return ChaCha20Operation.Create(SecretKeys.Value(c.Key, CKK.CKK_NSS_CHACHA20), parameter[4..], counter);
    }

    /// <summary>The AEAD: a 96-bit nonce and a 16-byte tag.</summary>
    private static ICipherOperation Poly1305(MechanismContext c, CKK keyType, bool encrypt)
    {
        if (c.Parameter is not ChaCha20Poly1305Parameter { Nonce.Length: 12, TagLength: 16 } p)
            throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID);
        var key = SecretKeys.Value(c.Key, keyType);
        if (key.Length != 32) throw new Pkcs11Exception(CKR.CKR_KEY_SIZE_RANGE);
        return new AeadCipher(AeadKind.ChaCha20Poly1305, encrypt, key, p.Nonce, p.Aad, 16);
    }

    private static MechanismRow KeyGen(CKM type, CKK keyType) => new()
    {
        Type = type,
        MinKeySize = 32,
        MaxKeySize = 32,
        GenerateKey = SecretKeyGeneration.Fixed(keyType, 32),
    };

    private static MechanismRow Cipher(CKM type, Func<MechanismContext, bool, ICipherOperation> create) => new()
    {
        Type = type,
        MinKeySize = 32,
        MaxKeySize = 32,
        Encrypt = c => create(c, true),
        Decrypt = c => create(c, false),
    };
}
