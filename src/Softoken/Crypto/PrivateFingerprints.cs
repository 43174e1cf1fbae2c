using System.Runtime.CompilerServices;

namespace Softoken.Crypto;

/// <summary>The platform-cache fingerprints of a private key object, remembered per key value array (the object's
/// CKA_VALUE) so that an operation on a key already imported does not hash the private value again (a managed
/// SHA-256 over the tag, the curve and d: about a microsecond, 3 % of an ECDSA P-256 signature). An attribute array is
/// never changed in place except to be wiped, and a wiped value is refused before anyone asks for its fingerprint;
/// the entry also names the curve it was made for and holds nothing secret (only the fingerprints, which the key
/// caches hold anyway). The object table's wipe callback drops the entry; otherwise it goes with the array.</summary>
internal static class PrivateFingerprints
{
    private static readonly ConditionalWeakTable<byte[], Entry> Table = Registered();

    private static ConditionalWeakTable<byte[], Entry> Registered()
    {
        KeyValueCaches.Register(value => Table.Remove(value));
        return new();
    }

    /// <summary>The fingerprint for <paramref name="use"/> of the key whose CKA_VALUE array is <paramref name="value"/>
    /// on <paramref name="context"/> (its curve), computed by <paramref name="compute"/> from <paramref name="state"/> the
    /// first time.</summary>
    public static KeyFingerprint Get<TState>(byte[] value, object context, string use, TState state,
        Func<TState, string, KeyFingerprint> compute)
    {
        if (Table.TryGetValue(value, out var entry) && ReferenceEquals(entry.Context, context))
        {
            foreach (var (name, fingerprint) in Volatile.Read(ref entry.Known))
            {
                if (ReferenceEquals(name, use) || name == use) return fingerprint;
            }
        }
        else
        {
            entry = new Entry(context);
            Table.AddOrUpdate(value, entry);
        }
        var computed = compute(state, use);
        // Two threads may add the same use; either copy is the same value.
        while (true)
        {
            var known = Volatile.Read(ref entry.Known);
            if (Interlocked.CompareExchange(ref entry.Known, [.. known, (use, computed)], known) == known) return computed;
        }
    }

    /// <summary>Whether <paramref name="value"/> has an entry (for tests).</summary>
    internal static bool Has(byte[] value) => Table.TryGetValue(value, out _);

    private sealed class Entry(object context)
    {
        public object Context { get; } = context;

        public (string Use, KeyFingerprint Fingerprint)[] Known = [];
    }
}
