using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Softoken.Tokens;

/// <summary>The PBKDF2 results of the last few successful PIN checks, so that logging in again with the same PIN
/// does not run 100,000 iterations again (C_Login/C_Logout loops, applications that log in per request).
/// <para>
/// What softokn does (NSS lowpbe.c, bug 1606992): it keeps the last three PBKDF2 results in a process-wide cache,
/// each with a plain copy of the password, the salt, the iteration count, the hash and the key length, compares
/// them byte for byte on every PBKDF2 key derivation, and keeps them until a newer result takes the slot (round
/// robin) or C_Finalize (sftk_PBELockShutdown) frees them.
/// </para>
/// <para>
/// What this cache does differently, and the trade-off: an entry is found by a tag, HMAC-SHA256 under a random key
/// made for this cache (salt, iteration count and PIN in one length-prefixed input), never by the PIN itself, and
/// tags are compared in constant time. Only a PIN that has just opened its record is added, so a wrong PIN
/// always misses and pays the full KDF (and is counted as a failure by the caller): brute force through the API is
/// as slow as before. What it costs: after C_Logout the process still holds, until the entry is pushed out, the
/// cache is cleared (PIN change, C_InitToken, C_Finalize) or the process ends, the PBKDF2 output of a PIN, which
/// with the token database opens the master key, and the tag, with which someone who can read the process memory
/// (and so also the HMAC key) tests PIN guesses at the cost of one HMAC instead of one PBKDF2 each. Such a reader
/// could as well take the master key while a user is logged in; softokn leaves the password itself there.
/// </para></summary>
internal sealed class PinKdfCache(int capacity = PinKdfCache.DefaultCapacity)
{
    public const int DefaultCapacity = 4;
    public const int SecretLength = 32;
    private const int TagLength = 32;

    private sealed class Entry
    {
        public readonly byte[] Tag = new byte[TagLength];
        public readonly byte[] Secret = new byte[SecretLength];
        public long LastUse;
        public bool InUse;
    }

    private readonly Entry[] entries = Enumerable.Range(0, Math.Max(1, capacity)).Select(_ => new Entry()).ToArray();
    private readonly byte[] tagKey = RandomNumberGenerator.GetBytes(32);
    private readonly Lock gate = new();
    private long clock;
    private long generation;

    /// <summary>Changes at every <see cref="Clear"/>: a check that started before a PIN change passes the value it
    /// saw to <see cref="Add"/>, which then adds nothing (its result belongs to a PIN record that is gone).</summary>
    public long Generation
    {
        get { lock (gate) return generation; }
    }

    /// <summary>The number of results held (for tests).</summary>
    public int Count
    {
        get { lock (gate) return entries.Count(e => e.InUse); }
    }

    /// <summary>Copies the cached PBKDF2 output for (pin, salt, iterations) into <paramref name="secret"/>; false
    /// when there is none (the caller then runs the KDF).</summary>
    public bool TryGet(ReadOnlySpan<byte> pin, ReadOnlySpan<byte> salt, int iterations, Span<byte> secret)
    {
        lock (gate)
        {
            if (!entries.Any(e => e.InUse)) return false;
        }
        Span<byte> tag = stackalloc byte[TagLength];
        Tag(pin, salt, iterations, tag);
        lock (gate)
        {
            Entry? found = null;
            // Every entry is compared, in constant time: the time taken says nothing about which one matched.
            foreach (var e in entries)
            {
                if (CryptographicOperations.FixedTimeEquals(e.Tag, tag) & e.InUse) found = e;
            }
            if (found is null) return false;
            found.LastUse = ++clock;
            found.Secret.CopyTo(secret);
            return true;
        }
    }

    /// <summary>Remembers the PBKDF2 output of a PIN that has just been verified, pushing out the least recently used
    /// entry when full. Nothing is added when the cache was cleared since <paramref name="seenGeneration"/>.</summary>
    public void Add(ReadOnlySpan<byte> pin, ReadOnlySpan<byte> salt, int iterations, ReadOnlySpan<byte> secret, long seenGeneration)
    {
        if (secret.Length != SecretLength) throw new ArgumentException("PBKDF2 output length", nameof(secret));
        Span<byte> tag = stackalloc byte[TagLength];
        Tag(pin, salt, iterations, tag);
        lock (gate)
        {
            if (seenGeneration != generation) return;
            Entry? slot = null;
            foreach (var e in entries)
            {
                if (e.InUse && CryptographicOperations.FixedTimeEquals(e.Tag, tag)) slot = e;
            }
            slot ??= entries.FirstOrDefault(e => !e.InUse) ?? entries.MinBy(e => e.LastUse)!;
            tag.CopyTo(slot.Tag);
            secret.CopyTo(slot.Secret);
            slot.InUse = true;
            slot.LastUse = ++clock;
        }
    }

    /// <summary>Wipes every entry: a PIN changed, the token was reinitialised, or C_Finalize.</summary>
    public void Clear()
    {
        lock (gate)
        {
            generation++;
            foreach (var e in entries)
            {
                CryptographicOperations.ZeroMemory(e.Secret);
                CryptographicOperations.ZeroMemory(e.Tag);
                e.InUse = false;
            }
        }
    }

    private void Tag(ReadOnlySpan<byte> pin, ReadOnlySpan<byte> salt, int iterations, Span<byte> tag)
    {
        int length = 8 + salt.Length + pin.Length;
        var input = new byte[length];
        try
        {
            BinaryPrimitives.WriteInt32BigEndian(input, salt.Length);
            BinaryPrimitives.WriteInt32BigEndian(input.AsSpan(4), iterations);
            salt.CopyTo(input.AsSpan(8));
            pin.CopyTo(input.AsSpan(8 + salt.Length));
            HMACSHA256.HashData(tagKey, input, tag);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(input);
        }
    }
}
