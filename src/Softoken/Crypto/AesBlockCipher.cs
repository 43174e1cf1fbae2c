using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;
using Softoken.Pkcs11;

namespace Softoken.Crypto;

/// <summary>AES for ECB and CBC. Calls below <see cref="PlatformThreshold"/> bytes run on BouncyCastle's AES, whose
/// AES-NI code runs in managed code with no native transition and keys in a fraction of a microsecond; larger calls
/// run on .NET's AES (OpenSSL), which pipelines blocks but costs microseconds per call. The platform object is
/// created only when a large call arrives.</summary>
internal sealed class AesBlockCipher : BlockCipher
{
    /// <summary>Measured crossover (ECB and CBC decryption, which OpenSSL pipelines; see the bench notes).</summary>
    public const int PlatformThreshold = 4096;

    private readonly IBlockCipher engine;
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
    }

    /// <summary>A cipher for a transient key (derived subkeys): expanded here, not cached.</summary>
    public AesBlockCipher(ReadOnlySpan<byte> key, bool forEncryption) : base(16, forEncryption)
    {
        if (key.Length is not (16 or 24 or 32)) throw new Pkcs11Exception(CKR.CKR_KEY_SIZE_RANGE);
        this.key = key.ToArray();
        ownsKey = true;
        engine = NewEngine(this.key, forEncryption);
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
        for (int off = 0; off < input.Length; off += 16) engine.ProcessBlock(input.Slice(off, 16), output.Slice(off, 16));
    }

    public override void Cbc(ReadOnlySpan<byte> input, Span<byte> output, Span<byte> chain)
    {
        if (input.Length < PlatformThreshold)
        {
            base.Cbc(input, output, chain);
            return;
        }
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
