using System.Security.Cryptography;

namespace Softoken.Crypto;

/// <summary>.NET's IncrementalHash: OpenSSL underneath, with the SHA extensions where the CPU has them. Creating
/// an IncrementalHash costs about as much as hashing 64 bytes, so each thread keeps one idle instance per
/// algorithm and the next C_DigestInit on that thread reuses it.</summary>
internal sealed class PlatformDigest : IDigestEngine
{
    [ThreadStatic]
    private static Dictionary<HashAlgorithmName, IncrementalHash>? idle;

    private readonly HashAlgorithmName algorithm;
    private IncrementalHash? hash;
    private bool dirty;

    public PlatformDigest(HashAlgorithmName algorithm)
    {
        this.algorithm = algorithm;
        hash = idle is { } pool && pool.Remove(algorithm, out var cached) ? cached : IncrementalHash.CreateHash(algorithm);
    }

    private PlatformDigest(HashAlgorithmName algorithm, IncrementalHash clone)
    {
        this.algorithm = algorithm;
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

    public IDigestEngine Clone() => new PlatformDigest(algorithm, Hash.Clone());

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
        idle ??= [];
        if (!idle.TryAdd(algorithm, h)) h.Dispose();
    }
}
