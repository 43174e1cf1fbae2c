using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Macs;
using Org.BouncyCastle.Crypto.Parameters;

namespace Softoken.Crypto;

/// <summary>HMAC (RFC 2104) over any <see cref="HashAlg"/>, chosen like the digests: HMAC-SHA-1 and HMAC-SHA-256
/// on OpenSSL (IncrementalHash) always; MD5, SHA-384, SHA-512 and SHA-3 on BouncyCastle's HMac while the message
/// stays within <see cref="AdaptiveDigest.Threshold"/> bytes (init + short message is up to 2× faster there) and
/// on OpenSSL beyond; MD2, SHA-224, SHA-512/t on BouncyCastle only. After <see cref="Finish"/> the engine is ready
/// for the next message under the same key, which the PRF constructions (TLS P_hash, SP 800-108) rely on.</summary>
internal sealed class Hmac : IPrf
{
    /// <summary>Keyed OpenSSL HMACs per key value array, for the next operation with the same key: creating and
    /// keying an HMAC context costs about as much as MACing a kilobyte. Only the OpenSSL-backed SHA-1 and SHA-256.</summary>
    private static readonly KeyedPool<Hmac> Sha1Pool = new(), Sha256Pool = new();

    private readonly byte[] key;
    private KeyedPool<Hmac>.Lease lease;
    private bool pooled;
    private bool midMessage;
    private readonly HashAlgorithmName? platformName;
    private readonly byte[]? buffer;
    private int buffered;
    private IncrementalHash? platform;
    private HMac? bouncy;

    public Hmac(HashAlg alg, ReadOnlySpan<byte> key)
    {
        Alg = alg;
        this.key = key.ToArray();
        platformName = HashAlgorithms.PlatformName(alg);
        if (alg is HashAlg.SHA1 or HashAlg.SHA256) platform = IncrementalHash.CreateHMAC(platformName!.Value, key);
        else if (platformName is not null) buffer = new byte[AdaptiveDigest.Threshold];
    }

    /// <summary>An HMAC keyed with a key object's value (the array itself, which the caller keeps intact while the
    /// MAC is in use), reused from an earlier operation with the same value array when one is idle. Give it back with
    /// <see cref="Release"/>.</summary>
    public static Hmac ForKeyValue(HashAlg alg, byte[] value)
    {
        var pool = alg switch { HashAlg.SHA1 => Sha1Pool, HashAlg.SHA256 => Sha256Pool, _ => null };
        if (pool is null) return new Hmac(alg, value);
        var mac = pool.Rent(value, out var lease) ?? new Hmac(alg, value);
        mac.lease = lease;
        mac.pooled = true;
        return mac;
    }

    public HashAlg Alg { get; }

    public int Size => HashAlgorithms.Size(Alg);

    public void Update(ReadOnlySpan<byte> data)
    {
        midMessage = true;
        if (platform is not null)
        {
            platform.AppendData(data);
        }
        else if (buffer is null)
        {
            Bouncy().BlockUpdate(data);
        }
        else if (buffered + data.Length <= buffer.Length)
        {
            data.CopyTo(buffer.AsSpan(buffered));
            buffered += data.Length;
        }
        else
        {
            // Past the threshold: this message moves to OpenSSL (and the next ones start buffered again).
            platform = IncrementalHash.CreateHMAC(platformName!.Value, key);
            platform.AppendData(buffer.AsSpan(0, buffered));
            platform.AppendData(data);
            ClearBuffer();
        }
    }

    /// <summary>Writes the full MAC (<see cref="Size"/> bytes) and resets to the keyed initial state.</summary>
    public int Finish(Span<byte> destination)
    {
        midMessage = false;
        if (platform is not null)
        {
            int n = platform.GetHashAndReset(destination);
            if (buffer is not null)
            {
                platform.Dispose();
                platform = null;
            }
            return n;
        }
        var mac = Bouncy();
        if (buffer is not null)
        {
            mac.BlockUpdate(buffer.AsSpan(0, buffered));
            ClearBuffer();
        }
        return mac.DoFinal(destination);
    }

    /// <summary>HMAC of one message.</summary>
    public static byte[] Compute(HashAlg alg, ReadOnlySpan<byte> key, ReadOnlySpan<byte> data)
    {
        using var mac = new Hmac(alg, key);
        mac.Update(data);
        var result = new byte[mac.Size];
        mac.Finish(result);
        return result;
    }

    /// <summary>Ends a use: an HMAC from <see cref="ForKeyValue"/> that is between messages goes back to its pool,
    /// any other is disposed.</summary>
    public void Release()
    {
        if (pooled && !midMessage && platform is not null)
        {
            pooled = false;
            lease.Return(this);
            return;
        }
        Dispose();
    }

    public void Dispose()
    {
        pooled = false;
        platform?.Dispose();
        platform = null;
        bouncy?.Reset();
        ClearBuffer();
        CryptographicOperations.ZeroMemory(key);
    }

    private HMac Bouncy()
    {
        if (bouncy is null)
        {
            bouncy = new HMac(HashAlgorithms.CreateBouncy(Alg));
            bouncy.Init(new KeyParameter(key));
        }
        return bouncy;
    }

    private void ClearBuffer()
    {
        if (buffer is null) return;
        CryptographicOperations.ZeroMemory(buffer.AsSpan(0, buffered));
        buffered = 0;
    }
}
