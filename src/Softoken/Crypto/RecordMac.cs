using System.Security.Cryptography;
using Softoken.Pkcs11;

namespace Softoken.Crypto;

/// <summary>The record MACs of NSS's constant-time mechanisms, with the same results as softokn's HMAC_ConstantTime and
/// SSLv3_MAC_ConstantTime: the data handed over is a decrypted record's content followed by the MAC tag the sender
/// appended, so the MAC covers header || data without its last hash-length bytes: HMAC(key, header || content), or
/// the SSL 3.0 MAC of header || content (RFC 6101 section 5.2.3.1). Data shorter than the tag is
/// CKR_DATA_LEN_RANGE (softokn computes garbage then).
/// <para>ulBodyTotalLen is the record's length with its padding. softokn reads that many bytes from the caller's buffer
/// whatever ulDataLen says and runs the hash's compression function a fixed number of times with masked selection, so
/// the time does not tell where the padding ended; its result is right only while the padding fits the window it
/// assumes (up to about 6 hash blocks for TLS, 2 for SSL 3.0: beyond that it returns a wrong MAC), whereas Softoken's
/// is always the MAC of the content. How constant the timing is: Softoken never reads past the ulDataLen bytes the
/// caller handed over (it has no right to), computes the MAC with .NET's platform HMAC / hashes, and then hashes
/// (ulBodyTotalLen - content length) zero bytes with the same hash and throws the result away. That keeps the number of hash blocks processed depending on
/// ulBodyTotalLen alone, which removes the large timing signal (a block per 64 bytes of padding), but it is not a
/// constant-time implementation: the platform hash, the managed buffering and the JIT give no cycle-level
/// guarantee.</para></summary>
internal static class RecordMac
{
    /// <summary>The key size softokn's constant-time context holds (its secret buffer is 64 bytes).</summary>
    public const int MaxKeyLength = 64;

    /// <summary>softokn's header buffer: 75 bytes, which for SSL 3.0 also holds the MAC secret and pad_1.</summary>
    public const int MaxHeaderLength = 75;

    /// <summary><paramref name="key"/> is the operation's own copy of the key value.</summary>
    public static byte[] Hmac(HashAlg alg, byte[] key, ReadOnlySpan<byte> header, ReadOnlySpan<byte> data, ulong bodyTotalLength) =>
        Compute(alg, header, data, bodyTotalLength, message => Crypto.Hmac.Compute(alg, key, message));

    /// <summary><paramref name="key"/> is the operation's own copy of the key value.</summary>
    public static byte[] Ssl3Mac(HashAlg alg, byte[] key, ReadOnlySpan<byte> header, ReadOnlySpan<byte> data, ulong bodyTotalLength)
    {
        var name = HashAlgorithms.PlatformName(alg)!.Value;
        return Compute(alg, header, data, bodyTotalLength, message => Ssl3.Mac(name, key, message));
    }

    private static byte[] Compute(HashAlg alg, ReadOnlySpan<byte> header, ReadOnlySpan<byte> data, ulong bodyTotalLength, Func<byte[], byte[]> mac)
    {
        int content = data.Length - HashAlgorithms.Size(alg);
        if (content < 0) throw new Pkcs11Exception(CKR.CKR_DATA_LEN_RANGE);
        byte[] message = [.. header, .. data[..content]];
        var result = mac(message);
        CryptographicOperations.ZeroMemory(message);
        Equalize(alg, content, bodyTotalLength);
        return result;
    }

    /// <summary>Hashes as many bytes as lie between the content's end and the body's total length (the tag and the
    /// padding softokn also runs through its hash), discarding the result.</summary>
    private static void Equalize(HashAlg alg, int contentLength, ulong bodyTotalLength)
    {
        if (bodyTotalLength <= (ulong)contentLength) return;
        using var hash = IncrementalHash.CreateHash(HashAlgorithms.PlatformName(alg)!.Value);
        Span<byte> zeros = stackalloc byte[256];
        zeros.Clear();
        for (ulong left = bodyTotalLength - (ulong)contentLength; left > 0;)
        {
            int n = (int)Math.Min(left, (ulong)zeros.Length);
            hash.AppendData(zeros[..n]);
            left -= (ulong)n;
        }
        Span<byte> discard = stackalloc byte[64];
        hash.GetHashAndReset(discard);
    }
}
