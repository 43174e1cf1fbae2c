using System.Buffers.Binary;
using System.Security.Cryptography;
using Softoken.Operations;
using Softoken.Pkcs11;

namespace Softoken.Crypto;

/// <summary>Counter mode (NIST SP 800-38A 6.5) as CKM_AES_CTR defines it: the low <c>counterBits</c> bits of the
/// 16-byte counter block increment (big-endian) and the rest stays fixed; once every counter value has been used the
/// operation fails with CKR_DATA_LEN_RANGE instead of wrapping. A stream mode: every byte goes out at once.
/// Keystream is made a batch of blocks at a time through the cipher's ECB, which takes the platform's pipelined
/// AES for large calls.</summary>
internal sealed class CtrCipher : ICipherOperation
{
    private const int Batch = 16384;

    private readonly BlockCipher cipher;
    private readonly byte[] counter;
    private readonly int counterBits;
    private byte[] keystream = [];
    private int keystreamOffset;
    private int keystreamLength;
    private UInt128 blocksLeft;

    public CtrCipher(BlockCipher cipher, ReadOnlySpan<byte> counterBlock, int counterBits)
    {
        if (counterBlock.Length != cipher.BlockSize || counterBits < 1 || counterBits > 8 * cipher.BlockSize)
            throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID);
        this.cipher = cipher;
        counter = counterBlock.ToArray();
        this.counterBits = counterBits;
        blocksLeft = counterBits >= 128 ? UInt128.MaxValue : UInt128.One << counterBits;
    }

    public int OneShotLength(int inputLength) => inputLength;

    public int OneShot(ReadOnlySpan<byte> input, Span<byte> output) => Update(input, output);

    public int UpdateLength(int inputLength) => inputLength;

    public int Update(ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (!input.IsEmpty && input.Overlaps(output, out int offset) && offset != 0)
        {
            var copy = input.ToArray();
            try
            {
                return Update(copy, output);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(copy);
            }
        }
        int bs = cipher.BlockSize;
        int remaining = keystreamLength - keystreamOffset;
        long needed = input.Length - remaining;
        if (needed > 0 && (UInt128)((needed + bs - 1) / bs) > blocksLeft) throw new Pkcs11Exception(CKR.CKR_DATA_LEN_RANGE);
        int done = 0;
        while (done < input.Length)
        {
            if (keystreamOffset == keystreamLength) Refill(input.Length - done);
            int n = Math.Min(keystreamLength - keystreamOffset, input.Length - done);
            Xor(input.Slice(done, n), keystream.AsSpan(keystreamOffset, n), output.Slice(done, n));
            keystreamOffset += n;
            done += n;
        }
        return input.Length;
    }

    public int FinalLength() => 0;

    public int Final(Span<byte> output) => 0;

    private void Refill(int wanted)
    {
        int bs = cipher.BlockSize;
        int blocks = Math.Min(Batch / bs, (wanted + bs - 1) / bs);
        if (keystream.Length < blocks * bs)
        {
            CryptographicOperations.ZeroMemory(keystream);
            keystream = new byte[blocks * bs];
        }
        var span = keystream.AsSpan(0, blocks * bs);
        for (int i = 0; i < blocks; i++)
        {
            counter.CopyTo(span.Slice(i * bs, bs));
            Increment();
        }
        blocksLeft -= (UInt128)blocks;
        cipher.Ecb(span, span);
        keystreamOffset = 0;
        keystreamLength = span.Length;
    }

    /// <summary>Adds one to the low <see cref="counterBits"/> bits of the counter block.</summary>
    private void Increment()
    {
        if (counterBits >= 8 && counter[^1] != 0xFF)
        {
            counter[^1]++;
            return;
        }
        int bits = counterBits;
        for (int i = counter.Length - 1; i >= 0 && bits > 0; i--, bits -= 8)
        {
            int mask = bits >= 8 ? 0xFF : (1 << bits) - 1;
            int low = (counter[i] & mask) + 1;
            counter[i] = (byte)((counter[i] & ~mask) | (low & mask));
            if ((low & mask) != 0) return;
        }
    }

    internal static void Xor(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> output)
    {
        int i = 0;
        int width = System.Numerics.Vector<byte>.Count;
        for (; i + width <= a.Length; i += width)
            (new System.Numerics.Vector<byte>(a[i..]) ^ new System.Numerics.Vector<byte>(b[i..])).CopyTo(output[i..]);
        for (; i + 8 <= a.Length; i += 8)
        {
            ulong x = BinaryPrimitives.ReadUInt64LittleEndian(a[i..]) ^ BinaryPrimitives.ReadUInt64LittleEndian(b[i..]);
            BinaryPrimitives.WriteUInt64LittleEndian(output[i..], x);
        }
        for (; i < a.Length; i++) output[i] = (byte)(a[i] ^ b[i]);
    }

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(keystream);
        CryptographicOperations.ZeroMemory(counter);
        cipher.Dispose();
    }
}
