using System.Numerics;
using System.Runtime.CompilerServices;

namespace Softoken.Crypto;

/// <summary>A few idle keyed BouncyCastle objects (GCM ciphers, CMACs) per key value array, for reuse by the next
/// operation with the same key: setting one up costs two to three times the work of a short message (key schedule,
/// GHASH key or CMAC subkeys). As with <see cref="AesKeySchedules"/>, an entry keeps its own copy of the key and is
/// used only while the array still holds that value; it goes when the array is collected. An object is in at most
/// one operation at a time: rented objects leave the pool until they are returned.
/// <para>The idle objects of an entry sit in stripes chosen by the calling thread, each with its own lock, so that
/// threads using the same key object (one session each) do not contend for one lock and one stack.</para></summary>
internal sealed class KeyedPool<T> where T : class
{
    /// <summary>Idle objects kept per stripe.</summary>
    internal const int MaxIdle = 4;

    /// <summary>Stripes per entry: the processor count rounded up to a power of two, at least 2, at most 16.</summary>
    internal static readonly int StripeCount =
        (int)BitOperations.RoundUpToPowerOf2((uint)Math.Clamp(Environment.ProcessorCount, 2, 16));

    private readonly ConditionalWeakTable<byte[], Entry> table = new();

    public KeyedPool() => KeyValueCaches.Register(Forget);

    /// <summary>Drops (and disposes, when they can be) the idle objects of every stripe keyed with a key value about
    /// to be wiped, and wipes the entry's copy; an object given back later is disposed instead of kept.</summary>
    private void Forget(byte[] value)
    {
        if (!table.TryGetValue(value, out var entry)) return;
        table.Remove(value);
        foreach (var stripe in entry.Stripes) stripe.Forget();
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(entry.Key);
    }

    /// <summary>An idle object keyed with <paramref name="value"/> from the calling thread's stripe, or null;
    /// <paramref name="lease"/> is where to give it (or a newly keyed one) back.</summary>
    public T? Rent(byte[] value, out Lease lease)
    {
        if (!table.TryGetValue(value, out var entry) || !entry.Key.AsSpan().SequenceEqual(value))
        {
            entry = new Entry((byte[])value.Clone());
            table.AddOrUpdate(value, entry);
        }
        lease = new Lease(entry);
        return entry.ForThisThread().TryTake();
    }

    public readonly struct Lease
    {
        private readonly Entry? entry;

        internal Lease(Entry entry) => this.entry = entry;

        /// <summary>Gives back an object keyed with this lease's key and reset to its just-keyed state (to the
        /// calling thread's stripe).</summary>
        public void Return(T item)
        {
            if (entry is null || !entry.ForThisThread().TryKeep(item)) (item as IDisposable)?.Dispose();
        }
    }

    internal sealed class Entry
    {
        public Entry(byte[] key)
        {
            Key = key;
            Stripes = new Stripe[StripeCount];
            for (int i = 0; i < Stripes.Length; i++) Stripes[i] = new Stripe();
        }

        public byte[] Key { get; }

        public Stripe[] Stripes { get; }

        public Stripe ForThisThread() => Stripes[Environment.CurrentManagedThreadId & (Stripes.Length - 1)];
    }

    /// <summary>One thread group's idle objects. The slot array is longer than <see cref="MaxIdle"/> so that it
    /// separates this stripe's fields from the next stripe's (allocated right after it) by more than a cache line.</summary>
    internal sealed class Stripe
    {
        private const int Slots = 16;

        private readonly Lock gate = new();
        private readonly T?[] idle = new T?[Slots];
        private int count;
        private bool forgotten;

        public T? TryTake()
        {
            lock (gate)
            {
                if (count == 0) return null;
                var item = idle[--count];
                idle[count] = null;
                return item;
            }
        }

        public bool TryKeep(T item)
        {
            lock (gate)
            {
                if (forgotten || count >= MaxIdle) return false;
                idle[count++] = item;
                return true;
            }
        }

        /// <summary>The key was wiped: disposes what is idle here and keeps nothing from now on.</summary>
        public void Forget()
        {
            lock (gate)
            {
                forgotten = true;
                while (count > 0)
                {
                    var item = idle[--count];
                    idle[count] = null;
                    (item as IDisposable)?.Dispose();
                }
            }
        }
    }
}
