using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;
using Softoken.Operations;
using Softoken.Pkcs11;

namespace Softoken.Crypto;

/// <summary>A BouncyCastle stream cipher (RC4, ChaCha20) as an encryption or decryption: every byte goes out at
/// once and Final adds nothing.</summary>
internal sealed class StreamCipherOperation : ICipherOperation
{
    private readonly IStreamCipher cipher;

    private StreamCipherOperation(IStreamCipher cipher) => this.cipher = cipher;

    /// <summary>RC4 with a 1 to 256 byte key.</summary>
    public static StreamCipherOperation Rc4(ReadOnlySpan<byte> key)
    {
        if (key.IsEmpty || key.Length > 256) throw new Pkcs11Exception(CKR.CKR_KEY_SIZE_RANGE);
        var engine = new RC4Engine();
        engine.Init(true, new KeyParameter(key));
        return new StreamCipherOperation(engine);
    }

    /// <summary>ChaCha20 starting at block <paramref name="counter"/>: the RFC 8439 layout (32-bit counter, 96-bit
    /// nonce) or the original one (64-bit counter, 64-bit nonce).</summary>
    public static StreamCipherOperation ChaCha20(ReadOnlySpan<byte> key, byte[] nonce, ulong counter)
    {
        if (key.Length != 32) throw new Pkcs11Exception(CKR.CKR_KEY_SIZE_RANGE);
        IStreamCipher engine = nonce.Length switch
        {
            12 when counter <= uint.MaxValue => new ChaCha7539At(counter),
            8 => new ChaChaAt(counter),
            _ => throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID),
        };
        engine.Init(true, new ParametersWithIV(new KeyParameter(key), nonce));
        return new StreamCipherOperation(engine);
    }

    public int OneShotLength(int inputLength) => inputLength;

    public int OneShot(ReadOnlySpan<byte> input, Span<byte> output) => Update(input, output);

    public int UpdateLength(int inputLength) => inputLength;

    public int Update(ReadOnlySpan<byte> input, Span<byte> output)
    {
        try
        {
            cipher.ProcessBytes(input, output[..input.Length]);
        }
        catch (CryptoException)
        {
            // ChaCha20's block counter would wrap.
            throw new Pkcs11Exception(CKR.CKR_DATA_LEN_RANGE);
        }
        catch (InvalidOperationException)
        {
            throw new Pkcs11Exception(CKR.CKR_DATA_LEN_RANGE);
        }
        return input.Length;
    }

    public int FinalLength() => 0;

    public int Final(Span<byte> output) => 0;

    /// <summary>Nothing to wipe that the engine exposes: BouncyCastle's stream engines keep their key state
    /// privately.</summary>
    public void Dispose()
    {
    }

    /// <summary>The largest initial block counter accepted. BouncyCastle's ChaCha engines start at block 0 and can only
    /// step their counter, so an initial counter costs about a nanosecond per block skipped.</summary>
    public const ulong MaxInitialCounter = 1UL << 26;

    private static void Skip(ulong counter, Action advance)
    {
        if (counter > MaxInitialCounter) throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID);
        for (ulong i = 0; i < counter; i++) advance();
    }

    /// <summary>RFC 8439 ChaCha20 whose keystream starts at a given block.</summary>
    private sealed class ChaCha7539At(ulong counter) : ChaCha7539Engine
    {
        protected override void ResetCounter()
        {
            base.ResetCounter();
            Skip(counter, AdvanceCounter);
        }
    }

    /// <summary>Original ChaCha20 (64-bit nonce) whose keystream starts at a given block.</summary>
    private sealed class ChaChaAt(ulong counter) : ChaChaEngine
    {
        protected override void ResetCounter()
        {
            base.ResetCounter();
            Skip(counter, AdvanceCounter);
        }
    }
}
