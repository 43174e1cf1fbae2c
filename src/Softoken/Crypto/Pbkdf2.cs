using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;

namespace Softoken.Crypto;

/// <summary>PBKDF2 (RFC 8018 section 5.2) with an HMAC PRF: .NET's Rfc2898DeriveBytes (OpenSSL) for the hashes the
/// platform has, BouncyCastle's Pkcs5S2ParametersGenerator for the others.</summary>
internal static class Pbkdf2
{
    public static byte[] Derive(HashAlg prf, ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, int iterations, int length)
    {
        var output = new byte[length];
        if (prf is HashAlg.SHA1 or HashAlg.SHA256 or HashAlg.SHA384 or HashAlg.SHA512)
        {
            Rfc2898DeriveBytes.Pbkdf2(password, salt, output, iterations, HashAlgorithms.PlatformName(prf)!.Value);
            return output;
        }
        var generator = new Pkcs5S2ParametersGenerator(HashAlgorithms.CreateBouncy(prf));
        generator.Init(password, salt, iterations);
        var key = (KeyParameter)generator.GenerateDerivedMacParameters(length * 8);
        key.GetKey().CopyTo(output, 0);
        CryptographicOperations.ZeroMemory(generator.Password);
        return output;
    }
}
