using System.Runtime.InteropServices;
using Softoken.Mechanisms.Parameters;
using Softoken.Native.Abi;
using Softoken.Pkcs11;

namespace Softoken.Native.Interop.Parameters;

[StructLayout(LayoutKind.Sequential, Pack = AbiLayout.Pack)]
internal unsafe struct CK_RSA_PKCS_OAEP_PARAMS
{
    public CK_ULONG hashAlg;
    public CK_ULONG mgf;
    public CK_ULONG source;
    public void* pSourceData;
    public CK_ULONG ulSourceDataLen;
}

[StructLayout(LayoutKind.Sequential, Pack = AbiLayout.Pack)]
internal struct CK_RSA_PKCS_PSS_PARAMS
{
    public CK_ULONG hashAlg;
    public CK_ULONG mgf;
    public CK_ULONG sLen;
}

/// <summary>CK_RSA_PKCS_OAEP_PARAMS and CK_RSA_PKCS_PSS_PARAMS (PKCS #11 v3.0 sections 2.1.7-2.1.8).</summary>
internal static unsafe class RsaParameterDecoders
{
    private static readonly CKM[] PssMechanisms =
    [
        CKM.CKM_RSA_PKCS_PSS, CKM.CKM_SHA1_RSA_PKCS_PSS, CKM.CKM_SHA224_RSA_PKCS_PSS, CKM.CKM_SHA256_RSA_PKCS_PSS,
        CKM.CKM_SHA384_RSA_PKCS_PSS, CKM.CKM_SHA512_RSA_PKCS_PSS, CKM.CKM_SHA3_224_RSA_PKCS_PSS,
        CKM.CKM_SHA3_256_RSA_PKCS_PSS, CKM.CKM_SHA3_384_RSA_PKCS_PSS, CKM.CKM_SHA3_512_RSA_PKCS_PSS,
    ];

    public static void Register(Dictionary<CKM, ParameterDecoder.Decoder> decoders)
    {
        decoders[CKM.CKM_RSA_PKCS_OAEP] = Oaep;
        foreach (var m in PssMechanisms) decoders[m] = Pss;
    }

    private static MechanismParameter Oaep(byte* parameter, CK_ULONG length)
    {
        var p = ParameterDecoder.Struct<CK_RSA_PKCS_OAEP_PARAMS>(parameter, length);
        return new RsaOaepParameter((CKM)(ulong)p->hashAlg, (CKG)(ulong)p->mgf, (ulong)p->source,
            ParameterDecoder.Bytes((byte*)p->pSourceData, p->ulSourceDataLen));
    }

    private static MechanismParameter Pss(byte* parameter, CK_ULONG length)
    {
        var p = ParameterDecoder.Struct<CK_RSA_PKCS_PSS_PARAMS>(parameter, length);
        return new RsaPssParameter((CKM)(ulong)p->hashAlg, (CKG)(ulong)p->mgf, (ulong)p->sLen);
    }
}
