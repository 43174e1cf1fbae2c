using System.Runtime.InteropServices;
using Softoken.Mechanisms.Parameters;
using Softoken.Native.Abi;
using Softoken.Pkcs11;

namespace Softoken.Native.Interop.Parameters;

/// <summary>CK_HKDF_PARAMS (CKM_HKDF_DERIVE, CKM_HKDF_DATA) and NSS's CK_NSS_HKDFParams (CKM_NSS_HKDF_SHA*), both
/// into <see cref="HkdfParameter"/>. CKF_HKDF_SALT_KEY leaves hSaltKey in the record for the session to
/// resolve.</summary>
internal static unsafe partial class HkdfParameterDecoders
{
    public static void Register(Dictionary<CKM, ParameterDecoder.Decoder> decoders)
    {
        decoders[CKM.CKM_HKDF_DERIVE] = Decode;
        decoders[CKM.CKM_HKDF_DATA] = Decode;
        decoders[CKM.CKM_NSS_HKDF_SHA1] = (p, l) => DecodeNss(p, l, CKM.CKM_SHA_1);
        decoders[CKM.CKM_NSS_HKDF_SHA256] = (p, l) => DecodeNss(p, l, CKM.CKM_SHA256);
        decoders[CKM.CKM_NSS_HKDF_SHA384] = (p, l) => DecodeNss(p, l, CKM.CKM_SHA384);
        decoders[CKM.CKM_NSS_HKDF_SHA512] = (p, l) => DecodeNss(p, l, CKM.CKM_SHA512);
    }

    private static MechanismParameter Decode(byte* parameter, CK_ULONG length)
    {
        var p = ParameterDecoder.Struct<CK_HKDF_PARAMS>(parameter, length);
        ulong saltType = p->ulSaltType;
        return new HkdfParameter(
            p->bExtract != 0,
            p->bExpand != 0,
            (CKM)(ulong)p->prfHashMechanism,
            saltType,
            saltType == HkdfSalt.CKF_HKDF_SALT_DATA ? ParameterDecoder.Bytes(p->pSalt, p->ulSaltLen) : [],
            saltType == HkdfSalt.CKF_HKDF_SALT_KEY ? p->hSaltKey : 0,
            ParameterDecoder.Bytes(p->pInfo, p->ulInfoLen));
    }

    /// <summary>An empty NSS salt means "HashLen zeros", the same as CKF_HKDF_SALT_NULL.</summary>
    private static MechanismParameter DecodeNss(byte* parameter, CK_ULONG length, CKM hash)
    {
        var p = ParameterDecoder.Struct<CK_NSS_HKDFParams>(parameter, length);
        var salt = ParameterDecoder.Bytes(p->pSalt, p->ulSaltLen);
        return new HkdfParameter(
            p->bExtract != 0,
            p->bExpand != 0,
            hash,
            salt.Length == 0 ? HkdfSalt.CKF_HKDF_SALT_NULL : HkdfSalt.CKF_HKDF_SALT_DATA,
            salt,
            0,
            ParameterDecoder.Bytes(p->pInfo, p->ulInfoLen));
    }
}

/// <summary>The ABI structures, private to their decoders.</summary>
internal static unsafe partial class HkdfParameterDecoders
{
    [StructLayout(LayoutKind.Sequential, Pack = AbiLayout.Pack)]
    private unsafe struct CK_HKDF_PARAMS
    {
        public byte bExtract;
        public byte bExpand;
        public CK_ULONG prfHashMechanism;
        public CK_ULONG ulSaltType;
        public byte* pSalt;
        public CK_ULONG ulSaltLen;
        public CK_ULONG hSaltKey;
        public byte* pInfo;
        public CK_ULONG ulInfoLen;
    }

    [StructLayout(LayoutKind.Sequential, Pack = AbiLayout.Pack)]
    private unsafe struct CK_NSS_HKDFParams
    {
        public byte bExtract;
        public byte* pSalt;
        public CK_ULONG ulSaltLen;
        public byte bExpand;
        public byte* pInfo;
        public CK_ULONG ulInfoLen;
    }
}
