using Softoken.Pkcs11;

namespace Softoken.Mechanisms.Parameters;

/// <summary>CK_SP800_108_KDF_PARAMS (counter and double-pipeline modes) and CK_SP800_108_FEEDBACK_KDF_PARAMS
/// (<see cref="Iv"/> non-null only for feedback mode). <see cref="AdditionalDerivedKeys"/> is the number of
/// CK_DERIVED_KEY entries; Softoken does not derive additional keys yet and refuses a non-zero count with
/// CKR_MECHANISM_PARAM_INVALID.</summary>
internal sealed record Sp800108Parameter(
    CKM PrfType, IReadOnlyList<PrfDataParam> DataParams, ulong AdditionalDerivedKeys, byte[]? Iv = null) : MechanismParameter;

/// <summary>One CK_PRF_DATA_PARAM.</summary>
internal abstract record PrfDataParam;

/// <summary>SP800_108_ITERATION_VARIABLE: in counter mode the counter with its format (<see cref="Format"/>);
/// in feedback and double-pipeline mode (no parameter) the previous output K(i-1) or A(i).</summary>
internal sealed record PrfIterationVariable(CounterFormat? Format) : PrfDataParam;

/// <summary>SP800_108_OPTIONAL_COUNTER (feedback and double-pipeline modes only).</summary>
internal sealed record PrfCounter(CounterFormat Format) : PrfDataParam;

/// <summary>SP800_108_DKM_LENGTH: CK_SP800_108_DKM_LENGTH_FORMAT.</summary>
internal sealed record PrfDkmLength(ulong Method, bool LittleEndian, ulong WidthInBits) : PrfDataParam;

/// <summary>SP800_108_BYTE_ARRAY: fixed input bytes.</summary>
internal sealed record PrfByteArray(byte[] Value) : PrfDataParam;

/// <summary>CK_SP800_108_COUNTER_FORMAT.</summary>
internal sealed record CounterFormat(bool LittleEndian, ulong WidthInBits);

/// <summary>The CK_PRF_DATA_TYPE and DKM-length method values (PKCS #11 v3.0, pkcs11t.h).</summary>
internal static class Sp800108
{
    public const ulong SP800_108_ITERATION_VARIABLE = 0x1;
    public const ulong SP800_108_OPTIONAL_COUNTER = 0x2;
    public const ulong SP800_108_DKM_LENGTH = 0x3;
    public const ulong SP800_108_BYTE_ARRAY = 0x4;
    public const ulong SP800_108_DKM_LENGTH_SUM_OF_KEYS = 0x1;
    public const ulong SP800_108_DKM_LENGTH_SUM_OF_SEGMENTS = 0x2;
}
