using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;

namespace Softoken.Crypto;

/// <summary>The feedback modes of NIST SP 800-38A on BouncyCastle: OFB and CFB with a full-block segment
/// (CKM_AES_OFB, CKM_AES_CFB128) and CFB with an 8-bit segment (CKM_AES_CFB8). Any message length: Update passes
/// on whole segments and Final the partial last one, which both modes simply truncate.</summary>
internal sealed class FeedbackModeCipher : BufferedCipher
{
    private readonly IBlockCipher mode;

    private FeedbackModeCipher(IBlockCipher mode) : base(mode.GetBlockSize(), mode.GetBlockSize()) => this.mode = mode;

    public static FeedbackModeCipher Ofb(BlockKey key, ReadOnlySpan<byte> iv, bool encrypt) =>
        Create(new OfbBlockCipher(BlockCiphers.NewEngine(key.Algorithm), 8 * key.BlockSize), key, iv, encrypt);

    public static FeedbackModeCipher Cfb(BlockKey key, ReadOnlySpan<byte> iv, int segmentBits, bool encrypt) =>
        Create(new CfbBlockCipher(BlockCiphers.NewEngine(key.Algorithm), segmentBits), key, iv, encrypt);

    private static FeedbackModeCipher Create(IBlockCipher mode, BlockKey key, ReadOnlySpan<byte> iv, bool encrypt)
    {
        var parameters = new ParametersWithIV(BlockCiphers.KeyParameters(key), iv);
        BlockCiphers.Keyed(() => mode.Init(encrypt, parameters));
        return new FeedbackModeCipher(mode);
    }

    protected override int Retain(int total) => total % BlockSize;

    protected override void Transform(ReadOnlySpan<byte> blocks, Span<byte> output)
    {
        int bs = BlockSize;
        for (int off = 0; off < blocks.Length; off += bs) mode.ProcessBlock(blocks.Slice(off, bs), output.Slice(off, bs));
    }

    protected override int FinalLength(int retained) => retained;

    public override int OneShotLength(int inputLength) => inputLength;

    protected override int Finish(ReadOnlySpan<byte> retained, Span<byte> output)
    {
        if (retained.IsEmpty) return 0;
        Span<byte> block = stackalloc byte[2 * BlockSize];
        var last = block[..BlockSize];
        var result = block[BlockSize..];
        retained.CopyTo(last);
        mode.ProcessBlock(last, result);
        result[..retained.Length].CopyTo(output);
        CryptographicOperations.ZeroMemory(block);
        return retained.Length;
    }
}
