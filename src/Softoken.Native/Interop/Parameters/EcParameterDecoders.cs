using System.Runtime.InteropServices;
using Softoken.Mechanisms.Parameters;
using Softoken.Native.Abi;
using Softoken.Pkcs11;

namespace Softoken.Native.Interop.Parameters;

[StructLayout(LayoutKind.Sequential, Pack = AbiLayout.Pack)]
internal unsafe struct CK_ECDH1_DERIVE_PARAMS
{
    public CK_ULONG kdf;
    public CK_ULONG ulSharedDataLen;
    public byte* pSharedData;
    public CK_ULONG ulPublicDataLen;
    public byte* pPublicData;
}

[StructLayout(LayoutKind.Sequential, Pack = AbiLayout.Pack)]
internal unsafe struct CK_EDDSA_PARAMS
{
    public byte phFlag;
    public CK_ULONG ulContextDataLen;
    public byte* pContextData;
}

/// <summary>CK_ECDH1_DERIVE_PARAMS (PKCS #11 v3.0 section 2.3.9) and CK_EDDSA_PARAMS (section 2.3.10, optional:
/// no parameter means pure EdDSA).</summary>
internal static unsafe class EcParameterDecoders
{
    public static void Register(Dictionary<CKM, ParameterDecoder.Decoder> decoders)
    {
        decoders[CKM.CKM_ECDH1_DERIVE] = Ecdh1;
        decoders[CKM.CKM_ECDH1_COFACTOR_DERIVE] = Ecdh1;
        decoders[CKM.CKM_EDDSA] = Eddsa;
    }

    private static MechanismParameter Ecdh1(byte* parameter, CK_ULONG length)
    {
        var p = ParameterDecoder.Struct<CK_ECDH1_DERIVE_PARAMS>(parameter, length);
        var publicData = ParameterDecoder.Bytes(p->pPublicData, p->ulPublicDataLen);
        if (publicData.Length == 0) throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID);
        // softokn treats a NULL pSharedData as no shared data whatever its length says.
        var shared = p->pSharedData == null ? [] : ParameterDecoder.Bytes(p->pSharedData, p->ulSharedDataLen);
        return new Ecdh1DeriveParameter((CKD)(ulong)p->kdf, shared, publicData);
    }

    private static MechanismParameter Eddsa(byte* parameter, CK_ULONG length)
    {
        if (length == 0) return MechanismParameter.None;
        var p = ParameterDecoder.Struct<CK_EDDSA_PARAMS>(parameter, length);
        return new EddsaParameter(p->phFlag != 0, ParameterDecoder.Bytes(p->pContextData, p->ulContextDataLen));
    }
}
