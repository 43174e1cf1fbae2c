using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Macs;
using Org.BouncyCastle.Crypto.Parameters;

namespace Softoken.Crypto;

/// <summary>HMAC (RFC 2104) over any <see cref="HashAlg"/>: OpenSSL through IncrementalHash for the hashes the
/// platform has (it leads BouncyCastle for init + short message, and for bulk data), BouncyCastle's HMac for the
/// others (MD2, SHA-224, SHA-512/t, SHA3-224). After <see cref="Finish"/> the engine is ready for the next
/// message under the same key, which the PRF constructions (TLS P_hash, SP 800-108, PBKDF2) rely on.</summary>
internal sealed class Hmac : IPrf
{
    private readonly IncrementalHash? platform;
    private readonly HMac? bouncy;

    public Hmac(HashAlg alg, ReadOnlySpan<byte> key)
    {
        Alg = alg;
        if (HashAlgorithms.PlatformName(alg) is { } name)
        {
            platform = IncrementalHash.CreateHMAC(name, key);
        }
        else
        {
            bouncy = new HMac(HashAlgorithms.CreateBouncy(alg));
            bouncy.Init(new KeyParameter(key));
        }
    }

    public HashAlg Alg { get; }

    public int Size => HashAlgorithms.Size(Alg);

    public void Update(ReadOnlySpan<byte> data)
    {
        if (platform is not null) platform.AppendData(data);
        else bouncy!.BlockUpdate(data);
    }

    /// <summary>Writes the full MAC (<see cref="Size"/> bytes) and resets to the keyed initial state.</summary>
    public int Finish(Span<byte> destination) =>
        platform is not null ? platform.GetHashAndReset(destination) : bouncy!.DoFinal(destination);

    /// <summary>HMAC of one message.</summary>
    public static byte[] Compute(HashAlg alg, ReadOnlySpan<byte> key, ReadOnlySpan<byte> data)
    {
        using var mac = new Hmac(alg, key);
        mac.Update(data);
        var result = new byte[mac.Size];
        mac.Finish(result);
        return result;
    }

    public void Dispose()
    {
        platform?.Dispose();
        bouncy?.Reset();
    }
}
