using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;

namespace Softoken.Crypto;

/// <summary>A hash that BouncyCastle computes faster for short messages (no native transition, no OpenSSL context)
/// and OpenSSL faster for long ones. Input is buffered up to <see cref="Threshold"/> bytes: a message that stays
/// below it is hashed by BouncyCastle at Finish; one that grows past it moves to the platform hash.</summary>
internal sealed class AdaptiveDigest : IDigestEngine
{
    /// <summary>Measured cross-over (SHA-512, MD5, SHA3-256): BouncyCastle leads up to about 1-2 KiB.</summary>
    public const int Threshold = 1024;

    private readonly HashAlg alg;
    private readonly HashAlgorithmName platformName;
    private readonly byte[] buffer = new byte[Threshold];
    private int buffered;
    private IDigest? small;
    private PlatformDigest? large;

    public AdaptiveDigest(HashAlg alg, HashAlgorithmName platformName)
    {
        this.alg = alg;
        this.platformName = platformName;
    }

    public int Size => HashAlgorithms.Size(alg);

    public void Update(ReadOnlySpan<byte> data)
    {
        if (large is null && buffered + data.Length <= Threshold)
        {
            data.CopyTo(buffer.AsSpan(buffered));
            buffered += data.Length;
            return;
        }
        if (large is null)
        {
            large = new PlatformDigest(platformName);
            large.Update(buffer.AsSpan(0, buffered));
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
        small ??= HashAlgorithms.CreateBouncy(alg);
        small.BlockUpdate(buffer.AsSpan(0, buffered));
        ClearBuffer();
        return small.DoFinal(destination);
    }

    public IDigestEngine Clone()
    {
        var copy = new AdaptiveDigest(alg, platformName) { buffered = buffered };
        buffer.AsSpan(0, buffered).CopyTo(copy.buffer);
        if (large is not null) copy.large = (PlatformDigest)large.Clone();
        return copy;
    }

    public void Dispose()
    {
        ClearBuffer();
        large?.Dispose();
        large = null;
    }

    private void ClearBuffer()
    {
        CryptographicOperations.ZeroMemory(buffer.AsSpan(0, buffered));
        buffered = 0;
    }
}
