using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;
using Softoken.Operations;
using Softoken.Pkcs11;

namespace Softoken.Crypto;

/// <summary>A BouncyCastle stream cipher (RC4) as an encryption or decryption: every byte goes out at
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

    public int OneShotLength(int inputLength) => inputLength;

    public int OneShot(ReadOnlySpan<byte> input, Span<byte> output) => Update(input, output);

    public int UpdateLength(int inputLength) => inputLength;

    public int Update(ReadOnlySpan<byte> input, Span<byte> output)
    {
        cipher.ProcessBytes(input, output[..input.Length]);
        return input.Length;
    }

    public int FinalLength() => 0;

    public int Final(Span<byte> output) => 0;

    /// <summary>Nothing to wipe that the engine exposes: BouncyCastle's stream engines keep their key state
    /// privately.</summary>
    public void Dispose()
    {
    }
}
