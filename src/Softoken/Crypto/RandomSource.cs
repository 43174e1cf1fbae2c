using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Prng;

namespace Softoken.Crypto;

/// <summary>The token's RNG: the operating system's CSPRNG (through .NET). C_SeedRandom input is not thrown away:
/// once any seed has been given, every output is additionally XORed with a SHA-512 hash DRBG that absorbed the
/// seeds, so the output is never weaker than the OS generator alone.
/// <para>Each request to .NET's generator (OpenSSL's RAND_bytes) has a fixed cost of about a microsecond (provider
/// parameter look-ups, locks, a fork check), far more than generating 32 bytes. Requests of up to
/// <see cref="MaxBuffered"/> bytes are therefore served from a few striped buffers refilled <see cref="BufferSize"/>
/// bytes at a time; every byte is handed out once and wiped as it leaves. A buffer filled by another process id is
/// thrown away unused (a child of fork must never repeat its parent's bytes), and <see cref="Dispose"/>
/// (C_Finalize) wipes them all.</para></summary>
internal sealed class RandomSource : IDisposable
{
    public const int MaxBuffered = 256;
    public const int BufferSize = 4096;

    private readonly Lock gate = new();
    private readonly Func<int> processId;
    private readonly Action<Span<byte>> source;
    private readonly Stripe[] stripes;
    private DigestRandomGenerator? seeded;

    /// <summary>The process id read once for the PKCS #11 call this thread is running (see <see cref="OneCall"/>).</summary>
    [ThreadStatic]
    private static RandomSource? callOwner;

    [ThreadStatic]
    private static int callProcessId;

    public RandomSource() : this(() => Environment.ProcessId)
    {
    }

    /// <param name="processId">The current process id, read afresh (not cached) so that a fork is noticed.</param>
    /// <param name="source">The generator behind the buffers (tests substitute a counter).</param>
    public RandomSource(Func<int> processId, Action<Span<byte>>? source = null)
    {
        this.processId = processId;
        this.source = source ?? RandomNumberGenerator.Fill;
        stripes = new Stripe[Math.Clamp(Environment.ProcessorCount, 1, 8)];
        for (int i = 0; i < stripes.Length; i++) stripes[i] = new Stripe();
    }

    public void Fill(Span<byte> destination)
    {
        if (destination.IsEmpty) return;
        if (destination.Length <= MaxBuffered) FillBuffered(destination);
        else source(destination);
        var mixer = Volatile.Read(ref seeded);
        if (mixer is null) return;
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

    /// <summary>Wipes the buffered bytes (C_Finalize); later requests refill.</summary>
    public void Dispose()
    {
        foreach (var stripe in stripes)
        {
            lock (stripe.Gate)
            {
                CryptographicOperations.ZeroMemory(stripe.Data);
                stripe.Used = BufferSize;
            }
        }
    }

    /// <summary>Reads the process id once for the rest of the current call on this thread (a key generation draws
    /// its value and its CKA_UNIQUE_ID: one getpid instead of two). Fork-safe: a fork cannot happen inside the
    /// module's own call on this thread, and a child of fork keeps only the forking thread, which is outside it.
    /// Dispose the scope before the call returns.</summary>
    public CallScope OneCall()
    {
        if (callOwner is not null) return default;
        callProcessId = processId();
        callOwner = this;
        return new CallScope(true);
    }

    /// <summary>Ends a <see cref="OneCall"/> scope (only the outermost one clears it).</summary>
    public readonly struct CallScope(bool owner) : IDisposable
    {
        public void Dispose()
        {
            if (!owner) return;
            callOwner = null;
            callProcessId = 0;
        }
    }

    private void FillBuffered(Span<byte> destination)
    {
        int pid = ReferenceEquals(callOwner, this) ? callProcessId : processId();
        var stripe = stripes[(uint)Environment.CurrentManagedThreadId % (uint)stripes.Length];
        lock (stripe.Gate)
        {
            if (stripe.ProcessId != pid || stripe.Used + destination.Length > BufferSize)
            {
                source(stripe.Data);
                stripe.Used = 0;
                stripe.ProcessId = pid;
            }
            var served = stripe.Data.AsSpan(stripe.Used, destination.Length);
            served.CopyTo(destination);
            CryptographicOperations.ZeroMemory(served);
            stripe.Used += destination.Length;
        }
    }

    private sealed class Stripe
    {
        public readonly Lock Gate = new();
        public readonly byte[] Data = new byte[BufferSize];
        public int Used = BufferSize;
        public int ProcessId;
    }
}
