using System.Buffers.Binary;
using Org.BouncyCastle.Crypto.Digests;

namespace Softoken.Crypto;

/// <summary>SHA-256 of a key's defining attributes: the cache key of an imported platform key. Importing an
/// RSA-2048 private key into OpenSSL costs about twice a signature, an EC key several signatures; hashing the
/// attributes costs well under a microsecond for an EC key (BouncyCastle's managed SHA-256: no native call, which
/// alone would cost more). A collision-resistant hash, because whoever controls a key's attributes must not be able
/// to land on another key's cache entry.</summary>
internal readonly record struct KeyFingerprint(ulong A, ulong B, ulong C, ulong D)
{
    public static KeyFingerprint Of(string tag, params ReadOnlySpan<byte[]?> parts)
    {
        var hash = new Sha256Digest();
        foreach (char c in tag) hash.Update((byte)c);
        Span<byte> length = stackalloc byte[4];
        foreach (var part in parts)
        {
            BinaryPrimitives.WriteInt32BigEndian(length, part?.Length ?? -1);
            hash.BlockUpdate(length);
            if (part is not null) hash.BlockUpdate(part);
        }
        Span<byte> digest = stackalloc byte[32];
        hash.DoFinal(digest);
        return new(BinaryPrimitives.ReadUInt64LittleEndian(digest), BinaryPrimitives.ReadUInt64LittleEndian(digest[8..]),
            BinaryPrimitives.ReadUInt64LittleEndian(digest[16..]), BinaryPrimitives.ReadUInt64LittleEndian(digest[24..]));
    }
}

/// <summary>A bounded, least-recently-used cache of imported platform keys (RSA, ECDsa ...), shared by every
/// session. An operation holds a lease for its lifetime; a key evicted while leased is disposed when the last
/// lease ends, so OpenSSL's copy of the key is freed (and cleared) promptly.</summary>
internal sealed class PlatformKeyCache<T>(int capacity) where T : class, IDisposable
{
    internal sealed class Entry(T key)
    {
        public readonly T Key = key;
        public int Users;
        public bool Evicted;
        public LinkedListNode<KeyFingerprint>? Node;
    }

    private readonly Dictionary<KeyFingerprint, Entry> entries = [];
    private readonly LinkedList<KeyFingerprint> recent = new();
    private readonly Lock gate = new();

    public int Count
    {
        get { lock (gate) return entries.Count; }
    }

    /// <summary>The cached key for <paramref name="fingerprint"/>, created (outside the lock) when missing.</summary>
    public Lease Acquire(KeyFingerprint fingerprint, Func<T> create)
    {
        lock (gate)
        {
            if (entries.TryGetValue(fingerprint, out var hit)) return Use(hit);
        }
        var created = create();
        lock (gate)
        {
            if (entries.TryGetValue(fingerprint, out var raced))
            {
                created.Dispose();
                return Use(raced);
            }
            var entry = new Entry(created) { Node = recent.AddFirst(fingerprint) };
            entries[fingerprint] = entry;
            while (entries.Count > capacity && recent.Last is { } oldest)
            {
                var victim = entries[oldest.Value];
                entries.Remove(oldest.Value);
                recent.RemoveLast();
                victim.Evicted = true;
                if (victim.Users == 0) victim.Key.Dispose();
            }
            return Use(entry);
        }
    }

    private Lease Use(Entry entry)
    {
        entry.Users++;
        if (entry.Node is { } node && node != recent.First)
        {
            recent.Remove(node);
            recent.AddFirst(node);
        }
        return new Lease(this, entry);
    }

    private void Release(Entry entry)
    {
        lock (gate)
        {
            entry.Users--;
            if (entry.Evicted && entry.Users == 0) entry.Key.Dispose();
        }
    }

    internal sealed class Lease(PlatformKeyCache<T> owner, Entry entry) : IDisposable
    {
        private int released;

        public T Key => entry.Key;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0) owner.Release(entry);
        }
    }
}
