using System.Runtime.InteropServices;
using Softoken.Mechanisms.Parameters;
using Softoken.Native.Abi;
using Softoken.Pkcs11;

namespace Softoken.Native.Interop.Parameters;

/// <summary>Decoders for the symmetric cipher mechanisms' parameter structures (pkcs11t.h, and NSS's pkcs11n.h for
/// CK_NSS_GCM_PARAMS and CK_NSS_AEAD_PARAMS). Plain IVs need no decoder: they arrive as <see cref="BytesParameter"/>.
/// The ABI structures are nested here so that they cannot clash with another family's.</summary>
internal static unsafe class CipherParameterDecoders
{
    public static void Register(Dictionary<CKM, ParameterDecoder.Decoder> decoders)
    {
        decoders[CKM.CKM_AES_CTR] = AesCtr;
        decoders[CKM.CKM_AES_GCM] = Gcm;
        decoders[CKM.CKM_AES_CCM] = Ccm;
        foreach (var mac in (ReadOnlySpan<CKM>)[CKM.CKM_AES_MAC_GENERAL, CKM.CKM_AES_CMAC_GENERAL, CKM.CKM_DES_MAC_GENERAL,
            CKM.CKM_DES3_MAC_GENERAL, CKM.CKM_DES3_CMAC_GENERAL, CKM.CKM_CAMELLIA_MAC_GENERAL, CKM.CKM_SEED_MAC_GENERAL,
            CKM.CKM_CDMF_MAC_GENERAL])
            decoders[mac] = ParameterDecoder.Ulong;
        decoders[CKM.CKM_RC2_ECB] = Rc2EffectiveBits;
        decoders[CKM.CKM_RC2_MAC] = Rc2EffectiveBits;
        decoders[CKM.CKM_RC2_CBC] = Rc2Cbc;
        decoders[CKM.CKM_RC2_CBC_PAD] = Rc2Cbc;
        decoders[CKM.CKM_RC2_MAC_GENERAL] = Rc2MacGeneral;
        foreach (var ecb in (ReadOnlySpan<CKM>)[CKM.CKM_AES_ECB_ENCRYPT_DATA, CKM.CKM_DES3_ECB_ENCRYPT_DATA,
            CKM.CKM_CAMELLIA_ECB_ENCRYPT_DATA, CKM.CKM_SEED_ECB_ENCRYPT_DATA])
            decoders[ecb] = StringData;
        foreach (var cbc in (ReadOnlySpan<CKM>)[CKM.CKM_AES_CBC_ENCRYPT_DATA, CKM.CKM_CAMELLIA_CBC_ENCRYPT_DATA,
            CKM.CKM_SEED_CBC_ENCRYPT_DATA])
            decoders[cbc] = CbcEncryptData16;
        decoders[CKM.CKM_DES3_CBC_ENCRYPT_DATA] = CbcEncryptData8;
        decoders[CKM.CKM_CHACHA20] = ChaCha20;
        decoders[CKM.CKM_CHACHA20_POLY1305] = ChaCha20Poly1305;
        decoders[CKM.CKM_NSS_CHACHA20_POLY1305] = NssAead;
    }

    private static MechanismParameter AesCtr(byte* parameter, CK_ULONG length)
    {
        var p = ParameterDecoder.Struct<CK_AES_CTR_PARAMS>(parameter, length);
        return new AesCtrParameter(p->ulCounterBits, new ReadOnlySpan<byte>(p->cb, 16).ToArray());
    }

    /// <summary>CK_GCM_PARAMS of PKCS #11 v3.0, or the v2.40 layout without ulIvBits that NSS still defines as
    /// CK_NSS_GCM_PARAMS (and older callers send): told apart by size, as softokn does.</summary>
    private static MechanismParameter Gcm(byte* parameter, CK_ULONG length)
    {
        if ((ulong)length == (ulong)sizeof(CK_NSS_GCM_PARAMS))
        {
            var old = ParameterDecoder.Struct<CK_NSS_GCM_PARAMS>(parameter, length);
            return new GcmParameter(
                ParameterDecoder.Bytes(old->pIv, old->ulIvLen), null, ParameterDecoder.Bytes(old->pAAD, old->ulAADLen), old->ulTagBits);
        }
        var p = ParameterDecoder.Struct<CK_GCM_PARAMS>(parameter, length);
        return new GcmParameter(
            ParameterDecoder.Bytes(p->pIv, p->ulIvLen), p->ulIvBits, ParameterDecoder.Bytes(p->pAAD, p->ulAADLen), p->ulTagBits);
    }

    private static MechanismParameter Ccm(byte* parameter, CK_ULONG length)
    {
        var p = ParameterDecoder.Struct<CK_CCM_PARAMS>(parameter, length);
        return new CcmParameter(
            p->ulDataLen, ParameterDecoder.Bytes(p->pNonce, p->ulNonceLen), ParameterDecoder.Bytes(p->pAAD, p->ulAADLen), p->ulMACLen);
    }

    /// <summary>CK_RC2_PARAMS (the effective bits). softokn reads a CK_RC2_CBC_PARAMS for CKM_RC2_ECB too, so that
    /// structure is accepted here as well, its IV ignored.</summary>
    private static MechanismParameter Rc2EffectiveBits(byte* parameter, CK_ULONG length) =>
        (ulong)length == (ulong)sizeof(CK_RC2_CBC_PARAMS)
            ? new UlongParameter(ParameterDecoder.Struct<CK_RC2_CBC_PARAMS>(parameter, length)->ulEffectiveBits)
            : ParameterDecoder.Ulong(parameter, length);

    private static MechanismParameter Rc2Cbc(byte* parameter, CK_ULONG length)
    {
        var p = ParameterDecoder.Struct<CK_RC2_CBC_PARAMS>(parameter, length);
        return new Rc2CbcParameter(p->ulEffectiveBits, new ReadOnlySpan<byte>(p->iv, 8).ToArray());
    }

    private static MechanismParameter Rc2MacGeneral(byte* parameter, CK_ULONG length)
    {
        var p = ParameterDecoder.Struct<CK_RC2_MAC_GENERAL_PARAMS>(parameter, length);
        return new Rc2MacGeneralParameter(p->ulEffectiveBits, p->ulMacLength);
    }

    /// <summary>CK_KEY_DERIVATION_STRING_DATA: the data, as a <see cref="BytesParameter"/>.</summary>
    private static MechanismParameter StringData(byte* parameter, CK_ULONG length)
    {
        var p = ParameterDecoder.Struct<CK_KEY_DERIVATION_STRING_DATA>(parameter, length);
        return new BytesParameter(ParameterDecoder.Bytes(p->pData, p->ulLen));
    }

    /// <summary>CK_AES_CBC_ENCRYPT_DATA_PARAMS and the Camellia / SEED structures of the same layout.</summary>
    private static MechanismParameter CbcEncryptData16(byte* parameter, CK_ULONG length)
    {
        var p = ParameterDecoder.Struct<CK_AES_CBC_ENCRYPT_DATA_PARAMS>(parameter, length);
        return new CbcEncryptDataParameter(new ReadOnlySpan<byte>(p->iv, 16).ToArray(), ParameterDecoder.Bytes(p->pData, p->length));
    }

    private static MechanismParameter CbcEncryptData8(byte* parameter, CK_ULONG length)
    {
        var p = ParameterDecoder.Struct<CK_DES_CBC_ENCRYPT_DATA_PARAMS>(parameter, length);
        return new CbcEncryptDataParameter(new ReadOnlySpan<byte>(p->iv, 8).ToArray(), ParameterDecoder.Bytes(p->pData, p->length));
    }

    /// <summary>CK_CHACHA20_PARAMS: the counter and nonce lengths are given in bits.</summary>
    private static MechanismParameter ChaCha20(byte* parameter, CK_ULONG length)
    {
        var p = ParameterDecoder.Struct<CK_CHACHA20_PARAMS>(parameter, length);
        if ((ulong)p->blockCounterBits % 8 != 0 || (ulong)p->ulNonceBits % 8 != 0)
            throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID);
        return new ChaCha20Parameter(
            ParameterDecoder.Bytes(p->pBlockCounter, p->blockCounterBits / 8), p->blockCounterBits,
            ParameterDecoder.Bytes(p->pNonce, p->ulNonceBits / 8), p->ulNonceBits);
    }

    private static MechanismParameter ChaCha20Poly1305(byte* parameter, CK_ULONG length)
    {
        var p = ParameterDecoder.Struct<CK_SALSA20_CHACHA20_POLY1305_PARAMS>(parameter, length);
        return new ChaCha20Poly1305Parameter(ParameterDecoder.Bytes(p->pNonce, p->ulNonceLen), ParameterDecoder.Bytes(p->pAAD, p->ulAADLen));
    }

    private static MechanismParameter NssAead(byte* parameter, CK_ULONG length)
    {
        var p = ParameterDecoder.Struct<CK_NSS_AEAD_PARAMS>(parameter, length);
        return new ChaCha20Poly1305Parameter(
            ParameterDecoder.Bytes(p->pNonce, p->ulNonceLen), ParameterDecoder.Bytes(p->pAAD, p->ulAADLen), p->ulTagLen);
    }

    [StructLayout(LayoutKind.Sequential, Pack = AbiLayout.Pack)]
    internal struct CK_AES_CTR_PARAMS
    {
        public CK_ULONG ulCounterBits;
        public fixed byte cb[16];
    }

    [StructLayout(LayoutKind.Sequential, Pack = AbiLayout.Pack)]
    internal struct CK_GCM_PARAMS
    {
        public byte* pIv;
        public CK_ULONG ulIvLen;
        public CK_ULONG ulIvBits;
        public byte* pAAD;
        public CK_ULONG ulAADLen;
        public CK_ULONG ulTagBits;
    }

    [StructLayout(LayoutKind.Sequential, Pack = AbiLayout.Pack)]
    internal struct CK_NSS_GCM_PARAMS
    {
        public byte* pIv;
        public CK_ULONG ulIvLen;
        public byte* pAAD;
        public CK_ULONG ulAADLen;
        public CK_ULONG ulTagBits;
    }

    [StructLayout(LayoutKind.Sequential, Pack = AbiLayout.Pack)]
    internal struct CK_CCM_PARAMS
    {
        public CK_ULONG ulDataLen;
        public byte* pNonce;
        public CK_ULONG ulNonceLen;
        public byte* pAAD;
        public CK_ULONG ulAADLen;
        public CK_ULONG ulMACLen;
    }

    [StructLayout(LayoutKind.Sequential, Pack = AbiLayout.Pack)]
    internal struct CK_RC2_CBC_PARAMS
    {
        public CK_ULONG ulEffectiveBits;
        public fixed byte iv[8];
    }

    [StructLayout(LayoutKind.Sequential, Pack = AbiLayout.Pack)]
    internal struct CK_RC2_MAC_GENERAL_PARAMS
    {
        public CK_ULONG ulEffectiveBits;
        public CK_ULONG ulMacLength;
    }

    [StructLayout(LayoutKind.Sequential, Pack = AbiLayout.Pack)]
    internal struct CK_KEY_DERIVATION_STRING_DATA
    {
        public byte* pData;
        public CK_ULONG ulLen;
    }

    [StructLayout(LayoutKind.Sequential, Pack = AbiLayout.Pack)]
    internal struct CK_AES_CBC_ENCRYPT_DATA_PARAMS
    {
        public fixed byte iv[16];
        public byte* pData;
        public CK_ULONG length;
    }

    [StructLayout(LayoutKind.Sequential, Pack = AbiLayout.Pack)]
    internal struct CK_DES_CBC_ENCRYPT_DATA_PARAMS
    {
        public fixed byte iv[8];
        public byte* pData;
        public CK_ULONG length;
    }

    [StructLayout(LayoutKind.Sequential, Pack = AbiLayout.Pack)]
    internal struct CK_CHACHA20_PARAMS
    {
        public byte* pBlockCounter;
        public CK_ULONG blockCounterBits;
        public byte* pNonce;
        public CK_ULONG ulNonceBits;
    }

    [StructLayout(LayoutKind.Sequential, Pack = AbiLayout.Pack)]
    internal struct CK_SALSA20_CHACHA20_POLY1305_PARAMS
    {
        public byte* pNonce;
        public CK_ULONG ulNonceLen;
        public byte* pAAD;
        public CK_ULONG ulAADLen;
    }

    [StructLayout(LayoutKind.Sequential, Pack = AbiLayout.Pack)]
    internal struct CK_NSS_AEAD_PARAMS
    {
        public byte* pNonce;
        public CK_ULONG ulNonceLen;
        public byte* pAAD;
        public CK_ULONG ulAADLen;
        public CK_ULONG ulTagLen;
    }
}
