using System.Runtime.CompilerServices;

namespace Softoken.Crypto;

/// <summary>A few idle keyed BouncyCastle objects (GCM ciphers, CMACs) per key value array, for reuse by the next
/// operation with the same key: setting one up costs two to three times the work of a short message (key schedule,
/// GHASH key or CMAC subkeys). As with <see cref="AesKeySchedules"/>, an entry keeps its own copy of the key and is
/// used only while the array still holds that value; it goes when the array is collected. An object is in at most
/// one operation at a time: rented objects leave the pool until they are returned.</summary>
internal sealed class KeyedPool<T> where T : class
{
    private const int MaxIdle = 4;

    private readonly ConditionalWeakTable<byte[], Entry> table = new();

    public KeyedPool() => KeyValueCaches.Register(Forget);

    /// <summary>Drops (and disposes, when they can be) the idle objects keyed with a key value about to be wiped,
    /// and wipes the entry's copy; an object given back later is disposed instead of kept.</summary>
    private void Forget(byte[] value)
    {
        if (!table.TryGetValue(value, out var entry)) return;
        table.Remove(value);
        lock (entry.Idle)
        {
            entry.Forgotten = true;
            while (entry.Idle.TryPop(out var item)) (item as IDisposable)?.Dispose();
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(entry.Key);
        }
    }

    /// <summary>An idle object keyed with <paramref name="value"/>, or null; <paramref name="lease"/> is where to
    /// give it (or a newly keyed one) back.</summary>
    public T? Rent(byte[] value, out Lease lease)
    {
        if (!table.TryGetValue(value, out var entry) || !entry.Key.AsSpan().SequenceEqual(value))
        {
            entry = new Entry((byte[])value.Clone());
            table.AddOrUpdate(value, entry);
        }
        lease = new Lease(entry);
        lock (entry.Idle) return entry.Idle.TryPop(out var item) ? item : null;
    }

    public readonly struct Lease
    {
        private readonly Entry? entry;

        internal Lease(Entry entry) => this.entry = entry;

        /// <summary>Gives back an object keyed with this lease's key and reset to its just-keyed state.</summary>
        public void Return(T item)
        {
            if (entry is not null)
            {
                lock (entry.Idle)
                {
                    if (!entry.Forgotten && entry.Idle.Count < MaxIdle)
                    {
                        entry.Idle.Push(item);
                        return;
                    }
                }
            }
            (item as IDisposable)?.Dispose();
        }
    }

    internal sealed class Entry(byte[] key)
    {
        public byte[] Key { get; } = key;

        public Stack<T> Idle { get; } = new();

        /// <summary>The key was wiped: nothing is pooled for it any more (set under the Idle lock).</summary>
        public bool Forgotten { get; set; }
    }
}
