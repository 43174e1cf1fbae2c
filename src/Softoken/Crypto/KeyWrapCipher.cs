using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;
using Softoken.Operations;
using Softoken.Pkcs11;

namespace Softoken.Crypto;

/// <summary>The AES key wrap variants, as PKCS #11 v3.0 names them (and as softokn implements them).</summary>
internal enum KeyWrapKind
{
    /// <summary>CKM_AES_KEY_WRAP: RFC 3394 (NIST SP 800-38F KW). Input a multiple of 8 bytes, at least 16. For
    /// C_WrapKey a key of another length is zero-padded first; the optional IV is 8 bytes.</summary>
    Kw,
    /// <summary>CKM_AES_KEY_WRAP_PAD (and NSS's CKM_NSS_AES_KEY_WRAP_PAD): PKCS #7 padding to a multiple of 8 bytes,
    /// then RFC 3394. Not RFC 5649, despite the name. The optional IV is 8 bytes.</summary>
    KwPkcs7,
    /// <summary>CKM_AES_KEY_WRAP_KWP: RFC 5649 (SP 800-38F KWP), any length; the optional IV is the 4-byte first half
    /// of the alternative initial value (default A65959A6).</summary>
    Kwp,
}

/// <summary>AES key wrapping on BouncyCastle's RFC 3394 / RFC 5649 engines. Single-part: the mechanism has no
/// multi-part form (<see cref="SupportsMultiPart"/> false); Update only collects input for Final. A failed integrity
/// check is CKR_ENCRYPTED_DATA_INVALID.</summary>
internal sealed class KeyWrapCipher : ICipherOperation
{
    private readonly KeyWrapKind kind;
    private readonly bool encrypt;
    private readonly bool zeroPadInput;
    private readonly IWrapper wrapper;
    private readonly ByteAccumulator pending = new();

    /// <param name="iv">Empty for the default initial value.</param>
    /// <param name="zeroPadInput">C_WrapKey with CKM_AES_KEY_WRAP: pad the key value with zeros to 8-byte blocks.</param>
    public KeyWrapCipher(KeyWrapKind kind, bool encrypt, ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, bool zeroPadInput = false)
    {
        if (key.Length is not (16 or 24 or 32)) throw new Pkcs11Exception(CKR.CKR_KEY_SIZE_RANGE);
        if (!iv.IsEmpty && iv.Length != (kind == KeyWrapKind.Kwp ? 4 : 8)) throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID);
        this.kind = kind;
        this.encrypt = encrypt;
        this.zeroPadInput = zeroPadInput && kind == KeyWrapKind.Kw;
        wrapper = kind == KeyWrapKind.Kwp
            ? new Rfc5649WrapEngine(AesUtilities.CreateEngine())
            : new Rfc3394WrapEngine(AesUtilities.CreateEngine());
        ICipherParameters parameters = new KeyParameter(key);
        if (!iv.IsEmpty) parameters = new ParametersWithIV(parameters, iv);
        wrapper.Init(encrypt, parameters);
    }

    public bool SupportsMultiPart => false;

    public int OneShotLength(int inputLength)
    {
        if (!encrypt) return Math.Max(inputLength - 8, 0);
        return kind switch
        {
            KeyWrapKind.Kw => (zeroPadInput ? RoundUp8(inputLength) : inputLength) + 8,
            KeyWrapKind.KwPkcs7 => inputLength - inputLength % 8 + 16,
            _ => Math.Max(RoundUp8(inputLength), 8) + 8,
        };
    }

    public int OneShot(ReadOnlySpan<byte> input, Span<byte> output)
    {
        byte[] result = encrypt ? Wrap(input) : Unwrap(input);
        try
        {
            result.CopyTo(output);
            return result.Length;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(result);
        }
    }

    public int UpdateLength(int inputLength) => 0;

    public int Update(ReadOnlySpan<byte> input, Span<byte> output)
    {
        pending.Append(input);
        return 0;
    }

    public int FinalLength() => OneShotLength(pending.Length);

    public int Final(Span<byte> output) => OneShot(pending.Data, output);

    private byte[] Wrap(ReadOnlySpan<byte> input)
    {
        byte[] data = kind switch
        {
            KeyWrapKind.KwPkcs7 => Pkcs7.Pad(input, 8),
            KeyWrapKind.Kw when zeroPadInput => ZeroPad(input),
            _ => input.ToArray(),
        };
        try
        {
            bool lengthOk = kind == KeyWrapKind.Kwp ? data.Length > 0 : data.Length >= 16 && data.Length % 8 == 0;
            if (!lengthOk) throw new Pkcs11Exception(CKR.CKR_DATA_LEN_RANGE);
            return wrapper.Wrap(data, 0, data.Length);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(data);
        }
    }

    private byte[] Unwrap(ReadOnlySpan<byte> input)
    {
        int min = kind == KeyWrapKind.Kwp ? 16 : 24;
        if (input.Length < min || input.Length % 8 != 0) throw new Pkcs11Exception(CKR.CKR_ENCRYPTED_DATA_LEN_RANGE);
        byte[] plain;
        try
        {
            plain = wrapper.Unwrap(input.ToArray(), 0, input.Length);
        }
        catch (InvalidCipherTextException)
        {
            throw new Pkcs11Exception(CKR.CKR_ENCRYPTED_DATA_INVALID);
        }
        if (kind != KeyWrapKind.KwPkcs7) return plain;
        try
        {
            int padding = Pkcs7.PaddingLength(plain.AsSpan(plain.Length - 8));
            if (padding < 0) throw new Pkcs11Exception(CKR.CKR_ENCRYPTED_DATA_INVALID);
            return plain.AsSpan(0, plain.Length - padding).ToArray();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    private static int RoundUp8(int n) => (n + 7) & ~7;

    private static byte[] ZeroPad(ReadOnlySpan<byte> input)
    {
        var data = new byte[RoundUp8(input.Length)];
        input.CopyTo(data);
        return data;
    }

    public void Dispose() => pending.Dispose();
}
