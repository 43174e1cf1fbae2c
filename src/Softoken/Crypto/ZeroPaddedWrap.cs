using System.Security.Cryptography;
using Softoken.Operations;
using Softoken.Pkcs11;

namespace Softoken.Crypto;

/// <summary>C_WrapKey with an unpadded block mode (CKM_*_ECB, CKM_*_CBC): PKCS #11 pads a secret key's value with
/// zeros to whole blocks before encrypting it (C_UnwrapKey then cuts the value back to CKA_VALUE_LEN).</summary>
internal sealed class ZeroPaddedWrap(ICipherOperation inner, int blockSize) : ICipherOperation
{
    public bool SupportsMultiPart => false;

    public int OneShotLength(int inputLength) => inner.OneShotLength(Padded(inputLength));

    public int OneShot(ReadOnlySpan<byte> input, Span<byte> output)
    {
        var padded = new byte[Padded(input.Length)];
        try
        {
            input.CopyTo(padded);
            return inner.OneShot(padded, output);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(padded);
        }
    }

    public int UpdateLength(int inputLength) => throw new Pkcs11Exception(CKR.CKR_FUNCTION_NOT_SUPPORTED);

    public int Update(ReadOnlySpan<byte> input, Span<byte> output) => throw new Pkcs11Exception(CKR.CKR_FUNCTION_NOT_SUPPORTED);

    public int FinalLength() => throw new Pkcs11Exception(CKR.CKR_FUNCTION_NOT_SUPPORTED);

    public int Final(Span<byte> output) => throw new Pkcs11Exception(CKR.CKR_FUNCTION_NOT_SUPPORTED);

    private int Padded(int length) => (length + blockSize - 1) / blockSize * blockSize;

    public void Dispose() => inner.Dispose();
}
