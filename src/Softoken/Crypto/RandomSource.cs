using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Prng;

namespace Softoken.Crypto;

/// <summary>The token's RNG: the operating system's CSPRNG (through .NET). C_SeedRandom input is not thrown away:
/// once any seed has been given, every output is additionally XORed with a SHA-512 hash DRBG that absorbed the
/// seeds, so the output is never weaker than the OS generator alone.</summary>
internal sealed class RandomSource
{
    private readonly Lock gate = new();
    private DigestRandomGenerator? seeded;

    public void Fill(Span<byte> destination)
    {
        RandomNumberGenerator.Fill(destination);
        var mixer = Volatile.Read(ref seeded);
        if (mixer is null || destination.IsEmpty) return;
        Span<byte> extra = destination.Length <= 256 ? stackalloc byte[destination.Length] : new byte[destination.Length];
        lock (gate) mixer.NextBytes(extra);
        for (int i = 0; i < destination.Length; i++) destination[i] ^= extra[i];
        CryptographicOperations.ZeroMemory(extra);
    }

    public void Seed(ReadOnlySpan<byte> seed)
    {
        lock (gate)
        {
            if (seeded is null)
            {
                var generator = new DigestRandomGenerator(new Sha512Digest());
                generator.AddSeedMaterial(RandomNumberGenerator.GetBytes(64));
                seeded = generator;
            }
            seeded.AddSeedMaterial(seed.ToArray());
        }
    }
}
