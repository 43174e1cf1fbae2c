using System.Runtime.InteropServices;
using Softoken.Mechanisms.Parameters;
using Softoken.Native.Abi;
using Softoken.Pkcs11;

namespace Softoken.Native.Interop.Parameters;

/// <summary>CK_MAC_GENERAL_PARAMS (a CK_ULONG) of the CKM_*_HMAC_GENERAL mechanisms, and NSS's
/// CK_NSS_MAC_CONSTANT_TIME_PARAMS of CKM_NSS_HMAC_CONSTANT_TIME / CKM_NSS_SSL3_MAC_CONSTANT_TIME.</summary>
internal static unsafe class HmacParameterDecoders
{
    [StructLayout(LayoutKind.Sequential, Pack = AbiLayout.Pack)]
    private struct CK_NSS_MAC_CONSTANT_TIME_PARAMS
    {
        public CK_ULONG macAlg;
        public CK_ULONG ulBodyTotalLen;
        public byte* pHeader;
        public CK_ULONG ulHeaderLen;
    }

    public static void Register(Dictionary<CKM, ParameterDecoder.Decoder> decoders)
    {
        CKM[] general =
        [
            CKM.CKM_MD2_HMAC_GENERAL, CKM.CKM_MD5_HMAC_GENERAL, CKM.CKM_SHA_1_HMAC_GENERAL, CKM.CKM_SHA224_HMAC_GENERAL,
            CKM.CKM_SHA256_HMAC_GENERAL, CKM.CKM_SHA384_HMAC_GENERAL, CKM.CKM_SHA512_HMAC_GENERAL,
            CKM.CKM_SHA512_224_HMAC_GENERAL, CKM.CKM_SHA512_256_HMAC_GENERAL, CKM.CKM_SHA3_224_HMAC_GENERAL,
            CKM.CKM_SHA3_256_HMAC_GENERAL, CKM.CKM_SHA3_384_HMAC_GENERAL, CKM.CKM_SHA3_512_HMAC_GENERAL,
        ];
        foreach (var type in general) decoders[type] = ParameterDecoder.Ulong;
        decoders[CKM.CKM_NSS_HMAC_CONSTANT_TIME] = MacConstantTime;
        decoders[CKM.CKM_NSS_SSL3_MAC_CONSTANT_TIME] = MacConstantTime;
    }

    private static MechanismParameter MacConstantTime(byte* parameter, CK_ULONG length)
    {
        var p = ParameterDecoder.Struct<CK_NSS_MAC_CONSTANT_TIME_PARAMS>(parameter, length);
        return new MacConstantTimeParameter((CKM)(ulong)p->macAlg, p->ulBodyTotalLen, ParameterDecoder.Bytes(p->pHeader, p->ulHeaderLen));
    }
}
