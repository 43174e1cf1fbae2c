using System.Security.Cryptography;
using Softoken.Crypto;
using Softoken.Pkcs11;

namespace Softoken.Operations;

/// <summary>The TLS PRF as a signature (softokn's CKM_TLS_PRF_GENERAL, CKM_NSS_TLS_PRF_GENERAL_SHA256 and
/// CKM_TLS_MAC): the data is buffered and Final computes PRF(key, label, data). <paramref name="length"/> null
/// means "as many bytes as the caller's buffer holds".</summary>
internal sealed class TlsPrfSignOperation(byte[] secret, HashAlg? alg, byte[] label, int? length) : ISignOperation
{
    private readonly MemoryStream data = new();

    /// <summary>For the GENERAL forms only a length-query answer: NSS asks for 12 (Finished) to 64+ (exporters).</summary>
    public int SignatureLength => length ?? 48;

    public bool LengthFromBuffer => length is null;

    public void Update(ReadOnlySpan<byte> input) => data.Write(input);

    public int Final(Span<byte> signature)
    {
        int n = length ?? signature.Length;
        TlsPrf.Compute(alg, secret, label, data.GetBuffer().AsSpan(0, (int)data.Length), signature[..n]);
        return n;
    }

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(secret);
        CryptographicOperations.ZeroMemory(data.GetBuffer());
    }
}

/// <summary>Verification for the same mechanisms: the PRF output as long as the signature (or exactly
/// <paramref name="length"/> bytes), compared in constant time.</summary>
internal sealed class TlsPrfVerifyOperation(byte[] secret, HashAlg? alg, byte[] label, int? length) : IVerifyOperation
{
    private readonly MemoryStream data = new();

    public void Update(ReadOnlySpan<byte> input) => data.Write(input);

    public bool Final(ReadOnlySpan<byte> signature)
    {
        if (signature.IsEmpty || (length is { } n && signature.Length != n)) throw new Pkcs11Exception(CKR.CKR_SIGNATURE_LEN_RANGE);
        var expected = new byte[signature.Length];
        TlsPrf.Compute(alg, secret, label, data.GetBuffer().AsSpan(0, (int)data.Length), expected);
        bool ok = CryptographicOperations.FixedTimeEquals(expected, signature);
        CryptographicOperations.ZeroMemory(expected);
        return ok;
    }

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(secret);
        CryptographicOperations.ZeroMemory(data.GetBuffer());
    }
}
