using System.Runtime.Intrinsics;
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;
using Softoken.Pkcs11;

namespace Softoken.Crypto;

/// <summary>AES for ECB and CBC. Calls below <see cref="PlatformThreshold"/> bytes run on BouncyCastle's AES, whose
/// AES-NI code runs in managed code with no native transition and keys in a fraction of a microsecond; larger calls
/// run on .NET's AES (OpenSSL), which pipelines blocks but costs microseconds per call. The platform object is
/// created only when a large call arrives.</summary>
internal sealed class AesBlockCipher : BlockCipher
{
    /// <summary>Measured crossover (NativeAOT, this machine): BouncyCastle with four blocks in flight does about
    /// 2 GB/s for ECB and CBC decryption and 0.9 GB/s for CBC encryption including operation set-up, while a platform
    /// call costs a few microseconds before it reaches 5-7 GB/s (1.2 GB/s for CBC encryption, which is serial).</summary>
    public const int PlatformThreshold = 16384;

    private readonly IBlockCipher engine;
    private readonly AesEngine_X86 x86;
    private readonly bool hasX86;
    private readonly byte[] key;
    private readonly bool ownsKey;
    private Aes? platform;

    /// <summary>A cipher for a key object's value: the expanded key comes from <see cref="AesKeySchedules"/>.</summary>
    public AesBlockCipher(byte[] keyValue, bool forEncryption) : base(16, forEncryption)
    {
        if (keyValue.Length is not (16 or 24 or 32)) throw new Pkcs11Exception(CKR.CKR_KEY_SIZE_RANGE);
        var shared = AesKeySchedules.Get(keyValue, forEncryption, out key);
        if (shared is null)
        {
            key = (byte[])keyValue.Clone();
            ownsKey = true;
            engine = NewEngine(key, forEncryption);
        }
        else
        {
            engine = shared;
        }
        (x86, hasX86) = engine is AesEngine_X86 e ? (e, true) : (default, false);
    }

    /// <summary>A cipher for a transient key (derived subkeys): expanded here, not cached.</summary>
    public AesBlockCipher(ReadOnlySpan<byte> key, bool forEncryption) : base(16, forEncryption)
    {
        if (key.Length is not (16 or 24 or 32)) throw new Pkcs11Exception(CKR.CKR_KEY_SIZE_RANGE);
        this.key = key.ToArray();
        ownsKey = true;
        engine = NewEngine(this.key, forEncryption);
        (x86, hasX86) = engine is AesEngine_X86 e ? (e, true) : (default, false);
    }

    private static IBlockCipher NewEngine(byte[] key, bool forEncryption)
    {
        var engine = AesUtilities.CreateEngine();
        engine.Init(forEncryption, new KeyParameter(key));
        return engine;
    }

    public override void Ecb(ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (input.Length >= PlatformThreshold)
        {
            var aes = Platform();
            if (ForEncryption) aes.EncryptEcb(input, output, PaddingMode.None);
            else aes.DecryptEcb(input, output, PaddingMode.None);
            return;
        }
        int off = 0;
        if (hasX86)
        {
            // Four independent blocks keep the AES unit busy (ECB and CBC decryption are parallel).
            for (; off + 64 <= input.Length; off += 64) x86.ProcessFourBlocks(input.Slice(off, 64), output.Slice(off, 64));
        }
        for (; off < input.Length; off += 16) engine.ProcessBlock(input.Slice(off, 16), output.Slice(off, 16));
    }

    public override void Cbc(ReadOnlySpan<byte> input, Span<byte> output, Span<byte> chain)
    {
        if (input.Length >= PlatformThreshold)
        {
            PlatformCbc(input, output, chain);
        }
        else if (ForEncryption)
        {
            Span<byte> block = stackalloc byte[16];
            var c = Vector128.Create((ReadOnlySpan<byte>)chain);
            for (int off = 0; off < input.Length; off += 16)
            {
                (Vector128.Create(input.Slice(off, 16)) ^ c).CopyTo(block);
                var target = output.Slice(off, 16);
                engine.ProcessBlock(block, target);
                c = Vector128.Create((ReadOnlySpan<byte>)target);
            }
            c.CopyTo(chain);
            CryptographicOperations.ZeroMemory(block);
        }
        else if (!input.Overlaps(output) && input.Length > 0)
        {
            // P(i) = D(C(i)) xor C(i-1): decrypt all blocks at once, then chain.
            Ecb(input, output);
            Xor(output[..16], chain, output[..16]);
            for (int off = 16; off < input.Length; off += 16)
                Xor(output.Slice(off, 16), input.Slice(off - 16, 16), output.Slice(off, 16));
            input[^16..].CopyTo(chain);
        }
        else
        {
            base.Cbc(input, output, chain);
        }
    }

    private void PlatformCbc(ReadOnlySpan<byte> input, Span<byte> output, Span<byte> chain)
    {
        var aes = Platform();
        if (ForEncryption)
        {
            aes.EncryptCbc(input, chain, output, PaddingMode.None);
            output.Slice(input.Length - 16, 16).CopyTo(chain);
        }
        else
        {
            Span<byte> last = stackalloc byte[16];
            input.Slice(input.Length - 16, 16).CopyTo(last);
            aes.DecryptCbc(input, chain, output, PaddingMode.None);
            last.CopyTo(chain);
        }
    }

    protected override void EcbBlock(ReadOnlySpan<byte> input, Span<byte> output) => engine.ProcessBlock(input, output);

    private Aes Platform()
    {
        if (platform is null)
        {
            platform = Aes.Create();
            platform.SetKey(key);
        }
        return platform;
    }

    public override void Dispose()
    {
        if (ownsKey) CryptographicOperations.ZeroMemory(key);
        platform?.Dispose();
        platform = null;
    }
}
