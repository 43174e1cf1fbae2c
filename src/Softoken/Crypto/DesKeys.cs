using Org.BouncyCastle.Crypto.Parameters;

namespace Softoken.Crypto;

/// <summary>DES key material (FIPS 46-3): odd parity in every byte, no weak or semi-weak component keys.</summary>
internal static class DesKeys
{
    /// <summary>A fresh DES (8), two-key (16) or three-key (24 bytes) triple-DES key with odd parity, drawn again
    /// while any 8-byte component is weak or semi-weak, or (for triple DES) two components are equal, which would
    /// degrade it to single DES.</summary>
    public static byte[] Generate(RandomSource random, int length)
    {
        var key = new byte[length];
        do
        {
            random.Fill(key);
            DesParameters.SetOddParity(key);
        }
        while (!Acceptable(key));
        return key;
    }

    public static void SetOddParity(Span<byte> key) => DesParameters.SetOddParity(key);

    private static bool Acceptable(ReadOnlySpan<byte> key)
    {
        for (int off = 0; off < key.Length; off += 8)
        {
            if (DesParameters.IsWeakKey(key.Slice(off, 8))) return false;
        }
        if (key.Length == 8) return true;
        bool k1k2 = key[..8].SequenceEqual(key.Slice(8, 8));
        bool k2k3 = key.Length == 24 && key.Slice(8, 8).SequenceEqual(key.Slice(16, 8));
        return !k1k2 && !k2k3;
    }
}
