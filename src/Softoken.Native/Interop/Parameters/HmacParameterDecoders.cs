using Softoken.Pkcs11;

namespace Softoken.Native.Interop.Parameters;

/// <summary>CK_MAC_GENERAL_PARAMS (a CK_ULONG) of the CKM_*_HMAC_GENERAL mechanisms.</summary>
internal static unsafe class HmacParameterDecoders
{
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
    }
}
