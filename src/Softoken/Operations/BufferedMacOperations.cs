using System.Security.Cryptography;
using Softoken.Pkcs11;

namespace Softoken.Operations;

/// <summary>A one-shot MAC over a secret and a message.</summary>
internal delegate byte[] MacFunction(ReadOnlySpan<byte> secret, ReadOnlySpan<byte> data);

/// <summary>A MAC computed over the whole message at Final (constructions that have no incremental form here, such
/// as the SSL 3.0 MAC): compute(secret, data). The operation owns <paramref name="secret"/> (a copy of the key) and
/// wipes it and the buffered data when disposed.</summary>
internal sealed class BufferedMacSignOperation(byte[] secret, MacFunction compute, int length) : ISignOperation
{
    private readonly MemoryStream data = new();

    public int SignatureLength => length;

    public void Update(ReadOnlySpan<byte> input) => data.Write(input);

    public int Final(Span<byte> signature)
    {
        var mac = compute(secret, data.GetBuffer().AsSpan(0, (int)data.Length));
        mac.AsSpan(0, length).CopyTo(signature);
        CryptographicOperations.ZeroMemory(mac);
        return length;
    }

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(secret);
        CryptographicOperations.ZeroMemory(data.GetBuffer());
    }
}

/// <summary>Verification of a <see cref="BufferedMacSignOperation"/> MAC, in constant time; a signature of another
/// length is CKR_SIGNATURE_LEN_RANGE.</summary>
internal sealed class BufferedMacVerifyOperation(byte[] secret, MacFunction compute, int length) : IVerifyOperation
{
    private readonly MemoryStream data = new();

    public void Update(ReadOnlySpan<byte> input) => data.Write(input);

    public bool Final(ReadOnlySpan<byte> signature)
    {
        if (signature.Length != length) throw new Pkcs11Exception(CKR.CKR_SIGNATURE_LEN_RANGE);
        var mac = compute(secret, data.GetBuffer().AsSpan(0, (int)data.Length));
        bool ok = CryptographicOperations.FixedTimeEquals(mac.AsSpan(0, length), signature);
        CryptographicOperations.ZeroMemory(mac);
        return ok;
    }

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(secret);
        CryptographicOperations.ZeroMemory(data.GetBuffer());
    }
}
