namespace Softoken.Operations;

/// <summary>An active verification (C_VerifyInit). Final returns whether the signature is valid; a signature of
/// impossible length throws CKR_SIGNATURE_LEN_RANGE. A wrong signature is a result, not an exception.</summary>
internal interface IVerifyOperation : IDisposable
{
    bool SupportsMultiPart => true;

    void Update(ReadOnlySpan<byte> data);

    bool Final(ReadOnlySpan<byte> signature);
}
