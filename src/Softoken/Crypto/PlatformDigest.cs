using System.Security.Cryptography;

namespace Softoken.Crypto;

/// <summary>.NET's IncrementalHash: OpenSSL underneath, with the SHA extensions where the CPU has them. Creating
/// an IncrementalHash costs about as much as hashing 64 bytes, so each thread keeps one idle instance per
/// algorithm and the next C_DigestInit on that thread reuses it.</summary>
internal sealed class PlatformDigest : IDigestEngine
{
    [ThreadStatic]
    private static IncrementalHash?[]? idle;

    private readonly HashAlg alg;
    private IncrementalHash? hash;
    private bool dirty;

    /// <param name="alg">A hash <see cref="HashAlgorithms.PlatformName"/> names.</param>
    public PlatformDigest(HashAlg alg)
    {
        this.alg = alg;
        var pool = idle;
        if (pool is not null && pool[(int)alg] is { } cached)
        {
            pool[(int)alg] = null;
            hash = cached;
        }
        else
        {
            hash = IncrementalHash.CreateHash(HashAlgorithms.PlatformName(alg)!.Value);
        }
    }

    private PlatformDigest(HashAlg alg, IncrementalHash clone)
    {
        this.alg = alg;
        hash = clone;
        dirty = true;
    }

    private IncrementalHash Hash => hash ?? throw new ObjectDisposedException(nameof(PlatformDigest));

    public int Size => Hash.HashLengthInBytes;

    public void Update(ReadOnlySpan<byte> data)
    {
        Hash.AppendData(data);
        dirty = true;
    }

    public int Finish(Span<byte> destination)
    {
        dirty = false;
        return Hash.GetHashAndReset(destination);
    }

    public IDigestEngine Clone() => new PlatformDigest(alg, Hash.Clone());

    public void Dispose()
    {
        var h = hash;
        if (h is null) return;
        hash = null;
        if (dirty)
        {
            Span<byte> discard = stackalloc byte[64];
            h.GetHashAndReset(discard);
            CryptographicOperations.ZeroMemory(discard);
        }
        var pool = idle ??= new IncrementalHash?[Enum.GetValues<HashAlg>().Length];
        if (pool[(int)alg] is null) pool[(int)alg] = h;
        else h.Dispose();
    }
}
