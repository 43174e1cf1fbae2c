using System.Security.Cryptography;
using Softoken.Operations;
using Softoken.Pkcs11;

namespace Softoken.Crypto;

/// <summary>A signature primitive bound to one key: signs or verifies a message representative (a hash for the
/// hash-and-sign mechanisms, the caller's data for the raw ones). Implementations throw CKR_DATA_LEN_RANGE for an
/// input they cannot take and return false, never throw, for a signature that does not verify.</summary>
internal interface ISignatureScheme : IDisposable
{
    /// <summary>The exact signature length (RSA: the modulus length; ECDSA/DSA: r||s; EdDSA: 2b/8).</summary>
    int SignatureLength { get; }

    int Sign(ReadOnlySpan<byte> input, Span<byte> signature);

    bool Verify(ReadOnlySpan<byte> input, ReadOnlySpan<byte> signature);
}

/// <summary>The message side of a signature operation: a running hash for the hash-and-sign mechanisms (which are
/// multi-part), or a buffer for the raw ones (single-part in PKCS #11).</summary>
internal sealed class MessageInput : IDisposable
{
    private readonly IDigestEngine? digest;
    private readonly GrowableBuffer? buffer;

    public MessageInput(HashSpec? hash)
    {
        if (hash is null) buffer = new GrowableBuffer();
        else digest = hash.CreateEngine();
    }

    public bool MultiPart => digest is not null;

    public void Update(ReadOnlySpan<byte> data)
    {
        if (digest is not null) digest.Update(data);
        else buffer!.Append(data);
    }

    /// <summary>Runs <paramref name="use"/> on the hash or the buffered data.</summary>
    public TResult Finish<TResult>(Func<ReadOnlySpan<byte>, TResult> use)
    {
        if (digest is null) return use(buffer!.Span);
        Span<byte> hash = stackalloc byte[digest.Size];
        digest.Finish(hash);
        return use(hash);
    }

    public void Dispose()
    {
        digest?.Dispose();
        buffer?.Dispose();
    }
}

internal sealed class SignOperation(ISignatureScheme scheme, HashSpec? hash) : ISignOperation
{
    private readonly MessageInput input = new(hash);
    private byte[]? result;

    public int SignatureLength => scheme.SignatureLength;

    public bool SupportsMultiPart => input.MultiPart;

    public void Update(ReadOnlySpan<byte> data) => input.Update(data);

    public int Final(Span<byte> signature)
    {
        // The signature is made once: a retry after CKR_BUFFER_TOO_SMALL gets the same bytes.
        result ??= input.Finish(message =>
        {
            var sig = new byte[scheme.SignatureLength];
            int n = scheme.Sign(message, sig);
            return n == sig.Length ? sig : sig[..n];
        });
        if (signature.Length < result.Length) throw new Pkcs11Exception(CKR.CKR_BUFFER_TOO_SMALL);
        result.CopyTo(signature);
        return result.Length;
    }

    public void Dispose()
    {
        input.Dispose();
        scheme.Dispose();
        if (result is not null) CryptographicOperations.ZeroMemory(result);
    }
}

internal sealed class VerifyOperation(ISignatureScheme scheme, HashSpec? hash) : IVerifyOperation
{
    private readonly MessageInput input = new(hash);

    public bool SupportsMultiPart => input.MultiPart;

    public void Update(ReadOnlySpan<byte> data) => input.Update(data);

    public bool Final(ReadOnlySpan<byte> signature)
    {
        if (signature.Length != scheme.SignatureLength) throw new Pkcs11Exception(CKR.CKR_SIGNATURE_LEN_RANGE);
        var sig = signature.ToArray();
        return input.Finish(message => scheme.Verify(message, sig));
    }

    public void Dispose()
    {
        input.Dispose();
        scheme.Dispose();
    }
}
