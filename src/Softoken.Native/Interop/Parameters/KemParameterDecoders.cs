using Softoken.Mechanisms.Parameters;
using Softoken.Pkcs11;

namespace Softoken.Native.Interop.Parameters;

/// <summary>CKM_NSS_ML_KEM may carry the parameter set as a CK_ULONG (CK_NSS_KEM_PARAMETER_SET_TYPE), as NSS's older
/// callers pass it; CKM_ML_KEM takes no parameter.</summary>
internal static unsafe class KemParameterDecoders
{
    public static void Register(Dictionary<CKM, ParameterDecoder.Decoder> decoders) =>
        decoders[CKM.CKM_NSS_ML_KEM] = static (p, length) => length == 0 ? MechanismParameter.None : ParameterDecoder.Ulong(p, length);
}
