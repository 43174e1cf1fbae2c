using System.Runtime.InteropServices;
using Softoken.Mechanisms.Parameters;
using Softoken.Native.Abi;
using Softoken.Pkcs11;

namespace Softoken.Native.Interop.Parameters;

/// <summary>CK_SP800_108_KDF_PARAMS (counter, double pipeline) and CK_SP800_108_FEEDBACK_KDF_PARAMS, with their
/// CK_PRF_DATA_PARAM lists, into <see cref="Sp800108Parameter"/> (also for NSS's _DERIVE_DATA variants). The additional derived keys are counted, not
/// decoded (not supported yet).</summary>
internal static unsafe partial class Sp800108ParameterDecoders
{
    private const int MaxDataParams = 64;

    public static void Register(Dictionary<CKM, ParameterDecoder.Decoder> decoders)
    {
        decoders[CKM.CKM_SP800_108_COUNTER_KDF] = (p, l) => Decode(p, l, counterMode: true);
        decoders[CKM.CKM_SP800_108_DOUBLE_PIPELINE_KDF] = (p, l) => Decode(p, l, counterMode: false);
        decoders[CKM.CKM_SP800_108_FEEDBACK_KDF] = DecodeFeedback;
        decoders[CKM.CKM_NSS_SP800_108_COUNTER_KDF_DERIVE_DATA] = (p, l) => Decode(p, l, counterMode: true);
        decoders[CKM.CKM_NSS_SP800_108_DOUBLE_PIPELINE_KDF_DERIVE_DATA] = (p, l) => Decode(p, l, counterMode: false);
        decoders[CKM.CKM_NSS_SP800_108_FEEDBACK_KDF_DERIVE_DATA] = DecodeFeedback;
    }

    private static MechanismParameter Decode(byte* parameter, CK_ULONG length, bool counterMode)
    {
        var p = ParameterDecoder.Struct<CK_SP800_108_KDF_PARAMS>(parameter, length);
        return new Sp800108Parameter(
            (CKM)(ulong)p->prfType, DataParams(p->pDataParams, p->ulNumberOfDataParams, counterMode), p->ulAdditionalDerivedKeys);
    }

    private static MechanismParameter DecodeFeedback(byte* parameter, CK_ULONG length)
    {
        var p = ParameterDecoder.Struct<CK_SP800_108_FEEDBACK_KDF_PARAMS>(parameter, length);
        return new Sp800108Parameter(
            (CKM)(ulong)p->prfType,
            DataParams(p->pDataParams, p->ulNumberOfDataParams, counterMode: false),
            p->ulAdditionalDerivedKeys,
            ParameterDecoder.Bytes(p->pIV, p->ulIVLen));
    }

    /// <summary>An iteration variable carries a CK_SP800_108_COUNTER_FORMAT in counter mode and nothing otherwise
    /// (PKCS #11 v3.0 section 2.43.7.1).</summary>
    private static PrfDataParam[] DataParams(CK_PRF_DATA_PARAM* items, CK_ULONG count, bool counterMode)
    {
        if ((ulong)count > MaxDataParams || (count != 0 && (items == null || Args.IsBad(items))))
            throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID);
        var result = new PrfDataParam[(int)count];
        for (int i = 0; i < result.Length; i++)
        {
            var item = items[i];
            result[i] = (ulong)item.type switch
            {
                Sp800108.SP800_108_ITERATION_VARIABLE when counterMode =>
                    new PrfIterationVariable(Counter(item)),
                Sp800108.SP800_108_ITERATION_VARIABLE when item.pValue == null && item.ulValueLen == 0 =>
                    new PrfIterationVariable(null),
                Sp800108.SP800_108_OPTIONAL_COUNTER => new PrfCounter(Counter(item)),
                Sp800108.SP800_108_DKM_LENGTH => Dkm(item),
                Sp800108.SP800_108_BYTE_ARRAY => new PrfByteArray(ParameterDecoder.Bytes((byte*)item.pValue, item.ulValueLen)),
                _ => throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID),
            };
        }
        return result;
    }

    private static CounterFormat Counter(CK_PRF_DATA_PARAM item)
    {
        var f = ParameterDecoder.Struct<CK_SP800_108_COUNTER_FORMAT>((byte*)item.pValue, item.ulValueLen);
        return new CounterFormat(f->bLittleEndian != 0, f->ulWidthInBits);
    }

    private static PrfDkmLength Dkm(CK_PRF_DATA_PARAM item)
    {
        var f = ParameterDecoder.Struct<CK_SP800_108_DKM_LENGTH_FORMAT>((byte*)item.pValue, item.ulValueLen);
        return new PrfDkmLength(f->dkmLengthMethod, f->bLittleEndian != 0, f->ulWidthInBits);
    }
}

/// <summary>The ABI structures, private to their decoders.</summary>
internal static unsafe partial class Sp800108ParameterDecoders
{
    [StructLayout(LayoutKind.Sequential, Pack = AbiLayout.Pack)]
    private unsafe struct CK_PRF_DATA_PARAM
    {
        public CK_ULONG type;
        public void* pValue;
        public CK_ULONG ulValueLen;
    }

    [StructLayout(LayoutKind.Sequential, Pack = AbiLayout.Pack)]
    private struct CK_SP800_108_COUNTER_FORMAT
    {
        public byte bLittleEndian;
        public CK_ULONG ulWidthInBits;
    }

    [StructLayout(LayoutKind.Sequential, Pack = AbiLayout.Pack)]
    private struct CK_SP800_108_DKM_LENGTH_FORMAT
    {
        public CK_ULONG dkmLengthMethod;
        public byte bLittleEndian;
        public CK_ULONG ulWidthInBits;
    }

    [StructLayout(LayoutKind.Sequential, Pack = AbiLayout.Pack)]
    private unsafe struct CK_SP800_108_KDF_PARAMS
    {
        public CK_ULONG prfType;
        public CK_ULONG ulNumberOfDataParams;
        public CK_PRF_DATA_PARAM* pDataParams;
        public CK_ULONG ulAdditionalDerivedKeys;
        public void* pAdditionalDerivedKeys;
    }

    [StructLayout(LayoutKind.Sequential, Pack = AbiLayout.Pack)]
    private unsafe struct CK_SP800_108_FEEDBACK_KDF_PARAMS
    {
        public CK_ULONG prfType;
        public CK_ULONG ulNumberOfDataParams;
        public CK_PRF_DATA_PARAM* pDataParams;
        public CK_ULONG ulIVLen;
        public byte* pIV;
        public CK_ULONG ulAdditionalDerivedKeys;
        public void* pAdditionalDerivedKeys;
    }
}
