namespace Softoken.Crypto;

/// <summary>A running hash. Implementations adapt .NET's platform hashes or BouncyCastle digests; nothing above
/// this layer sees either library.</summary>
internal interface IDigestEngine : IDisposable
{
    int Size { get; }

    void Update(ReadOnlySpan<byte> data);

    /// <summary>Writes the digest to <paramref name="destination"/> (at least <see cref="Size"/> bytes) and resets.</summary>
    int Finish(Span<byte> destination);

    /// <summary>An independent engine holding the same running state (C_GetOperationState / C_SetOperationState,
    /// see <see cref="DigestStateVault"/>).</summary>
    IDigestEngine Clone();
}
