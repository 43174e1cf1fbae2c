using System.Runtime.CompilerServices;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;

namespace Softoken.Crypto;

/// <summary>Expanded AES keys, remembered per key value array (a key object's CKA_VALUE) for as long as that array
/// lives. Expanding a key costs several times more than encrypting a block, and a token is typically asked to
/// initialise many operations with the same key (softokn does 3.2 million AES-CBC Init+Encrypt of 16 bytes per
/// second here). An entry holds its own copy of the key, checked against the array on every lookup, so a value that
/// changed in place (a wiped key) is never served from the cache; the entry goes when the array is collected.
/// Only the AES-NI engine is shared: it keeps no per-call state. BouncyCastle engines are not wipeable, so the
/// round keys live as long as any engine would.</summary>
internal static class AesKeySchedules
{
    private static readonly ConditionalWeakTable<byte[], Entry> Table = Registered();

    private static ConditionalWeakTable<byte[], Entry> Registered()
    {
        KeyValueCaches.Register(Forget);
        return new();
    }

    /// <summary>Drops the entry of a key value about to be wiped, and wipes the entry's copy of the key (operations
    /// that still hold the entry's engine refuse nothing: they hold a lease on the key, so this runs after them).</summary>
    private static void Forget(byte[] value)
    {
        if (Table.TryGetValue(value, out var entry))
        {
            Table.Remove(value);
            entry.Encrypt = null;
            entry.Decrypt = null;
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(entry.Key);
        }
    }

    /// <summary>An engine keyed with <paramref name="value"/> for the given direction, ready for ProcessBlock only
    /// (never Init it again: it is shared), or null where AES-NI is missing. <paramref name="key"/> receives the
    /// cache's copy of the key (not to be wiped: the cache owns it).</summary>
    public static IBlockCipher? Get(byte[] value, bool forEncryption, out byte[] key)
    {
        key = value;
        if (!AesEngine_X86.IsSupported) return null;
        if (!Table.TryGetValue(value, out var entry) || !entry.Key.AsSpan().SequenceEqual(value))
        {
            entry = new Entry((byte[])value.Clone());
            Table.AddOrUpdate(value, entry);
        }
        key = entry.Key;
        // Two threads may both expand a missing direction; either result is correct.
        return forEncryption
            ? entry.Encrypt ??= Create(entry.Key, true)
            : entry.Decrypt ??= Create(entry.Key, false);
    }

    private static IBlockCipher Create(byte[] key, bool forEncryption)
    {
        var engine = AesUtilities.CreateEngine();
        engine.Init(forEncryption, new KeyParameter(key));
        return engine;
    }

    private sealed class Entry(byte[] key)
    {
        public byte[] Key { get; } = key;

        public IBlockCipher? Encrypt;

        public IBlockCipher? Decrypt;
    }
}
