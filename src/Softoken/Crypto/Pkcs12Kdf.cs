using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;

namespace Softoken.Crypto;

/// <summary>The PKCS #12 key derivation (RFC 7292 appendix B.2) through BouncyCastle's Pkcs12ParametersGenerator.
/// The password is used exactly as given: NSS passes it already encoded as a NUL-terminated BMPString.</summary>
internal static class Pkcs12Kdf
{
    /// <summary>ID 1 (key material) and, when <paramref name="ivLength"/> is not 0, ID 2 (IV).</summary>
    public static (byte[] Key, byte[] Iv) DeriveKeyAndIv(
        HashAlg alg, ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, int iterations, int keyLength, int ivLength)
    {
        var generator = Start(alg, password, salt, iterations);
        try
        {
            // "AES" only makes BouncyCastle wrap the bytes in a plain KeyParameter (no DES weak-key checks).
            if (ivLength == 0) return (Bytes((KeyParameter)generator.GenerateDerivedParameters("AES", keyLength * 8)), []);
            var withIv = (ParametersWithIV)generator.GenerateDerivedParameters("AES", keyLength * 8, ivLength * 8);
            return (Bytes((KeyParameter)withIv.Parameters), withIv.GetIV());
        }
        finally
        {
            CryptographicOperations.ZeroMemory(generator.Password);
        }
    }

    /// <summary>ID 3: the MAC key of a PKCS #12 MacData.</summary>
    public static byte[] DeriveMacKey(HashAlg alg, ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, int iterations, int length)
    {
        var generator = Start(alg, password, salt, iterations);
        try
        {
            return Bytes((KeyParameter)generator.GenerateDerivedMacParameters(length * 8));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(generator.Password);
        }
    }

    private static Pkcs12ParametersGenerator Start(HashAlg alg, ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, int iterations)
    {
        var generator = new Pkcs12ParametersGenerator(HashAlgorithms.CreateBouncy(alg));
        generator.Init(password, salt, iterations);
        return generator;
    }

    private static byte[] Bytes(KeyParameter key) => key.GetKey();
}
