using System.Runtime.Intrinsics;
using Org.BouncyCastle.Crypto;
using Softoken.Pkcs11;

namespace Softoken.Crypto;

/// <summary>The block ciphers of the symmetric mechanisms.</summary>
internal enum BlockAlgorithm
{
    Aes,
    Des,
    /// <summary>Two- or three-key triple DES (16 or 24 key bytes).</summary>
    Des3,
    Rc2,
    Camellia,
    Seed,
}

/// <summary>A key for a <see cref="BlockAlgorithm"/>. <see cref="Value"/> is read, never kept: every cipher built
/// from it copies or expands it. RC2 also carries its effective key bits (RFC 2268).</summary>
internal readonly record struct BlockKey(BlockAlgorithm Algorithm, byte[] Value, int Rc2EffectiveBits = 0)
{
    public int BlockSize => Algorithm is BlockAlgorithm.Des or BlockAlgorithm.Des3 or BlockAlgorithm.Rc2 ? 8 : 16;
}

/// <summary>A keyed block cipher working in one direction: ECB over whole blocks, and CBC with a chaining block the
/// caller holds. The modes built on it (CBC_PAD, CTS, CTR, CBC-MAC, XCBC) never see the library underneath.</summary>
internal abstract class BlockCipher(int blockSize, bool forEncryption) : IDisposable
{
    public int BlockSize { get; } = blockSize;

    public bool ForEncryption { get; } = forEncryption;

    /// <summary>ECB over <paramref name="input"/> (whole blocks). <paramref name="output"/> may be the same memory
    /// as the input but must not be shifted against it.</summary>
    public abstract void Ecb(ReadOnlySpan<byte> input, Span<byte> output);

    /// <summary>CBC over whole blocks. <paramref name="chain"/> holds the IV (or the previous call's last ciphertext
    /// block) and receives the last ciphertext block, so consecutive calls continue one message.</summary>
    public virtual void Cbc(ReadOnlySpan<byte> input, Span<byte> output, Span<byte> chain)
    {
        int bs = BlockSize;
        Span<byte> block = stackalloc byte[bs];
        for (int off = 0; off < input.Length; off += bs)
        {
            var source = input.Slice(off, bs);
            var target = output.Slice(off, bs);
            if (ForEncryption)
            {
                Xor(source, chain, block);
                EcbBlock(block, target);
                target.CopyTo(chain);
            }
            else
            {
                source.CopyTo(block);
                EcbBlock(block, target);
                Xor(target, chain, target);
                block.CopyTo(chain);
            }
        }
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(block);
    }

    /// <summary>XOR of two blocks of 8 or 16 bytes.</summary>
    protected static void Xor(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> result)
    {
        if (a.Length == 16)
        {
            (Vector128.Create(a) ^ Vector128.Create(b)).CopyTo(result);
        }
        else
        {
            ulong x = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(a)
                ^ System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(b);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(result, x);
        }
    }

    /// <summary>One block; input and output may be the same span.</summary>
    protected abstract void EcbBlock(ReadOnlySpan<byte> input, Span<byte> output);

    public virtual void Dispose()
    {
    }
}

/// <summary>Creates block ciphers and BouncyCastle engines for a <see cref="BlockKey"/>; maps the library's key
/// errors to CKR_KEY_SIZE_RANGE.</summary>
internal static class BlockCiphers
{
    public static BlockCipher Create(BlockKey key, bool forEncryption)
    {
        if (key.Algorithm == BlockAlgorithm.Aes) return new AesBlockCipher(key.Value, forEncryption);
        if (key.Algorithm == BlockAlgorithm.Des3) return new TripleDesBlockCipher(InitEngine(key, forEncryption), key.Value, forEncryption);
        return new BouncyBlockCipher(InitEngine(key, forEncryption), forEncryption);
    }

    /// <summary>An unkeyed engine, for BouncyCastle modes that key it themselves (GCM, CCM, OFB, CFB, CMAC).</summary>
    public static IBlockCipher NewEngine(BlockAlgorithm algorithm) => algorithm switch
    {
        BlockAlgorithm.Aes => AesUtilities.CreateEngine(),
        BlockAlgorithm.Des => new Org.BouncyCastle.Crypto.Engines.DesEngine(),
        BlockAlgorithm.Des3 => new Org.BouncyCastle.Crypto.Engines.DesEdeEngine(),
        BlockAlgorithm.Rc2 => new Org.BouncyCastle.Crypto.Engines.RC2Engine(),
        BlockAlgorithm.Camellia => new Org.BouncyCastle.Crypto.Engines.CamelliaEngine(),
        BlockAlgorithm.Seed => new Org.BouncyCastle.Crypto.Engines.SeedEngine(),
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm)),
    };

    public static ICipherParameters KeyParameters(BlockKey key) => key.Algorithm == BlockAlgorithm.Rc2
        ? new Org.BouncyCastle.Crypto.Parameters.RC2Parameters(key.Value, key.Rc2EffectiveBits)
        : new Org.BouncyCastle.Crypto.Parameters.KeyParameter(key.Value);

    public static IBlockCipher InitEngine(BlockKey key, bool forEncryption)
    {
        var engine = NewEngine(key.Algorithm);
        Keyed(() => engine.Init(forEncryption, KeyParameters(key)));
        return engine;
    }

    /// <summary>Runs a library keying step, translating its argument errors into CKR_KEY_SIZE_RANGE.</summary>
    public static void Keyed(Action init)
    {
        try
        {
            init();
        }
        catch (ArgumentException)
        {
            throw new Pkcs11Exception(CKR.CKR_KEY_SIZE_RANGE);
        }
    }
}

/// <summary>A BouncyCastle engine (DES, triple DES, RC2, Camellia, SEED; AES where the platform is not used).</summary>
internal sealed class BouncyBlockCipher(IBlockCipher engine, bool forEncryption)
    : BlockCipher(engine.GetBlockSize(), forEncryption)
{
    public override void Ecb(ReadOnlySpan<byte> input, Span<byte> output)
    {
        int bs = BlockSize;
        for (int off = 0; off < input.Length; off += bs) engine.ProcessBlock(input.Slice(off, bs), output.Slice(off, bs));
    }

    protected override void EcbBlock(ReadOnlySpan<byte> input, Span<byte> output) => engine.ProcessBlock(input, output);
}
