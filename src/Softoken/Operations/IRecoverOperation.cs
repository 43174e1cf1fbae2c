namespace Softoken.Operations;

/// <summary>C_SignRecover or C_VerifyRecover: one call, data in, data out (CKM_RSA_PKCS, CKM_RSA_X_509).
/// VerifyRecover throws CKR_SIGNATURE_INVALID when the signature does not open.</summary>
internal interface IRecoverOperation : IDisposable
{
    int OutputLength(int inputLength);

    int Run(ReadOnlySpan<byte> input, Span<byte> output);
}
