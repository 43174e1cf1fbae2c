using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Encodings;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;
using Softoken.Operations;
using Softoken.Pkcs11;

namespace Softoken.Crypto;

/// <summary>RSA encryption and decryption: single-part (PKCS #11 v3.0 section 2.1, table 25), output at most k
/// bytes. Also the cipher of C_WrapKey / C_UnwrapKey.</summary>
internal abstract class RsaCipher : ICipherOperation
{
    private readonly PlatformKeyCache<RSA>.Lease? platform;

    protected RsaCipher(RsaKey key, bool encrypt, SecureRandom random, bool usePlatform)
    {
        Key = key;
        Encrypting = encrypt;
        Random = random;
        platform = usePlatform ? key.Platform() : null;
    }

    protected RsaKey Key { get; }

    protected bool Encrypting { get; }

    protected SecureRandom Random { get; }

    protected RSA? PlatformKey => platform?.Key;

    public bool SupportsMultiPart => false;

    public int OneShotLength(int inputLength) => Key.Length;

    public int OneShot(ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (!Encrypting && input.Length != Key.Length) throw new Pkcs11Exception(CKR.CKR_ENCRYPTED_DATA_LEN_RANGE);
        var result = Encrypting ? Encrypt(input) : Decrypt(input);
        try
        {
            if (output.Length < result.Length) throw new Pkcs11Exception(CKR.CKR_BUFFER_TOO_SMALL);
            result.CopyTo(output);
            return result.Length;
        }
        finally
        {
            if (!Encrypting) CryptographicOperations.ZeroMemory(result);
        }
    }

    protected abstract byte[] Encrypt(ReadOnlySpan<byte> data);

    protected abstract byte[] Decrypt(ReadOnlySpan<byte> data);

    public int UpdateLength(int inputLength) => throw new Pkcs11Exception(CKR.CKR_FUNCTION_NOT_SUPPORTED);

    public int Update(ReadOnlySpan<byte> input, Span<byte> output) => throw new Pkcs11Exception(CKR.CKR_FUNCTION_NOT_SUPPORTED);

    public int FinalLength() => throw new Pkcs11Exception(CKR.CKR_FUNCTION_NOT_SUPPORTED);

    public int Final(Span<byte> output) => throw new Pkcs11Exception(CKR.CKR_FUNCTION_NOT_SUPPORTED);

    public void Dispose()
    {
        platform?.Dispose();
        Key.Dispose();
    }

    /// <summary>A BouncyCastle padding over blinded RSA, for the cases the platform does not cover.</summary>
    protected byte[] Bouncy(IAsymmetricBlockCipher encoding, ReadOnlySpan<byte> input)
    {
        encoding.Init(Encrypting, Encrypting ? new ParametersWithRandom(Key.BouncyPublic(), Random)
            : new ParametersWithRandom(Key.BouncyPrivate(), Random));
        try
        {
            return encoding.ProcessBlock(input.ToArray(), 0, input.Length);
        }
        catch (Exception e) when (e is InvalidCipherTextException or DataLengthException)
        {
            throw new Pkcs11Exception(Encrypting ? CKR.CKR_DATA_LEN_RANGE : CKR.CKR_ENCRYPTED_DATA_INVALID);
        }
    }

    protected byte[] Platform(ReadOnlySpan<byte> input, RSAEncryptionPadding padding)
    {
        try
        {
            return Encrypting ? PlatformKey!.Encrypt(input.ToArray(), padding) : PlatformKey!.Decrypt(input.ToArray(), padding);
        }
        catch (CryptographicException)
        {
            throw new Pkcs11Exception(Encrypting ? CKR.CKR_DATA_LEN_RANGE : CKR.CKR_ENCRYPTED_DATA_INVALID);
        }
    }
}

/// <summary>CKM_RSA_PKCS: RSAES-PKCS1-v1_5, data at most k-11 bytes.</summary>
internal sealed class RsaPkcs1Cipher(RsaKey key, bool encrypt, SecureRandom random) : RsaCipher(key, encrypt, random, true)
{
    protected override byte[] Encrypt(ReadOnlySpan<byte> data)
    {
        if (data.Length > Key.Length - 11) throw new Pkcs11Exception(CKR.CKR_DATA_LEN_RANGE);
        return PlatformKey is not null ? Platform(data, RSAEncryptionPadding.Pkcs1) : Bouncy(new Pkcs1Encoding(new RsaBlindedEngine()), data);
    }

    protected override byte[] Decrypt(ReadOnlySpan<byte> data) =>
        PlatformKey is not null ? Platform(data, RSAEncryptionPadding.Pkcs1) : Bouncy(new Pkcs1Encoding(new RsaBlindedEngine()), data);
}

/// <summary>CKM_RSA_PKCS_OAEP: RSAES-OAEP with any hash, MGF1 hash and label (CK_RSA_PKCS_OAEP_PARAMS). OpenSSL
/// for the forms .NET names (MGF1 hash = hash, empty label), BouncyCastle for the others.</summary>
internal sealed class RsaOaepCipher(RsaKey key, bool encrypt, HashSpec hash, HashSpec mgf, byte[] label, SecureRandom random)
    : RsaCipher(key, encrypt, random, hash.Platform is not null && mgf == hash && label.Length == 0)
{
    protected override byte[] Encrypt(ReadOnlySpan<byte> data)
    {
        if (data.Length > Key.Length - 2 * hash.Size - 2) throw new Pkcs11Exception(CKR.CKR_DATA_LEN_RANGE);
        return Run(data);
    }

    protected override byte[] Decrypt(ReadOnlySpan<byte> data) => Run(data);

    private byte[] Run(ReadOnlySpan<byte> data) => PlatformKey is not null
        ? Platform(data, RSAEncryptionPadding.CreateOaep(hash.Platform!.Value))
        : Bouncy(new OaepEncoding(new RsaBlindedEngine(), hash.CreateBouncy(), mgf.CreateBouncy(), label), data);
}

/// <summary>CKM_RSA_X_509: raw RSA. Encryption takes at most k bytes whose value is below n; decryption returns
/// all k bytes.</summary>
internal sealed class RsaRawCipher(RsaKey key, bool encrypt, SecureRandom random) : RsaCipher(key, encrypt, random, false)
{
    protected override byte[] Encrypt(ReadOnlySpan<byte> data) => RsaBouncy.RawPublic(Key, data, CKR.CKR_DATA_LEN_RANGE);

    protected override byte[] Decrypt(ReadOnlySpan<byte> data) =>
        RsaBouncy.RawPrivate(Key, data, Random, CKR.CKR_ENCRYPTED_DATA_INVALID);
}

/// <summary>C_SignRecover / C_VerifyRecover for CKM_RSA_PKCS (type 1 padding) and CKM_RSA_X_509 (raw).</summary>
internal sealed class RsaRecoverOperation(RsaKey key, bool sign, bool raw, SecureRandom random) : IRecoverOperation
{
    private readonly RsaPkcs1Scheme? pkcs1 = sign && !raw ? new RsaPkcs1Scheme(key, null, random) : null;

    public int OutputLength(int inputLength) => key.Length;

    public int Run(ReadOnlySpan<byte> input, Span<byte> output)
    {
        byte[] result;
        if (sign)
        {
            if (raw)
            {
                result = RsaBouncy.RawPrivate(key, input, random, CKR.CKR_DATA_LEN_RANGE);
            }
            else
            {
                result = new byte[key.Length];
                pkcs1!.Sign(input, result);
            }
        }
        else
        {
            if (input.Length != key.Length) throw new Pkcs11Exception(CKR.CKR_SIGNATURE_LEN_RANGE);
            result = raw ? RsaBouncy.RawPublic(key, input, CKR.CKR_SIGNATURE_INVALID)
                : RsaBouncy.RecoverPkcs1(key, input) ?? throw new Pkcs11Exception(CKR.CKR_SIGNATURE_INVALID);
        }
        if (output.Length < result.Length) throw new Pkcs11Exception(CKR.CKR_BUFFER_TOO_SMALL);
        result.CopyTo(output);
        return result.Length;
    }

    public void Dispose()
    {
        pkcs1?.Dispose();
        key.Dispose();
    }
}
