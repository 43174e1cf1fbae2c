using System.Security.Cryptography;
using Softoken.Pkcs11;

namespace Softoken.Operations;

/// <summary>A MAC computed over the whole message at Final (constructions that have no incremental form here, such
/// as the SSL 3.0 MAC): the data is buffered and wiped afterwards.</summary>
internal sealed class BufferedMacSignOperation(Func<byte[], byte[]> compute, int length) : ISignOperation
{
    private readonly MemoryStream data = new();

    public int SignatureLength => length;

    public void Update(ReadOnlySpan<byte> input) => data.Write(input);

    public int Final(Span<byte> signature)
    {
        var mac = compute(data.ToArray());
        mac.AsSpan(0, length).CopyTo(signature);
        CryptographicOperations.ZeroMemory(mac);
        return length;
    }

    public void Dispose() => CryptographicOperations.ZeroMemory(data.GetBuffer());
}

/// <summary>Verification of a <see cref="BufferedMacSignOperation"/> MAC, in constant time; a signature of another
/// length is CKR_SIGNATURE_LEN_RANGE.</summary>
internal sealed class BufferedMacVerifyOperation(Func<byte[], byte[]> compute, int length) : IVerifyOperation
{
    private readonly MemoryStream data = new();

    public void Update(ReadOnlySpan<byte> input) => data.Write(input);

    public bool Final(ReadOnlySpan<byte> signature)
    {
        if (signature.Length != length) throw new Pkcs11Exception(CKR.CKR_SIGNATURE_LEN_RANGE);
        var mac = compute(data.ToArray());
        bool ok = CryptographicOperations.FixedTimeEquals(mac.AsSpan(0, length), signature);
        CryptographicOperations.ZeroMemory(mac);
        return ok;
    }

    public void Dispose() => CryptographicOperations.ZeroMemory(data.GetBuffer());
}
