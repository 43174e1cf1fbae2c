using System.Runtime.InteropServices;
using Softoken.Mechanisms.Parameters;
using Softoken.Native.Abi;
using Softoken.Pkcs11;

namespace Softoken.Native.Interop.Parameters;

/// <summary>The simple derivations: CK_KEY_DERIVATION_STRING_DATA (concatenate / XOR with data) into
/// <see cref="BytesParameter"/>, CK_EXTRACT_PARAMS (a CK_ULONG bit index) into <see cref="UlongParameter"/>, and
/// CKM_CONCATENATE_BASE_AND_KEY's CK_OBJECT_HANDLE into <see cref="KeyHandleParameter"/>.</summary>
internal static unsafe partial class KeyDerivationParameterDecoders
{
    public static void Register(Dictionary<CKM, ParameterDecoder.Decoder> decoders)
    {
        decoders[CKM.CKM_CONCATENATE_BASE_AND_DATA] = StringData;
        decoders[CKM.CKM_CONCATENATE_DATA_AND_BASE] = StringData;
        decoders[CKM.CKM_XOR_BASE_AND_DATA] = StringData;
        decoders[CKM.CKM_EXTRACT_KEY_FROM_KEY] = ParameterDecoder.Ulong;
        decoders[CKM.CKM_CONCATENATE_BASE_AND_KEY] =
            (p, l) => new KeyHandleParameter((ulong)*ParameterDecoder.Struct<CK_ULONG>(p, l));
    }

    private static MechanismParameter StringData(byte* parameter, CK_ULONG length)
    {
        var p = ParameterDecoder.Struct<CK_KEY_DERIVATION_STRING_DATA>(parameter, length);
        return new BytesParameter(ParameterDecoder.Bytes(p->pData, p->ulLen));
    }

    [StructLayout(LayoutKind.Sequential, Pack = AbiLayout.Pack)]
    private unsafe struct CK_KEY_DERIVATION_STRING_DATA
    {
        public byte* pData;
        public CK_ULONG ulLen;
    }
}
