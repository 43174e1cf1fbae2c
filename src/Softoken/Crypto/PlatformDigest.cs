using System.Security.Cryptography;

namespace Softoken.Crypto;

/// <summary>.NET's IncrementalHash: OpenSSL underneath, with the SHA extensions where the CPU has them.</summary>
internal sealed class PlatformDigest(HashAlgorithmName algorithm) : IDigestEngine
{
    private readonly IncrementalHash hash = IncrementalHash.CreateHash(algorithm);

    public int Size => hash.HashLengthInBytes;

    public void Update(ReadOnlySpan<byte> data) => hash.AppendData(data);

    public int Finish(Span<byte> destination) => hash.GetHashAndReset(destination);

    public void Dispose() => hash.Dispose();
}
