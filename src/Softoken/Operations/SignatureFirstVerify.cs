namespace Softoken.Operations;

/// <summary>A verification whose signature was given at init (PKCS #11 v3.2 C_VerifySignatureInit): the mechanism's
/// own verify operation, finished with the stored signature.</summary>
internal sealed class SignatureFirstVerify(IVerifyOperation inner, byte[] signature) : IVerifyOperation
{
    public bool SupportsMultiPart => inner.SupportsMultiPart;

    public void Update(ReadOnlySpan<byte> data) => inner.Update(data);

    /// <summary>The signature argument is ignored: C_VerifySignature and C_VerifySignatureFinal take none.</summary>
    public bool Final(ReadOnlySpan<byte> ignored) => inner.Final(signature);

    public void Dispose() => inner.Dispose();
}
