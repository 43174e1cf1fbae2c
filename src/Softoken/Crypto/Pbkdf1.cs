using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;

namespace Softoken.Crypto;

/// <summary>PBKDF1 (RFC 8018 section 5.1, PKCS #5 v1.5 PBES1) through BouncyCastle's Pkcs5S1ParametersGenerator:
/// DK = Hash^c(P || S), the DES key its first 8 bytes and the IV the next 8.</summary>
internal static class Pbkdf1
{
    public static (byte[] Key, byte[] Iv) DeriveDesKeyAndIv(HashAlg alg, ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, int iterations)
    {
        var generator = new Pkcs5S1ParametersGenerator(HashAlgorithms.CreateBouncy(alg));
        generator.Init(password, salt, iterations);
        // "AES" only makes BouncyCastle wrap the bytes in a plain KeyParameter (no DES weak-key checks).
        var withIv = (ParametersWithIV)generator.GenerateDerivedParameters("AES", 64, 64);
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(generator.Password);
        return (((KeyParameter)withIv.Parameters).GetKey(), withIv.GetIV());
    }
}
