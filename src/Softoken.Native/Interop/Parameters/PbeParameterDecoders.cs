using System.Runtime.InteropServices;
using Softoken.Mechanisms.Parameters;
using Softoken.Native.Abi;
using Softoken.Pkcs11;

namespace Softoken.Native.Interop.Parameters;

/// <summary>CK_PBE_PARAMS (the PKCS #12 PBE key generators) and CK_PKCS5_PBKD2_PARAMS / _PARAMS2 (CKM_PKCS5_PBKD2).
/// After C_GenerateKey succeeds, <see cref="WriteBack"/> copies the derived IV to pInitVector.</summary>
internal static unsafe partial class PbeParameterDecoders
{
    private static readonly CKM[] Pbe =
    [
        CKM.CKM_PBE_MD2_DES_CBC, CKM.CKM_PBE_MD5_DES_CBC, CKM.CKM_NSS_PBE_SHA1_DES_CBC,
        CKM.CKM_PBE_SHA1_DES3_EDE_CBC, CKM.CKM_PBE_SHA1_DES2_EDE_CBC, CKM.CKM_PBE_SHA1_RC2_40_CBC,
        CKM.CKM_PBE_SHA1_RC2_128_CBC, CKM.CKM_PBE_SHA1_RC4_40, CKM.CKM_PBE_SHA1_RC4_128,
        CKM.CKM_PBA_SHA1_WITH_SHA1_HMAC, CKM.CKM_NSS_PBE_SHA1_HMAC_KEY_GEN, CKM.CKM_NSS_PBE_MD5_HMAC_KEY_GEN,
        CKM.CKM_NSS_PBE_MD2_HMAC_KEY_GEN, CKM.CKM_NSS_PKCS12_PBE_SHA224_HMAC_KEY_GEN,
        CKM.CKM_NSS_PKCS12_PBE_SHA256_HMAC_KEY_GEN, CKM.CKM_NSS_PKCS12_PBE_SHA384_HMAC_KEY_GEN,
        CKM.CKM_NSS_PKCS12_PBE_SHA512_HMAC_KEY_GEN, CKM.CKM_NSS_PBE_SHA1_FAULTY_3DES_CBC,
    ];

    /// <summary>The IV that CK_PBE_PARAMS.pInitVector receives (PKCS #11 v3.0 section 2.41.1: 8 bytes).</summary>
    public const int InitVectorLength = 8;

    public static void Register(Dictionary<CKM, ParameterDecoder.Decoder> decoders)
    {
        foreach (var type in Pbe) decoders[type] = DecodePbe;
        decoders[CKM.CKM_PKCS5_PBKD2] = DecodePbkd2;
    }

    private static MechanismParameter DecodePbe(byte* parameter, CK_ULONG length)
    {
        var p = ParameterDecoder.Struct<CK_PBE_PARAMS>(parameter, length);
        if (Args.IsBad(p->pInitVector)) throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID);
        return new PbeParameter(
            p->pInitVector != null,
            ParameterDecoder.Bytes(p->pPassword, p->ulPasswordLen),
            ParameterDecoder.Bytes(p->pSalt, p->ulSaltLen),
            p->ulIteration);
    }

    /// <summary>CK_PKCS5_PBKD2_PARAMS (v2.20: ulPasswordLen is a CK_ULONG_PTR) and CK_PKCS5_PBKD2_PARAMS2 (v2.40:
    /// a CK_ULONG) have the same size, so the field itself decides, as in softokn: a value below the first mapped
    /// page (4096) is a length, anything else a pointer to the length.</summary>
    private static MechanismParameter DecodePbkd2(byte* parameter, CK_ULONG length)
    {
        var p = ParameterDecoder.Struct<CK_PKCS5_PBKD2_PARAMS2>(parameter, length);
        CK_ULONG passwordLength = p->ulPasswordLen;
        if ((ulong)passwordLength >= 4096) passwordLength = *(CK_ULONG*)(nuint)passwordLength;
        return new Pbkd2Parameter(
            p->saltSource,
            ParameterDecoder.Bytes((byte*)p->pSaltSourceData, p->ulSaltSourceDataLen),
            p->iterations,
            (CKP)(ulong)p->prf,
            ParameterDecoder.Bytes((byte*)p->pPrfData, p->ulPrfDataLen),
            ParameterDecoder.Bytes(p->pPassword, passwordLength));
    }

    /// <summary>Copies <see cref="PbeParameter.InitVector"/> (when the generator produced one) to pInitVector.
    /// Call after the key object exists, with the same pParameter that was decoded.</summary>
    public static void WriteBack(void* parameter, PbeParameter decoded)
    {
        if (decoded.InitVector is not { } iv || !decoded.WantsInitVector) return;
        var p = (CK_PBE_PARAMS*)parameter;
        iv.AsSpan(0, Math.Min(iv.Length, InitVectorLength)).CopyTo(new Span<byte>(p->pInitVector, InitVectorLength));
    }
}

/// <summary>The ABI structures, private to their decoders.</summary>
internal static unsafe partial class PbeParameterDecoders
{
    [StructLayout(LayoutKind.Sequential, Pack = AbiLayout.Pack)]
    private unsafe struct CK_PBE_PARAMS
    {
        public byte* pInitVector;
        public byte* pPassword;
        public CK_ULONG ulPasswordLen;
        public byte* pSalt;
        public CK_ULONG ulSaltLen;
        public CK_ULONG ulIteration;
    }

    [StructLayout(LayoutKind.Sequential, Pack = AbiLayout.Pack)]
    private unsafe struct CK_PKCS5_PBKD2_PARAMS2
    {
        public CK_ULONG saltSource;
        public void* pSaltSourceData;
        public CK_ULONG ulSaltSourceDataLen;
        public CK_ULONG iterations;
        public CK_ULONG prf;
        public void* pPrfData;
        public CK_ULONG ulPrfDataLen;
        public byte* pPassword;
        public CK_ULONG ulPasswordLen;
    }
}
