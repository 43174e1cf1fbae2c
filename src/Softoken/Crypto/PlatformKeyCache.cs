using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Digests;

namespace Softoken.Crypto;

/// <summary>SHA-256 of a key's defining attributes: the cache key of an imported platform key. Importing an
/// RSA-2048 private key into OpenSSL costs about twice a signature, an EC key several signatures; the hash costs
/// about a microsecond. A collision-resistant hash, because whoever controls a key's attributes must not be able to
/// land on another key's cache entry. Short inputs (EC keys) go through BouncyCastle's managed SHA-256, long ones
/// (RSA) through the platform's (SHA-NI): the same function, each where it is cheaper (a native call costs about
/// what 100 bytes of managed hashing do; an RSA-2048 private key is 1.2 KB, 12 us managed).</summary>
internal readonly record struct KeyFingerprint(ulong A, ulong B, ulong C, ulong D)
{
    private const int ManagedLimit = 128;

    public static KeyFingerprint Of(string tag, params ReadOnlySpan<byte[]?> parts)
    {
        int length = tag.Length;
        foreach (var part in parts) length += 4 + (part?.Length ?? 0);
        var buffer = length <= 512 ? null : ArrayPool<byte>.Shared.Rent(length);
        Span<byte> input = buffer is null ? stackalloc byte[length] : buffer.AsSpan(0, length);
        try
        {
            int at = 0;
            foreach (char c in tag) input[at++] = (byte)c;
            foreach (var part in parts)
            {
                BinaryPrimitives.WriteInt32BigEndian(input[at..], part?.Length ?? -1);
                at += 4;
                if (part is null) continue;
                part.CopyTo(input[at..]);
                at += part.Length;
            }
            Span<byte> digest = stackalloc byte[32];
            if (length <= ManagedLimit)
            {
                var hash = new Sha256Digest();
                hash.BlockUpdate(input);
                hash.DoFinal(digest);
            }
            else
            {
                SHA256.HashData(input, digest);
            }
            return new(BinaryPrimitives.ReadUInt64LittleEndian(digest), BinaryPrimitives.ReadUInt64LittleEndian(digest[8..]),
                BinaryPrimitives.ReadUInt64LittleEndian(digest[16..]), BinaryPrimitives.ReadUInt64LittleEndian(digest[24..]));
        }
        finally
        {
            // The input holds private key components.
            CryptographicOperations.ZeroMemory(input);
            if (buffer is not null) ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}

/// <summary>What every shared key cache offers to the module: forgetting one key (its object was destroyed or
/// changed) and forgetting everything (C_Finalize).</summary>
internal interface IKeyCache
{
    void Evict(KeyFingerprint fingerprint);

    void Clear();
}

/// <summary>A bounded, least-recently-used cache of imported platform keys (RSA, ECDsa ...) or decoded public keys,
/// shared by every session and keyed by <see cref="KeyFingerprint"/>. An operation holds a lease for its lifetime;
/// a key evicted while leased is disposed (when it is disposable) when the last lease ends, so OpenSSL's copy of the
/// key is freed (and cleared) promptly. A hit takes no lock (two threads signing with one key do not take turns);
/// only adding a key, which may push out the least recently used one, does.</summary>
internal sealed class PlatformKeyCache<T>(int capacity) : IKeyCache where T : class
{
    internal sealed class Entry(T key)
    {
        public readonly T Key = key;
        public int Users;
        public int Evicted;
        public int Disposed;
        public long LastUse;

        /// <summary>Disposes the key once, when it is evicted and no lease is left.</summary>
        public void DisposeIfUnused()
        {
            if (Volatile.Read(ref Evicted) == 1 && Volatile.Read(ref Users) == 0 && Interlocked.Exchange(ref Disposed, 1) == 0)
                (Key as IDisposable)?.Dispose();
        }
    }

    private readonly ConcurrentDictionary<KeyFingerprint, Entry> entries = new();
    private readonly Lock insertGate = new();
    private long clock;

    public int Count => entries.Count;

    /// <summary>The cached key for <paramref name="fingerprint"/>, created (outside any lock) when missing.</summary>
    public Lease Acquire(KeyFingerprint fingerprint, Func<T> create)
    {
        if (TryUse(fingerprint) is { } hit) return hit;
        var created = create();
        lock (insertGate)
        {
            if (TryUse(fingerprint) is { } raced)
            {
                (created as IDisposable)?.Dispose();
                return raced;
            }
            var entry = new Entry(created) { LastUse = Interlocked.Increment(ref clock), Users = 1 };
            entries[fingerprint] = entry;
            while (entries.Count > capacity && Oldest(entry) is { } victim) Remove(victim.Key, victim.Value);
            return new Lease(entry);
        }
    }

    /// <summary>The cached key, or null (no key is created).</summary>
    public Lease? TryAcquire(KeyFingerprint fingerprint) => TryUse(fingerprint);

    /// <summary>Forgets the key of <paramref name="fingerprint"/>: the next Acquire imports it again.</summary>
    public void Evict(KeyFingerprint fingerprint)
    {
        if (entries.TryGetValue(fingerprint, out var entry)) Remove(fingerprint, entry);
    }

    /// <summary>Forgets every key (C_Finalize); keys still leased are disposed when released.</summary>
    public void Clear()
    {
        foreach (var (fingerprint, entry) in entries) Remove(fingerprint, entry);
    }

    private Lease? TryUse(KeyFingerprint fingerprint)
    {
        if (!entries.TryGetValue(fingerprint, out var entry)) return null;
        Interlocked.Increment(ref entry.Users);
        // Evict sets Evicted before it reads Users; this reads Evicted after raising Users (both interlocked):
        // either the evictor sees this user and leaves the key alone, or this sees the eviction and backs out.
        if (Volatile.Read(ref entry.Evicted) == 1)
        {
            Interlocked.Decrement(ref entry.Users);
            entry.DisposeIfUnused();
            return null;
        }
        Volatile.Write(ref entry.LastUse, Interlocked.Increment(ref clock));
        return new Lease(entry);
    }

    private KeyValuePair<KeyFingerprint, Entry>? Oldest(Entry keep)
    {
        KeyValuePair<KeyFingerprint, Entry>? oldest = null;
        foreach (var pair in entries)
        {
            if (pair.Value == keep) continue;
            if (oldest is null || Volatile.Read(ref pair.Value.LastUse) < Volatile.Read(ref oldest.Value.Value.LastUse)) oldest = pair;
        }
        return oldest;
    }

    private void Remove(KeyFingerprint fingerprint, Entry entry)
    {
        entries.TryRemove(new KeyValuePair<KeyFingerprint, Entry>(fingerprint, entry));
        Interlocked.Exchange(ref entry.Evicted, 1);
        entry.DisposeIfUnused();
    }

    internal sealed class Lease(Entry entry) : IDisposable
    {
        private int released;

        public T Key => entry.Key;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) != 0) return;
            Interlocked.Decrement(ref entry.Users);
            entry.DisposeIfUnused();
        }
    }
}

/// <summary>The key caches shared by every session, so that the module can empty them at C_Finalize and drop a
/// key's entries when its object is destroyed or its attributes replaced. The caches are keyed by the key's
/// content, so a changed key never finds the entry of its old value, and a destroyed key's entry can only be
/// reached by a caller who holds the same key material in another object; forgetting them promptly frees
/// OpenSSL's copies of private keys as soon as nothing uses them.</summary>
internal static class KeyCaches
{
    private static readonly List<IKeyCache> All = [];

    /// <summary>A new cache that <see cref="Clear"/> and <see cref="Forget"/> reach.</summary>
    public static PlatformKeyCache<T> Shared<T>(int capacity) where T : class
    {
        var cache = new PlatformKeyCache<T>(capacity);
        lock (All) All.Add(cache);
        return cache;
    }

    public static void Clear()
    {
        foreach (var cache in Snapshot()) cache.Clear();
    }

    /// <summary>Drops every entry made from the key object <paramref name="key"/> (its private and public forms).</summary>
    public static void Forget(Objects.AttributeSet key)
    {
        IReadOnlyList<KeyFingerprint> fingerprints;
        try
        {
            fingerprints = key.KeyType switch
            {
                Pkcs11.CKK.CKK_RSA => RsaKey.FingerprintsOf(key),
                Pkcs11.CKK.CKK_EC => EcKey.FingerprintsOf(key),
                Pkcs11.CKK.CKK_DSA => DsaKey.FingerprintsOf(key),
                _ => [],
            };
        }
        catch (Exception e) when (e is Pkcs11.Pkcs11Exception or ArgumentException)
        {
            return; // a key too malformed to be imported (or locked, without a login) was never cached
        }
        if (fingerprints.Count == 0) return;
        foreach (var cache in Snapshot())
        {
            foreach (var fingerprint in fingerprints) cache.Evict(fingerprint);
        }
    }

    private static IKeyCache[] Snapshot()
    {
        lock (All) return [.. All];
    }
}
