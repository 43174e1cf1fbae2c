using System.Security.Cryptography;
using Softoken.Pkcs11;

namespace Softoken.Crypto;

/// <summary>CBC with ciphertext stealing, variant CBC-CS1 of the NIST SP 800-38A addendum (the variant softokn
/// implements for CKM_AES_CTS): the ciphertext is as long as the plaintext, which must be at least one block;
/// with a partial last block the next-to-last ciphertext block is truncated and keeps its place. Update holds back
/// the last two blocks, Final steals.</summary>
internal sealed class CtsCipher : BufferedCipher
{
    private readonly BlockCipher cipher;
    private readonly byte[] chain;

    public CtsCipher(BlockCipher cipher, ReadOnlySpan<byte> iv) : base(cipher.BlockSize, 2 * cipher.BlockSize)
    {
        this.cipher = cipher;
        chain = iv.ToArray();
    }

    // Keep more than one block and at most two, so that Final always sees the last full block and the tail.
    protected override int Retain(int total)
    {
        int bs = BlockSize;
        return total <= 2 * bs ? total : total - (total - bs - 1) / bs * bs;
    }

    protected override void Transform(ReadOnlySpan<byte> blocks, Span<byte> output) => cipher.Cbc(blocks, output, chain);

    protected override int FinalLength(int retained) => retained;

    public override int OneShotLength(int inputLength) => inputLength;

    protected override int Finish(ReadOnlySpan<byte> retained, Span<byte> output)
    {
        int bs = BlockSize;
        int n = retained.Length;
        if (n < bs) throw new Pkcs11Exception(cipher.ForEncryption ? CKR.CKR_DATA_LEN_RANGE : CKR.CKR_ENCRYPTED_DATA_LEN_RANGE);
        if (n % bs == 0)
        {
            cipher.Cbc(retained, output, chain);
            return n;
        }
        int d = n - bs; // bytes in the partial last block, 1 .. bs-1
        Span<byte> work = stackalloc byte[2 * bs];
        try
        {
            if (cipher.ForEncryption)
            {
                // C(n-1) C(n) = CBC(P(n-1) || P(n) padded with zeros); output C(n-1) truncated to d bytes, then C(n).
                retained.CopyTo(work);
                work[n..].Clear();
                cipher.Cbc(work, work, chain);
                work[..d].CopyTo(output);
                work.Slice(bs, bs).CopyTo(output[d..]);
            }
            else
            {
                // Input: C(n-1)* (d bytes), C(n). D(C(n)) = (P(n) || 0) xor C(n-1), so its tail completes C(n-1).
                var cStar = retained[..d];
                var cLast = retained.Slice(d, bs);
                var z = work[..bs];
                var cPrev = work.Slice(bs, bs);
                cipher.Ecb(cLast, z);
                cStar.CopyTo(cPrev);
                z[d..].CopyTo(cPrev[d..]);
                for (int i = 0; i < d; i++) output[bs + i] = (byte)(z[i] ^ cStar[i]);
                cipher.Cbc(cPrev, output[..bs], chain);
            }
            return n;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(work);
        }
    }

    public override void Dispose()
    {
        base.Dispose();
        CryptographicOperations.ZeroMemory(chain);
        cipher.Dispose();
    }
}
