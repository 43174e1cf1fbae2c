using System.Security.Cryptography;
using Softoken.Pkcs11;

namespace Softoken.Crypto;

/// <summary>ECB, CBC and CBC with PKCS #7 padding (the CKM_*_ECB, CKM_*_CBC and CKM_*_CBC_PAD mechanisms of every
/// block cipher). Without padding the message must be whole blocks: CKR_DATA_LEN_RANGE when encrypting,
/// CKR_ENCRYPTED_DATA_LEN_RANGE when decrypting. CBC_PAD decryption holds back the last block until Final and
/// answers bad padding with CKR_ENCRYPTED_DATA_INVALID.</summary>
internal sealed class BlockModeCipher : BufferedCipher
{
    private readonly BlockCipher cipher;
    private readonly byte[]? chain;
    private readonly bool pad;

    /// <param name="iv">The CBC initialisation vector, or null for ECB.</param>
    public BlockModeCipher(BlockCipher cipher, ReadOnlySpan<byte> iv, bool cbc, bool pad)
        : base(cipher.BlockSize, cipher.BlockSize)
    {
        this.cipher = cipher;
        this.pad = pad;
        if (cbc) chain = iv.ToArray();
    }

    private bool Encrypting => cipher.ForEncryption;

    protected override int Retain(int total)
    {
        int bs = BlockSize;
        if (pad && !Encrypting) return total == 0 ? 0 : (total - 1) % bs + 1;
        return total % bs;
    }

    protected override void Transform(ReadOnlySpan<byte> blocks, Span<byte> output)
    {
        if (chain is null) cipher.Ecb(blocks, output);
        else cipher.Cbc(blocks, output, chain);
    }

    protected override int FinalLength(int retained) =>
        !pad ? 0 : Encrypting ? BlockSize : retained == BlockSize ? BlockSize - 1 : 0;

    public override int OneShotLength(int inputLength)
    {
        // A message that cannot be valid still gets a bound; OneShot then reports the error.
        int bs = BlockSize;
        if (!pad) return inputLength;
        return Encrypting ? inputLength - inputLength % bs + bs : Math.Max(inputLength - 1, 0);
    }

    public override int OneShot(ReadOnlySpan<byte> input, Span<byte> output)
    {
        // Length errors come before any output, as softokn does.
        if (input.Length % BlockSize != 0 && !(pad && Encrypting)) throw LengthError();
        if (pad && !Encrypting && input.IsEmpty) throw LengthError();
        return base.OneShot(input, output);
    }

    protected override int Finish(ReadOnlySpan<byte> retained, Span<byte> output)
    {
        int bs = BlockSize;
        if (!pad)
        {
            if (!retained.IsEmpty) throw LengthError();
            return 0;
        }
        Span<byte> block = stackalloc byte[bs];
        try
        {
            if (Encrypting)
            {
                retained.CopyTo(block);
                block[retained.Length..].Fill((byte)(bs - retained.Length));
                Transform(block, output[..bs]);
                return bs;
            }
            if (retained.Length != bs) throw LengthError();
            Transform(retained, block);
            int padding = Pkcs7.PaddingLength(block);
            if (padding < 0) throw new Pkcs11Exception(CKR.CKR_ENCRYPTED_DATA_INVALID);
            block[..(bs - padding)].CopyTo(output);
            return bs - padding;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(block);
        }
    }

    private Pkcs11Exception LengthError() =>
        new(Encrypting ? CKR.CKR_DATA_LEN_RANGE : CKR.CKR_ENCRYPTED_DATA_LEN_RANGE);

    public override void Dispose()
    {
        base.Dispose();
        if (chain is not null) CryptographicOperations.ZeroMemory(chain);
        cipher.Dispose();
    }
}

/// <summary>PKCS #7 padding (RFC 5652 section 6.3), checked without branching on the secret bytes.</summary>
internal static class Pkcs7
{
    /// <summary>The padding length of a decrypted last block, or -1 when the padding is malformed.</summary>
    public static int PaddingLength(ReadOnlySpan<byte> block)
    {
        int bs = block.Length;
        int p = block[bs - 1];
        // bad != 0 when p is 0 or larger than the block, or when any of the last p bytes differs from p.
        int bad = ((p - 1) >> 31) | ((bs - p) >> 31);
        for (int i = 0; i < bs; i++)
        {
            int inPadding = (bs - 1 - i - p) >> 31; // -1 when i is among the last p bytes
            bad |= inPadding & (block[i] ^ p);
        }
        return bad == 0 ? p : -1;
    }

    /// <summary>Copies <paramref name="data"/> and appends PKCS #7 padding to a multiple of <paramref name="blockSize"/>.</summary>
    public static byte[] Pad(ReadOnlySpan<byte> data, int blockSize)
    {
        int padding = blockSize - data.Length % blockSize;
        var padded = new byte[data.Length + padding];
        data.CopyTo(padded);
        padded.AsSpan(data.Length).Fill((byte)padding);
        return padded;
    }
}
