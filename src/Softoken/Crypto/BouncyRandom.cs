using System.Runtime.CompilerServices;
using Org.BouncyCastle.Crypto.Prng;
using Org.BouncyCastle.Security;

namespace Softoken.Crypto;

/// <summary>BouncyCastle's view of the token's <see cref="RandomSource"/>: every BouncyCastle call that takes a
/// SecureRandom gets one of these, never BouncyCastle's own default generator (BUILD-NOTES).</summary>
internal sealed class BouncyRandom(RandomSource source) : IRandomGenerator
{
    private static readonly ConditionalWeakTable<RandomSource, SecureRandom> Cache = new();

    public static SecureRandom For(RandomSource source) =>
        Cache.GetValue(source, s => new SecureRandom(new BouncyRandom(s)));

    public void AddSeedMaterial(byte[] seed) => source.Seed(seed);

    public void AddSeedMaterial(ReadOnlySpan<byte> seed) => source.Seed(seed);

    /// <summary>BouncyCastle only passes clock values here; they add nothing to the OS generator.</summary>
    public void AddSeedMaterial(long seed)
    {
    }

    public void NextBytes(byte[] bytes) => source.Fill(bytes);

    public void NextBytes(byte[] bytes, int start, int len) => source.Fill(bytes.AsSpan(start, len));

    public void NextBytes(Span<byte> bytes) => source.Fill(bytes);
}
