using Softoken.Mechanisms.Parameters;
using Softoken.Pkcs11;

namespace Softoken.Native.Interop.Parameters;

/// <summary>CKM_DH_PKCS_DERIVE: the parameter is the other party's public value, a big integer (PKCS #11 v3.0
/// section 2.5.6); it may not be empty.</summary>
internal static unsafe class DhParameterDecoders
{
    public static void Register(Dictionary<CKM, ParameterDecoder.Decoder> decoders) =>
        decoders[CKM.CKM_DH_PKCS_DERIVE] = PublicValue;

    private static MechanismParameter PublicValue(byte* parameter, CK_ULONG length)
    {
        var value = ParameterDecoder.Bytes(parameter, length);
        if (value.Length == 0) throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID);
        return new BytesParameter(value);
    }
}
