namespace Softoken.Mechanisms.Parameters;

// Decoded parameters of the symmetric cipher mechanisms. Plain IVs (CKM_*_CBC, CKM_AES_CTS, CKM_AES_OFB/CFB*, the
// optional key-wrap IV) and CK_KEY_DERIVATION_STRING_DATA (CKM_*_ECB_ENCRYPT_DATA) arrive as BytesParameter;
// CK_MAC_GENERAL_PARAMS and CK_RC2_PARAMS as UlongParameter.

/// <summary>CK_AES_CTR_PARAMS: how many low-order bits of the counter block count, and the initial block.</summary>
internal sealed record AesCtrParameter(ulong CounterBits, byte[] CounterBlock) : MechanismParameter;

/// <summary>CK_GCM_PARAMS (PKCS #11 v3.0, with ulIvBits) or the v2.40 layout NSS calls CK_NSS_GCM_PARAMS (without it:
/// <see cref="IvBits"/> is null).</summary>
internal sealed record GcmParameter(byte[] Iv, ulong? IvBits, byte[] Aad, ulong TagBits) : MechanismParameter;

/// <summary>CK_CCM_PARAMS: the payload length is fixed in advance (ulDataLen).</summary>
internal sealed record CcmParameter(ulong DataLength, byte[] Nonce, byte[] Aad, ulong MacLength) : MechanismParameter;

/// <summary>CK_AES_CBC_ENCRYPT_DATA_PARAMS, CK_DES_CBC_ENCRYPT_DATA_PARAMS and the Camellia / SEED structures of the same
/// shape: the IV and the data to encrypt.</summary>
internal sealed record CbcEncryptDataParameter(byte[] Iv, byte[] Data) : MechanismParameter;

/// <summary>CK_RC2_CBC_PARAMS: effective key bits and an 8-byte IV.</summary>
internal sealed record Rc2CbcParameter(ulong EffectiveBits, byte[] Iv) : MechanismParameter;

/// <summary>CK_RC2_MAC_GENERAL_PARAMS: effective key bits and the MAC length in bytes.</summary>
internal sealed record Rc2MacGeneralParameter(ulong EffectiveBits, ulong MacLength) : MechanismParameter;

/// <summary>CK_CHACHA20_PARAMS: the initial block counter (its bytes, little-endian as in softokn) and the nonce.</summary>
internal sealed record ChaCha20Parameter(byte[] BlockCounter, ulong BlockCounterBits, byte[] Nonce, ulong NonceBits)
    : MechanismParameter;

/// <summary>CK_SALSA20_CHACHA20_POLY1305_PARAMS (tag fixed at 16 bytes) or NSS's CK_NSS_AEAD_PARAMS (with ulTagLen),
/// for CKM_CHACHA20_POLY1305 and CKM_NSS_CHACHA20_POLY1305.</summary>
internal sealed record ChaCha20Poly1305Parameter(byte[] Nonce, byte[] Aad, ulong TagLength = 16) : MechanismParameter;
