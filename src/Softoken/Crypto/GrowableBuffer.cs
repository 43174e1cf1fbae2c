using System.Security.Cryptography;

namespace Softoken.Crypto;

/// <summary>Accumulates the data of a single-part operation (CKM_RSA_PKCS, CKM_ECDSA, CKM_EDDSA ...) and wipes
/// every array it lets go of.</summary>
internal sealed class GrowableBuffer : IDisposable
{
    private byte[] data = [];
    private int length;

    public ReadOnlySpan<byte> Span => data.AsSpan(0, length);

    public int Length => length;

    public void Append(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty) return;
        if (length + input.Length > data.Length)
        {
            var bigger = new byte[Math.Max(length + input.Length, Math.Max(64, data.Length * 2))];
            data.AsSpan(0, length).CopyTo(bigger);
            CryptographicOperations.ZeroMemory(data);
            data = bigger;
        }
        input.CopyTo(data.AsSpan(length));
        length += input.Length;
    }

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(data);
        length = 0;
    }
}
