using System.Security.Cryptography;

namespace Softoken.Crypto;

/// <summary>Collects the input of operations that can only work on the whole message (AEAD decryption, CCM,
/// single-part mechanisms fed through Update). Grows by doubling and wipes every buffer it lets go of.</summary>
internal sealed class ByteAccumulator : IDisposable
{
    private byte[] buffer = [];
    private int length;

    public int Length => length;

    public ReadOnlySpan<byte> Data => buffer.AsSpan(0, length);

    public void Append(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty) return;
        if (length + data.Length > buffer.Length)
        {
            var bigger = new byte[Math.Max(length + data.Length, Math.Max(64, 2 * buffer.Length))];
            buffer.AsSpan(0, length).CopyTo(bigger);
            CryptographicOperations.ZeroMemory(buffer);
            buffer = bigger;
        }
        data.CopyTo(buffer.AsSpan(length));
        length += data.Length;
    }

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(buffer);
        buffer = [];
        length = 0;
    }
}
