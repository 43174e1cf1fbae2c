using Org.BouncyCastle.Crypto.Engines;
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

    /// <summary>IBM's CDMF key transformation (the 40-bit export form of DES that PKCS #11 v2 defines as CKK_CDMF), as
    /// softokn applies it before using a CDMF key as a DES key: clear the parity bits, DES-encrypt under the first
    /// fixed key and XOR with the input, keep 40 key bits (mask 0x0E in even bytes, 0xFE in odd bytes), DES-encrypt
    /// under the second fixed key, set odd parity.</summary>
    public static byte[] CdmfToDes(ReadOnlySpan<byte> cdmfKey)
    {
        ReadOnlySpan<byte> k1 = [0xc4, 0x08, 0xb0, 0x54, 0x0b, 0xa1, 0xe0, 0xae];
        ReadOnlySpan<byte> k2 = [0xef, 0x2c, 0x04, 0x1c, 0xe6, 0x38, 0x2f, 0xe6];
        Span<byte> source = stackalloc byte[8];
        Span<byte> encrypted = stackalloc byte[8];
        for (int i = 0; i < 8; i++) source[i] = (byte)(cdmfKey[i] & 0xfe);
        var des = new DesEngine();
        des.Init(true, new KeyParameter(k1));
        des.ProcessBlock(source, encrypted);
        for (int i = 0; i < 8; i++) source[i] = (byte)((source[i] ^ encrypted[i]) & ((i & 1) == 1 ? 0xfe : 0x0e));
        var result = new byte[8];
        des.Init(true, new KeyParameter(k2));
        des.ProcessBlock(source, result);
        DesParameters.SetOddParity(result);
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(source);
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(encrypted);
        return result;
    }

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
