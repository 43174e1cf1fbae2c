using Softoken.Crypto;
using Softoken.Mechanisms.Parameters;
using Softoken.Objects;
using Softoken.Pkcs11;

namespace Softoken.Mechanisms;

/// <summary>What the shared block-cipher rows (<see cref="BlockCipherRows"/>) need to know about one cipher: its key
/// types and sizes, and how a mechanism parameter yields the key and IV. RC2 overrides the parameter readers,
/// because its parameters also carry the effective key bits.</summary>
internal class BlockCipherFamily
{
    public required BlockAlgorithm Algorithm { get; init; }

    public required CKK KeyType { get; init; }

    /// <summary>A second accepted key type (the DES3 mechanisms also take two-key DES2 keys).</summary>
    public CKK? AlternativeKeyType { get; init; }

    /// <summary>Key lengths in bytes the cipher accepts.</summary>
    public required int[] KeyLengths { get; init; }

    /// <summary>CK_MECHANISM_INFO key sizes (bytes for AES and Camellia; bits for RC2; the spec leaves them unused
    /// for DES, DES3 and SEED, which report their key length in bytes as softokn does).</summary>
    public required ulong MinKeySize { get; init; }

    public required ulong MaxKeySize { get; init; }

    public int BlockSize => new BlockKey(Algorithm, []).BlockSize;

    /// <summary>The key of an operation: type checked (CKR_KEY_TYPE_INCONSISTENT), length checked
    /// (CKR_KEY_SIZE_RANGE).</summary>
    public virtual BlockKey Key(AttributeSet key, MechanismParameter parameter) => new(Algorithm, KeyValue(key));

    protected byte[] KeyValue(AttributeSet key)
    {
        var value = SecretKeys.Value(key, KeyType, AlternativeKeyType);
        if (Array.IndexOf(KeyLengths, value.Length) < 0) throw new Pkcs11Exception(CKR.CKR_KEY_SIZE_RANGE);
        return value;
    }

    /// <summary>The IV of the CBC modes: a block-sized byte string.</summary>
    public virtual byte[] Iv(MechanismParameter parameter) => SecretKeys.Bytes(parameter, BlockSize);

    /// <summary>Checks the parameter of ECB and MAC, which have none.</summary>
    public virtual void CheckNoIv(MechanismParameter parameter) => SecretKeys.None(parameter);

    /// <summary>The MAC length of CKM_*_MAC_GENERAL: CK_MAC_GENERAL_PARAMS, 1 to block-size bytes.</summary>
    public virtual int MacGeneralLength(MechanismParameter parameter) =>
        SecretKeys.MacLength(SecretKeys.Ulong(parameter), BlockSize);
}

/// <summary>RC2 (RFC 2268): CK_RC2_PARAMS (effective bits) for ECB and MAC, CK_RC2_CBC_PARAMS for CBC and CBC_PAD,
/// CK_RC2_MAC_GENERAL_PARAMS for MAC_GENERAL. Effective bits 1 to 1024.</summary>
internal sealed class Rc2Family : BlockCipherFamily
{
    public override BlockKey Key(AttributeSet key, MechanismParameter parameter)
    {
        ulong bits = parameter switch
        {
            UlongParameter u => u.Value,
            Rc2CbcParameter c => c.EffectiveBits,
            Rc2MacGeneralParameter m => m.EffectiveBits,
            _ => throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID),
        };
        if (bits is < 1 or > 1024) throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID);
        return new BlockKey(Algorithm, KeyValue(key), (int)bits);
    }

    public override byte[] Iv(MechanismParameter parameter) =>
        parameter is Rc2CbcParameter { Iv.Length: 8 } c ? c.Iv : throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID);

    public override void CheckNoIv(MechanismParameter parameter)
    {
        if (parameter is not (UlongParameter or Rc2MacGeneralParameter)) throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID);
    }

    public override int MacGeneralLength(MechanismParameter parameter) => parameter is Rc2MacGeneralParameter m
        ? SecretKeys.MacLength(m.MacLength, BlockSize)
        : throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID);
}
