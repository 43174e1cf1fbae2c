namespace Softoken.Mechanisms.Parameters;

/// <summary>A decoded mechanism parameter (the pParameter of CK_MECHANISM). The native layer turns the ABI
/// structure into one of these records (src/Softoken.Native/Interop/Parameters), so nothing in the core sees a
/// pointer or a CK_ULONG width. Each mechanism family adds its own records next to this one.</summary>
internal abstract record MechanismParameter
{
    public static readonly MechanismParameter None = new NoParameter();
}

/// <summary>No parameter (pParameter NULL, length 0).</summary>
internal sealed record NoParameter : MechanismParameter;

/// <summary>A parameter that is a plain byte string: an IV (CKM_AES_CBC), a CK_KEY_DERIVATION_STRING_DATA's data,
/// a CK_MAC_GENERAL_PARAMS length re-encoded, or the raw bytes of a structure the native layer does not decode.</summary>
internal sealed record BytesParameter(byte[] Value) : MechanismParameter;

/// <summary>A parameter that is one CK_ULONG (CK_MAC_GENERAL_PARAMS, CK_EXTRACT_PARAMS, CK_RC2_PARAMS ...).</summary>
internal sealed record UlongParameter(ulong Value) : MechanismParameter;
