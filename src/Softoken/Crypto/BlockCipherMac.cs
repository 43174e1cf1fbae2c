using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Macs;
using Softoken.Operations;
using Softoken.Pkcs11;

namespace Softoken.Crypto;

/// <summary>A MAC computed with a block cipher, truncated to the mechanism's length, as both C_Sign and C_Verify
/// operations. Verification compares in constant time; a signature of the wrong length is CKR_SIGNATURE_LEN_RANGE.</summary>
internal abstract class BlockCipherMac(int macLength) : ISignOperation, IVerifyOperation
{
    public int SignatureLength { get; } = macLength;

    /// <summary>The untruncated MAC length (one block).</summary>
    protected abstract int FullLength { get; }

    public abstract void Update(ReadOnlySpan<byte> data);

    /// <summary>Writes the full MAC (<see cref="FullLength"/> bytes).</summary>
    protected abstract void Compute(Span<byte> mac);

    public int Final(Span<byte> signature)
    {
        Span<byte> mac = stackalloc byte[FullLength];
        Compute(mac);
        mac[..SignatureLength].CopyTo(signature);
        CryptographicOperations.ZeroMemory(mac);
        return SignatureLength;
    }

    public bool Final(ReadOnlySpan<byte> signature)
    {
        if (signature.Length != SignatureLength) throw new Pkcs11Exception(CKR.CKR_SIGNATURE_LEN_RANGE);
        Span<byte> mac = stackalloc byte[FullLength];
        Compute(mac);
        bool valid = CryptographicOperations.FixedTimeEquals(mac[..SignatureLength], signature);
        CryptographicOperations.ZeroMemory(mac);
        return valid;
    }

    public abstract void Dispose();
}

/// <summary>CBC-MAC as PKCS #11's CKM_*_MAC and CKM_*_MAC_GENERAL define it (FIPS 113 / ANSI X9.9): CBC with a zero
/// IV, the last partial block padded with zeros, the last chaining value truncated. No data at all gives the
/// zero IV itself, as in softokn.</summary>
internal sealed class CbcMac : BlockCipherMac
{
    private readonly BlockCipher cipher;
    private readonly byte[] chain;
    private readonly byte[] partial;
    private int partialLength;

    public CbcMac(BlockCipher cipher, int macLength) : base(macLength)
    {
        this.cipher = cipher;
        chain = new byte[cipher.BlockSize];
        partial = new byte[cipher.BlockSize];
    }

    protected override int FullLength => cipher.BlockSize;

    public override void Update(ReadOnlySpan<byte> data)
    {
        int bs = cipher.BlockSize;
        if (partialLength > 0)
        {
            int take = Math.Min(bs - partialLength, data.Length);
            data[..take].CopyTo(partial.AsSpan(partialLength));
            partialLength += take;
            data = data[take..];
            if (partialLength < bs) return;
            Absorb(partial);
            partialLength = 0;
        }
        // Keep the last partial block (and only that) for Final.
        int whole = data.Length - data.Length % bs;
        for (int off = 0; off < whole; off += bs) Absorb(data.Slice(off, bs));
        data[whole..].CopyTo(partial);
        partialLength = data.Length - whole;
    }

    private void Absorb(ReadOnlySpan<byte> block)
    {
        Span<byte> x = stackalloc byte[block.Length];
        for (int i = 0; i < x.Length; i++) x[i] = (byte)(block[i] ^ chain[i]);
        cipher.Ecb(x, chain);
        CryptographicOperations.ZeroMemory(x);
    }

    protected override void Compute(Span<byte> mac)
    {
        if (partialLength > 0)
        {
            partial.AsSpan(partialLength).Clear();
            Absorb(partial);
            partialLength = 0;
        }
        chain.CopyTo(mac);
    }

    public override void Dispose()
    {
        CryptographicOperations.ZeroMemory(chain);
        CryptographicOperations.ZeroMemory(partial);
        cipher.Dispose();
    }
}

/// <summary>CMAC (NIST SP 800-38B) on BouncyCastle, for AES and triple DES.</summary>
internal sealed class Cmac : BlockCipherMac
{
    private static readonly KeyedPool<CMac> Pool = new();

    private readonly CMac mac;
    private readonly KeyedPool<CMac>.Lease lease;

    /// <summary>CMACs are pooled per key value array: deriving the subkeys costs more than a short message.</summary>
    public Cmac(BlockKey key, int macLength) : base(macLength)
    {
        var pooled = Pool.Rent(key.Value, out lease);
        if (pooled is not null && pooled.GetMacSize() == key.BlockSize)
        {
            mac = pooled;
            return;
        }
        mac = new CMac(BlockCiphers.NewEngine(key.Algorithm));
        var parameters = BlockCiphers.KeyParameters(key);
        BlockCiphers.Keyed(() => mac.Init(parameters));
    }

    protected override int FullLength => mac.GetMacSize();

    public override void Update(ReadOnlySpan<byte> data) => mac.BlockUpdate(data);

    protected override void Compute(Span<byte> output) => mac.DoFinal(output);

    public override void Dispose()
    {
        mac.Reset();
        lease.Return(mac);
    }
}

/// <summary>AES-XCBC-MAC (RFC 3566), with a 128-bit AES key: K1 = E(K, 0x01..), K2 = E(K, 0x02..),
/// K3 = E(K, 0x03..); CBC-MAC under K1 where the last block is XORed with K2 when complete, or padded with 10* and
/// XORed with K3. CKM_AES_XCBC_MAC_96 keeps 12 bytes.</summary>
internal sealed class XcbcMac : BlockCipherMac
{
    private readonly BlockCipher k1;
    private readonly byte[] k2 = new byte[16];
    private readonly byte[] k3 = new byte[16];
    private readonly byte[] chain = new byte[16];
    private readonly byte[] pending = new byte[16];
    private int pendingLength;

    public XcbcMac(ReadOnlySpan<byte> key, int macLength) : base(macLength)
    {
        if (key.Length != 16) throw new Pkcs11Exception(CKR.CKR_KEY_SIZE_RANGE);
        Span<byte> derived = stackalloc byte[48];
        for (int i = 0; i < 3; i++) derived.Slice(16 * i, 16).Fill((byte)(i + 1));
        using (var master = new AesBlockCipher(key, forEncryption: true)) master.Ecb(derived, derived);
        k1 = new AesBlockCipher(derived[..16], forEncryption: true);
        derived.Slice(16, 16).CopyTo(k2);
        derived.Slice(32, 16).CopyTo(k3);
        CryptographicOperations.ZeroMemory(derived);
    }

    protected override int FullLength => 16;

    public override void Update(ReadOnlySpan<byte> data)
    {
        // The last block (complete or not) is held back: Final treats it differently.
        while (!data.IsEmpty)
        {
            if (pendingLength == 16)
            {
                Absorb(pending, null);
                pendingLength = 0;
            }
            int take = Math.Min(16 - pendingLength, data.Length);
            data[..take].CopyTo(pending.AsSpan(pendingLength));
            pendingLength += take;
            data = data[take..];
        }
    }

    private void Absorb(ReadOnlySpan<byte> block, byte[]? subkey)
    {
        Span<byte> x = stackalloc byte[16];
        for (int i = 0; i < 16; i++) x[i] = (byte)(block[i] ^ chain[i] ^ (subkey is null ? 0 : subkey[i]));
        k1.Ecb(x, chain);
        CryptographicOperations.ZeroMemory(x);
    }

    protected override void Compute(Span<byte> mac)
    {
        if (pendingLength == 16)
        {
            Absorb(pending, k2);
        }
        else
        {
            pending[pendingLength] = 0x80;
            pending.AsSpan(pendingLength + 1).Clear();
            Absorb(pending, k3);
        }
        pendingLength = 0;
        chain.CopyTo(mac);
    }

    public override void Dispose()
    {
        k1.Dispose();
        CryptographicOperations.ZeroMemory(k2);
        CryptographicOperations.ZeroMemory(k3);
        CryptographicOperations.ZeroMemory(chain);
        CryptographicOperations.ZeroMemory(pending);
    }
}
