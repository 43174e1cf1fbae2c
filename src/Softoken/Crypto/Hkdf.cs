using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;

namespace Softoken.Crypto;

/// <summary>HKDF (RFC 5869): .NET's HKDF (OpenSSL) for the hashes the platform has, BouncyCastle's
/// HkdfBytesGenerator for the others (and for expanding a PRK shorter than the hash, which .NET refuses).</summary>
internal static class Hkdf
{
    /// <summary>HKDF-Extract; an empty salt means HashLen zero bytes (RFC 5869 section 2.2).</summary>
    public static byte[] Extract(HashAlg alg, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> ikm)
    {
        if (HashAlgorithms.PlatformName(alg) is { } name)
        {
            var prk = new byte[HashAlgorithms.Size(alg)];
            HKDF.Extract(name, ikm, salt, prk);
            return prk;
        }
        // HKDF-Extract is HMAC(salt, IKM).
        return Hmac.Compute(alg, salt.IsEmpty ? new byte[HashAlgorithms.Size(alg)] : salt, ikm);
    }

    /// <summary>HKDF-Expand; <paramref name="length"/> at most 255 × HashLen (checked by the caller).</summary>
    public static byte[] Expand(HashAlg alg, ReadOnlySpan<byte> prk, ReadOnlySpan<byte> info, int length)
    {
        var output = new byte[length];
        if (HashAlgorithms.PlatformName(alg) is { } name && prk.Length >= HashAlgorithms.Size(alg))
        {
            HKDF.Expand(name, prk, output, info);
            return output;
        }
        var generator = new HkdfBytesGenerator(HashAlgorithms.CreateBouncy(alg));
        var prkCopy = prk.ToArray();
        generator.Init(HkdfParameters.SkipExtractParameters(prkCopy, info.ToArray()));
        generator.GenerateBytes(output);
        CryptographicOperations.ZeroMemory(prkCopy);
        return output;
    }
}
