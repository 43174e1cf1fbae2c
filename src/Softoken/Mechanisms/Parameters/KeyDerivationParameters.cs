namespace Softoken.Mechanisms.Parameters;

/// <summary>A CK_OBJECT_HANDLE parameter (CKM_CONCATENATE_BASE_AND_KEY). The session resolves the handle to the
/// other key (a secret key the caller may read: not sensitive unless the base key is, extractable likewise) and
/// passes <c>parameter with { Value = its CKA_VALUE }</c>; the factory fails with
/// CKR_MECHANISM_PARAM_INVALID while <see cref="Value"/> is null.</summary>
internal sealed record KeyHandleParameter(ulong Handle) : MechanismParameter
{
    public byte[]? Value { get; init; }
}
