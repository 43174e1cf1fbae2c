using System.Runtime.InteropServices;
using Softoken.Mechanisms.Parameters;
using Softoken.Native.Abi;
using Softoken.Pkcs11;

namespace Softoken.Native.Interop.Parameters;

/// <summary>The IKE derivation parameters (PKCS #11 v3.0 section 2.44), and NSS's vendor mechanisms whose
/// CK_NSS_IKE*_PARAMS structures (lib/util/pkcs11n.h) have the same layouts.</summary>
internal static unsafe class IkeParameterDecoders
{
    [StructLayout(LayoutKind.Sequential, Pack = AbiLayout.Pack)]
    private struct CK_IKE2_PRF_PLUS_DERIVE_PARAMS
    {
        public CK_ULONG prfMechanism;
        public byte bHasSeedKey;
        public CK_ULONG hSeedKey;
        public byte* pSeedData;
        public CK_ULONG ulSeedDataLen;
    }

    [StructLayout(LayoutKind.Sequential, Pack = AbiLayout.Pack)]
    private struct CK_IKE_PRF_DERIVE_PARAMS
    {
        public CK_ULONG prfMechanism;
        public byte bDataAsKey;
        public byte bRekey;
        public byte* pNi;
        public CK_ULONG ulNiLen;
        public byte* pNr;
        public CK_ULONG ulNrLen;
        public CK_ULONG hNewKey;
    }

    [StructLayout(LayoutKind.Sequential, Pack = AbiLayout.Pack)]
    private struct CK_IKE1_PRF_DERIVE_PARAMS
    {
        public CK_ULONG prfMechanism;
        public byte bHasPrevKey;
        public CK_ULONG hKeygxy;
        public CK_ULONG hPrevKey;
        public byte* pCKYi;
        public CK_ULONG ulCKYiLen;
        public byte* pCKYr;
        public CK_ULONG ulCKYrLen;
        public byte keyNumber;
    }

    [StructLayout(LayoutKind.Sequential, Pack = AbiLayout.Pack)]
    private struct CK_IKE1_EXTENDED_DERIVE_PARAMS
    {
        public CK_ULONG prfMechanism;
        public byte bHasKeygxy;
        public CK_ULONG hKeygxy;
        public byte* pExtraData;
        public CK_ULONG ulExtraDataLen;
    }

    public static void Register(Dictionary<CKM, ParameterDecoder.Decoder> decoders)
    {
        decoders[CKM.CKM_IKE_PRF_DERIVE] = Prf;
        decoders[CKM.CKM_IKE2_PRF_PLUS_DERIVE] = PrfPlus;
        decoders[CKM.CKM_IKE1_PRF_DERIVE] = Ike1Prf;
        decoders[CKM.CKM_IKE1_EXTENDED_DERIVE] = Ike1Extended;
        decoders[CKM.CKM_NSS_IKE_PRF_DERIVE] = Prf;
        decoders[CKM.CKM_NSS_IKE_PRF_PLUS_DERIVE] = PrfPlus;
        decoders[CKM.CKM_NSS_IKE1_PRF_DERIVE] = Ike1Prf;
        decoders[CKM.CKM_NSS_IKE1_APP_B_PRF_DERIVE] = NssAppendixB;
    }

    /// <summary>CK_NSS_IKE1_APP_B_PRF_DERIVE_PARAMS, or (as softokn accepts) a bare CK_MECHANISM_TYPE naming the PRF:
    /// then neither g^xy nor extra data.</summary>
    private static MechanismParameter NssAppendixB(byte* parameter, CK_ULONG length)
    {
        if ((ulong)length != (ulong)sizeof(CK_ULONG)) return Ike1Extended(parameter, length);
        return new Ike1ExtendedParameter((CKM)(ulong)*ParameterDecoder.Struct<CK_ULONG>(parameter, length), false, 0, []);
    }

    private static MechanismParameter Prf(byte* parameter, CK_ULONG length)
    {
        var p = ParameterDecoder.Struct<CK_IKE_PRF_DERIVE_PARAMS>(parameter, length);
        return new IkePrfParameter((CKM)(ulong)p->prfMechanism, p->bDataAsKey != 0, p->bRekey != 0,
            ParameterDecoder.Bytes(p->pNi, p->ulNiLen), ParameterDecoder.Bytes(p->pNr, p->ulNrLen), p->hNewKey);
    }

    private static MechanismParameter PrfPlus(byte* parameter, CK_ULONG length)
    {
        var p = ParameterDecoder.Struct<CK_IKE2_PRF_PLUS_DERIVE_PARAMS>(parameter, length);
        return new Ike2PrfPlusParameter((CKM)(ulong)p->prfMechanism, p->bHasSeedKey != 0, p->hSeedKey,
            ParameterDecoder.Bytes(p->pSeedData, p->ulSeedDataLen));
    }

    private static MechanismParameter Ike1Prf(byte* parameter, CK_ULONG length)
    {
        var p = ParameterDecoder.Struct<CK_IKE1_PRF_DERIVE_PARAMS>(parameter, length);
        return new Ike1PrfParameter((CKM)(ulong)p->prfMechanism, p->bHasPrevKey != 0, p->hKeygxy, p->hPrevKey,
            ParameterDecoder.Bytes(p->pCKYi, p->ulCKYiLen), ParameterDecoder.Bytes(p->pCKYr, p->ulCKYrLen), p->keyNumber);
    }

    private static MechanismParameter Ike1Extended(byte* parameter, CK_ULONG length)
    {
        var p = ParameterDecoder.Struct<CK_IKE1_EXTENDED_DERIVE_PARAMS>(parameter, length);
        return new Ike1ExtendedParameter((CKM)(ulong)p->prfMechanism, p->bHasKeygxy != 0, p->hKeygxy,
            ParameterDecoder.Bytes(p->pExtraData, p->ulExtraDataLen));
    }
}
