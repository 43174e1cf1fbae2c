using System.Security.Cryptography;
using Softoken.Crypto;
using Softoken.Pkcs11;

namespace Softoken.Operations;

/// <summary>C_SignInit with CKM_*_HMAC / CKM_*_HMAC_GENERAL: the MAC, truncated to <paramref name="length"/>
/// bytes for the _GENERAL forms.</summary>
internal sealed class HmacSignOperation(Hmac mac, int length) : ISignOperation
{
    public int SignatureLength => length;

    public void Update(ReadOnlySpan<byte> data) => mac.Update(data);

    public int Final(Span<byte> signature)
    {
        Span<byte> full = stackalloc byte[mac.Size];
        mac.Finish(full);
        full[..length].CopyTo(signature);
        CryptographicOperations.ZeroMemory(full);
        return length;
    }

    public void Dispose() => mac.Release();
}

/// <summary>C_VerifyInit with an HMAC mechanism: recomputes and compares in constant time. A signature of any
/// length other than the MAC length is CKR_SIGNATURE_LEN_RANGE.</summary>
internal sealed class HmacVerifyOperation(Hmac mac, int length) : IVerifyOperation
{
    public void Update(ReadOnlySpan<byte> data) => mac.Update(data);

    public bool Final(ReadOnlySpan<byte> signature)
    {
        if (signature.Length != length) throw new Pkcs11Exception(CKR.CKR_SIGNATURE_LEN_RANGE);
        Span<byte> full = stackalloc byte[mac.Size];
        mac.Finish(full);
        bool ok = CryptographicOperations.FixedTimeEquals(full[..length], signature);
        CryptographicOperations.ZeroMemory(full);
        return ok;
    }

    public void Dispose() => mac.Release();
}
