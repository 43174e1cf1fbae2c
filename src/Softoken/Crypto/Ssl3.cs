using System.Security.Cryptography;

namespace Softoken.Crypto;

/// <summary>The SSL 3.0 constructions (RFC 6101 sections 5.2.3.1, 6.1 and 6.2.3.1) over .NET's MD5 and SHA-1.</summary>
internal static class Ssl3
{
    /// <summary>The 'A', 'BB', 'CCC' ... generator: MD5(secret + SHA-1(salt_i + secret + seed)) for i = 1, 2, ...
    /// until <paramref name="output"/> is full (master_secret uses ClientHello.random + ServerHello.random as the
    /// seed, key_block ServerHello.random + ClientHello.random).</summary>
    public static void Expand(ReadOnlySpan<byte> secret, ReadOnlySpan<byte> seed, Span<byte> output)
    {
        if (output.Length > 26 * 16) throw new ArgumentOutOfRangeException(nameof(output));
        using var sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        Span<byte> inner = stackalloc byte[20];
        Span<byte> block = stackalloc byte[16];
        Span<byte> salt = stackalloc byte[26];
        for (int i = 0, done = 0; done < output.Length; i++, done += 16)
        {
            salt[..(i + 1)].Fill((byte)('A' + i));
            sha1.AppendData(salt[..(i + 1)]);
            sha1.AppendData(secret);
            sha1.AppendData(seed);
            sha1.GetHashAndReset(inner);
            md5.AppendData(secret);
            md5.AppendData(inner);
            md5.GetHashAndReset(block);
            block[..Math.Min(16, output.Length - done)].CopyTo(output[done..]);
        }
        CryptographicOperations.ZeroMemory(inner);
        CryptographicOperations.ZeroMemory(block);
    }

    /// <summary>The SSL 3.0 MAC: hash(secret + pad_2 + hash(secret + pad_1 + data)), pad_1 = 0x36 and pad_2 = 0x5c
    /// repeated 48 times for MD5 and 40 times for SHA-1.</summary>
    public static byte[] Mac(HashAlgorithmName hash, ReadOnlySpan<byte> secret, ReadOnlySpan<byte> data)
    {
        int padLength = hash == HashAlgorithmName.MD5 ? 48 : 40;
        Span<byte> pad = stackalloc byte[48];
        using var h = IncrementalHash.CreateHash(hash);
        h.AppendData(secret);
        pad[..padLength].Fill(0x36);
        h.AppendData(pad[..padLength]);
        h.AppendData(data);
        var inner = h.GetHashAndReset();
        h.AppendData(secret);
        pad[..padLength].Fill(0x5c);
        h.AppendData(pad[..padLength]);
        h.AppendData(inner);
        CryptographicOperations.ZeroMemory(inner);
        return h.GetHashAndReset();
    }

    /// <summary>The length of pad_1 and pad_2: 48 for MD5, 40 for SHA-1.</summary>
    public static int PadLength(HashAlg alg) => alg == HashAlg.MD5 ? 48 : 40;
}
