using System.Buffers;
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;

namespace Softoken.Crypto;

/// <summary>A hash that BouncyCastle computes faster for short messages (no native transition, no OpenSSL context)
/// and OpenSSL faster for long ones. Input is buffered up to <see cref="Threshold"/> bytes: a message that stays
/// below it is hashed by BouncyCastle at Finish; one that grows past it moves to the platform hash. The buffer
/// comes from the shared array pool and each thread keeps its idle BouncyCastle digests, so a short C_Digest
/// allocates next to nothing.</summary>
internal sealed class AdaptiveDigest : IDigestEngine
{
    /// <summary>Measured cross-over (SHA-512, MD5, SHA3-256): BouncyCastle leads up to about 1-2 KiB.</summary>
    public const int Threshold = 1024;

    [ThreadStatic]
    private static IDigest?[]? idleSmall;

    private readonly HashAlg alg;
    private byte[]? buffer;
    private int buffered;
    private PlatformDigest? large;

    /// <param name="alg">A hash <see cref="HashAlgorithms.PlatformName"/> names.</param>
    public AdaptiveDigest(HashAlg alg) => this.alg = alg;

    public int Size => HashAlgorithms.Size(alg);

    public void Update(ReadOnlySpan<byte> data)
    {
        if (large is null && buffered + data.Length <= Threshold)
        {
            buffer ??= ArrayPool<byte>.Shared.Rent(Threshold);
            data.CopyTo(buffer.AsSpan(buffered));
            buffered += data.Length;
            return;
        }
        if (large is null)
        {
            large = new PlatformDigest(alg);
            if (buffer is not null) large.Update(buffer.AsSpan(0, buffered));
            ClearBuffer();
        }
        large.Update(data);
    }

    public int Finish(Span<byte> destination)
    {
        if (large is { } platform)
        {
            int n = platform.Finish(destination);
            platform.Dispose();
            large = null;
            return n;
        }
        var pool = idleSmall ??= new IDigest?[Enum.GetValues<HashAlg>().Length];
        var small = pool[(int)alg] ?? HashAlgorithms.CreateBouncy(alg);
        pool[(int)alg] = null;
        if (buffer is not null) small.BlockUpdate(buffer.AsSpan(0, buffered));
        ClearBuffer();
        int written = small.DoFinal(destination);
        pool[(int)alg] = small;
        return written;
    }

    public IDigestEngine Clone()
    {
        var copy = new AdaptiveDigest(alg);
        if (buffer is not null) copy.Update(buffer.AsSpan(0, buffered));
        if (large is not null) copy.large = (PlatformDigest)large.Clone();
        return copy;
    }

    public void Dispose()
    {
        ClearBuffer();
        if (buffer is not null) ArrayPool<byte>.Shared.Return(buffer);
        buffer = null;
        large?.Dispose();
        large = null;
    }

    private void ClearBuffer()
    {
        if (buffer is not null) CryptographicOperations.ZeroMemory(buffer.AsSpan(0, buffered));
        buffered = 0;
    }
}
