using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Utilities;

namespace Softoken.Crypto;

/// <summary>A BouncyCastle digest, for the algorithms the platform does not offer (SHA-224, MD2, SHA-512/t ...).
/// Every BouncyCastle digest is <see cref="IMemoable"/>, which gives <see cref="Clone"/>.</summary>
internal sealed class BouncyDigest(IDigest digest) : IDigestEngine
{
    public int Size => digest.GetDigestSize();

    public void Update(ReadOnlySpan<byte> data) => digest.BlockUpdate(data);

    public int Finish(Span<byte> destination) => digest.DoFinal(destination);

    public IDigestEngine Clone() => new BouncyDigest((IDigest)((IMemoable)digest).Copy());

    public void Dispose() => digest.Reset();
}
