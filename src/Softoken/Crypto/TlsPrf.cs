using System.Security.Cryptography;

namespace Softoken.Crypto;

/// <summary>The TLS pseudo-random functions, built on <see cref="Hmac"/>: P_hash (RFC 5246 section 5), the TLS 1.2
/// PRF (P_hash with one hash) and the TLS 1.0/1.1 PRF (RFC 2246 section 5: P_MD5 over the first half of the secret
/// XOR P_SHA-1 over the second).</summary>
internal static class TlsPrf
{
    /// <summary>PRF(secret, label, seed) into <paramref name="output"/>; <paramref name="alg"/> null selects the
    /// TLS 1.0/1.1 PRF.</summary>
    public static void Compute(HashAlg? alg, ReadOnlySpan<byte> secret, ReadOnlySpan<byte> label, ReadOnlySpan<byte> seed, Span<byte> output)
    {
        var labelSeed = new byte[label.Length + seed.Length];
        label.CopyTo(labelSeed);
        seed.CopyTo(labelSeed.AsSpan(label.Length));
        if (alg is { } hash)
        {
            PHash(hash, secret, labelSeed, output);
            return;
        }
        int half = (secret.Length + 1) / 2;
        PHash(HashAlg.MD5, secret[..half], labelSeed, output);
        var sha1 = new byte[output.Length];
        PHash(HashAlg.SHA1, secret[(secret.Length - half)..], labelSeed, sha1);
        for (int i = 0; i < output.Length; i++) output[i] ^= sha1[i];
        CryptographicOperations.ZeroMemory(sha1);
    }

    /// <summary>P_hash(secret, seed) = HMAC(secret, A(1) + seed) + HMAC(secret, A(2) + seed) + ..., where
    /// A(0) = seed and A(i) = HMAC(secret, A(i-1)).</summary>
    public static void PHash(HashAlg alg, ReadOnlySpan<byte> secret, ReadOnlySpan<byte> seed, Span<byte> output)
    {
        using var mac = new Hmac(alg, secret);
        int size = mac.Size;
        Span<byte> a = stackalloc byte[size];
        Span<byte> block = stackalloc byte[size];
        mac.Update(seed);
        mac.Finish(a);
        for (int done = 0; done < output.Length; done += size)
        {
            mac.Update(a);
            mac.Update(seed);
            mac.Finish(block);
            block[..Math.Min(size, output.Length - done)].CopyTo(output[done..]);
            mac.Update(a);
            mac.Finish(a);
        }
        CryptographicOperations.ZeroMemory(a);
        CryptographicOperations.ZeroMemory(block);
    }
}
