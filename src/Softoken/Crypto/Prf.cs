using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Macs;
using Org.BouncyCastle.Crypto.Parameters;
using Softoken.Pkcs11;

namespace Softoken.Crypto;

/// <summary>A keyed pseudo-random function for the KDF constructions (SP 800-108): HMAC or CMAC. After
/// <see cref="Finish"/> it is ready for the next input under the same key.</summary>
internal interface IPrf : IDisposable
{
    int Size { get; }

    void Update(ReadOnlySpan<byte> data);

    int Finish(Span<byte> destination);
}

internal static class Prfs
{
    /// <summary>The PRF a mechanism names (CKM_SHA256_HMAC, CKM_AES_CMAC ...), or null when it names none.</summary>
    public static IPrf? Create(CKM mechanism, ReadOnlySpan<byte> key)
    {
        if (HashAlgorithms.FromHmacMechanism(mechanism) is { } alg) return new Hmac(alg, key);
        return mechanism switch
        {
            CKM.CKM_AES_CMAC => new CmacPrf(new AesEngine(), key, 16, 24, 32),
            _ => null,
        };
    }
}

/// <summary>CMAC (NIST SP 800-38B) through BouncyCastle.</summary>
internal sealed class CmacPrf : IPrf
{
    private readonly CMac mac;

    public CmacPrf(IBlockCipher cipher, ReadOnlySpan<byte> key, params int[] keySizes)
    {
        if (Array.IndexOf(keySizes, key.Length) < 0) throw new Pkcs11Exception(CKR.CKR_KEY_SIZE_RANGE);
        mac = new CMac(cipher);
        var copy = key.ToArray();
        mac.Init(new KeyParameter(copy));
        CryptographicOperations.ZeroMemory(copy);
    }

    public int Size => mac.GetMacSize();

    public void Update(ReadOnlySpan<byte> data) => mac.BlockUpdate(data);

    public int Finish(Span<byte> destination) => mac.DoFinal(destination);

    public void Dispose() => mac.Reset();
}
