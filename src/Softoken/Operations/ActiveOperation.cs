namespace Softoken.Operations;

/// <summary>An operation in a session together with what its key demands: a key with CKA_ALWAYS_AUTHENTICATE
/// needs a CKU_CONTEXT_SPECIFIC login before each use (PKCS #11 v3.0 section 4.9), and the hold on its key's
/// attributes, given up when the operation ends.</summary>
internal sealed class ActiveOperation<T>(T operation, bool needsContextLogin, IDisposable? keyLease = null) : IDisposable
    where T : IDisposable
{
    public T Operation { get; } = operation;

    public bool NeedsContextLogin { get; } = needsContextLogin;

    /// <summary>True once Update ran: the single-part call is then no longer allowed.</summary>
    public bool MultiPart { get; set; }

    public void Dispose()
    {
        try
        {
            Operation.Dispose();
        }
        finally
        {
            keyLease?.Dispose();
        }
    }
}
