using System.Buffers;
using System.Security.Cryptography;
using Softoken.Operations;
using Softoken.Pkcs11;

namespace Softoken.Crypto;

/// <summary>The multi-part plumbing shared by the block modes: Update transforms only whole blocks of (held-back
/// bytes + new input) and keeps what <see cref="Retain"/> says it must (the partial block; for CBC_PAD decryption
/// also the last whole block, which holds the padding; for CTS the last two blocks); Final finishes the rest.
/// Input and output may overlap: an overlapping input is copied first.</summary>
internal abstract class BufferedCipher : ICipherOperation
{
    private readonly int capacity;
    private byte[] carry = [];
    private int carried;

    protected BufferedCipher(int blockSize, int maxRetained)
    {
        BlockSize = blockSize;
        capacity = maxRetained + blockSize;
    }

    /// <summary>The held-back bytes' buffer, allocated when first needed (a one-shot of whole blocks never needs it).</summary>
    private byte[] Carry => carry.Length != 0 ? carry : carry = new byte[capacity];

    protected int BlockSize { get; }

    /// <summary>How many of <paramref name="total"/> available bytes an Update must keep back. The rest is a
    /// multiple of the block size.</summary>
    protected abstract int Retain(int total);

    /// <summary>Transforms whole blocks.</summary>
    protected abstract void Transform(ReadOnlySpan<byte> blocks, Span<byte> output);

    /// <summary>The most Final can write with <paramref name="retained"/> bytes held back.</summary>
    protected abstract int FinalLength(int retained);

    /// <summary>Finishes the message from the held-back bytes; throws the mechanism's length or padding error.</summary>
    protected abstract int Finish(ReadOnlySpan<byte> retained, Span<byte> output);

    public int UpdateLength(int inputLength)
    {
        int total = carried + inputLength;
        return total - Retain(total);
    }

    public int FinalLength() => FinalLength(carried);

    public virtual int OneShotLength(int inputLength)
    {
        int total = carried + inputLength;
        int retained = Retain(total);
        return total - retained + FinalLength(retained);
    }

    public virtual int OneShot(ReadOnlySpan<byte> input, Span<byte> output)
    {
        int written = Update(input, output);
        return written + Final(output[written..]);
    }

    public int Update(ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (!input.IsEmpty && input.Overlaps(output))
        {
            var copy = ArrayPool<byte>.Shared.Rent(input.Length);
            try
            {
                input.CopyTo(copy);
                return UpdateCore(copy.AsSpan(0, input.Length), output);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(copy.AsSpan(0, input.Length));
                ArrayPool<byte>.Shared.Return(copy);
            }
        }
        return UpdateCore(input, output);
    }

    private int UpdateCore(ReadOnlySpan<byte> input, Span<byte> output)
    {
        int total = carried + input.Length;
        int emit = total - Retain(total);
        if (emit == 0)
        {
            input.CopyTo(Carry.AsSpan(carried));
            carried += input.Length;
            return 0;
        }
        int written = 0;
        if (carried > 0)
        {
            if (emit <= carried)
            {
                // Whole blocks of the held-back bytes go out; the rest moves to the front.
                Transform(carry.AsSpan(0, emit), output);
                carry.AsSpan(emit, carried - emit).CopyTo(carry);
                carried -= emit;
                input.CopyTo(carry.AsSpan(carried));
                carried += input.Length;
                return emit;
            }
            int fill = (BlockSize - carried % BlockSize) % BlockSize;
            input[..fill].CopyTo(Carry.AsSpan(carried));
            input = input[fill..];
            written = carried + fill;
            Transform(carry.AsSpan(0, written), output);
            carried = 0;
        }
        int direct = emit - written;
        Transform(input[..direct], output[written..]);
        carried = input.Length - direct;
        if (carried > 0) input[direct..].CopyTo(Carry);
        return emit;
    }

    public int Final(Span<byte> output)
    {
        int length = carried;
        carried = 0;
        return Finish(carry.AsSpan(0, length), output);
    }

    public virtual void Dispose() => CryptographicOperations.ZeroMemory(carry);
}
