using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Modes;
using PlatformChaCha20Poly1305 = System.Security.Cryptography.ChaCha20Poly1305;
using Org.BouncyCastle.Crypto.Parameters;
using Softoken.Operations;
using Softoken.Pkcs11;

namespace Softoken.Crypto;

internal enum AeadKind
{
    /// <summary>AES-GCM (NIST SP 800-38D): any IV length, 4 to 16 byte tags.</summary>
    Gcm,
    /// <summary>AES-CCM (NIST SP 800-38C): 7 to 13 byte nonces, even tags of 4 to 16 bytes, the payload length fixed
    /// in advance.</summary>
    Ccm,
    /// <summary>ChaCha20-Poly1305 (RFC 8439): 12-byte nonce, 16-byte tag.</summary>
    ChaCha20Poly1305,
}

/// <summary>The authenticated ciphers. Encryption streams through BouncyCastle (CCM, which needs the whole payload,
/// collects it) and appends the tag at Final; decryption releases nothing before the tag is verified, so it
/// collects the ciphertext and decrypts at Final, answering a wrong tag with CKR_ENCRYPTED_DATA_INVALID. Whole
/// messages of <see cref="PlatformThreshold"/> bytes or more with a 12-byte nonce go to .NET's AesGcm /
/// ChaCha20Poly1305 (OpenSSL), which is several times faster in bulk but costs microseconds to set up.</summary>
internal sealed class AeadCipher : ICipherOperation
{
    public const int PlatformThreshold = 2048;

    private static readonly KeyedPool<PooledGcm> GcmPool = new();

    private readonly AeadKind kind;
    private readonly bool encrypt;
    private readonly byte[] key;
    private readonly byte[] nonce;
    private readonly byte[] aad;
    private readonly int tagLength;
    private readonly long? payloadLength;
    private readonly byte[] keyValue;
    private ByteAccumulator? pending;
    private IAeadCipher? bouncy;
    private KeyedPool<PooledGcm>.Lease lease;
    private PooledGcm? gcm;
    private long processed;

    /// <param name="key">The key object's value (GCM objects are pooled per value array).</param>
    /// <param name="payloadLength">CCM's ulDataLen: the plaintext length the message must have.</param>
    public AeadCipher(AeadKind kind, bool encrypt, byte[] key, byte[] nonce, byte[] aad, int tagLength,
        long? payloadLength = null)
    {
        this.kind = kind;
        this.encrypt = encrypt;
        keyValue = key;
        this.key = (byte[])key.Clone();
        this.nonce = nonce;
        this.aad = aad;
        this.tagLength = tagLength;
        this.payloadLength = payloadLength;
        // Check the parameters now, so that a bad nonce or tag length fails at Init.
        if (!UsesPlatform(nonce.Length)) Bouncy();
    }

    public int OneShotLength(int inputLength) => encrypt ? inputLength + tagLength : Math.Max(inputLength - tagLength, 0);

    public int OneShot(ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (encrypt)
        {
            CheckPayload(input.Length);
            if (input.Length >= PlatformThreshold && UsesPlatform(nonce.Length))
            {
                PlatformSeal(input, output[..input.Length], output.Slice(input.Length, tagLength));
                return input.Length + tagLength;
            }
            try
            {
                int written = Bouncy().ProcessBytes(input, output);
                return written + Bouncy().DoFinal(output[written..]);
            }
            catch (CryptoException e)
            {
                throw Translate(e);
            }
        }
        return Open(input, output);
    }

    public int UpdateLength(int inputLength) =>
        encrypt && kind != AeadKind.Ccm ? Bouncy().GetUpdateOutputSize(inputLength) : 0;

    public int Update(ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (!encrypt || kind == AeadKind.Ccm)
        {
            (pending ??= new()).Append(input);
            return 0;
        }
        processed += input.Length;
        try
        {
            return Bouncy().ProcessBytes(input, output);
        }
        catch (CryptoException e)
        {
            throw Translate(e);
        }
    }

    public int FinalLength() => encrypt
        ? (kind == AeadKind.Ccm ? (pending?.Length ?? 0) + tagLength : Bouncy().GetOutputSize(0))
        : Math.Max((pending?.Length ?? 0) - tagLength, 0);

    public int Final(Span<byte> output)
    {
        var collected = pending is null ? ReadOnlySpan<byte>.Empty : pending.Data;
        if (!encrypt) return Open(collected, output);
        if (kind == AeadKind.Ccm) return OneShot(collected, output);
        CheckPayload(processed);
        try
        {
            return Bouncy().DoFinal(output);
        }
        catch (CryptoException e)
        {
            throw Translate(e);
        }
    }

    private int Open(ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (input.Length < tagLength) throw new Pkcs11Exception(CKR.CKR_ENCRYPTED_DATA_LEN_RANGE);
        int plainLength = input.Length - tagLength;
        if (payloadLength is { } expected && plainLength != expected) throw new Pkcs11Exception(CKR.CKR_ENCRYPTED_DATA_LEN_RANGE);
        if (plainLength >= PlatformThreshold && UsesPlatform(nonce.Length))
        {
            PlatformOpen(input[..plainLength], input[plainLength..], output[..plainLength]);
            return plainLength;
        }
        // BouncyCastle releases GCM plaintext before it has seen the tag: decrypt into a scratch buffer and copy
        // only after DoFinal has verified it, so that a failure leaves nothing behind.
        var scratch = new byte[plainLength];
        try
        {
            int written = Bouncy().ProcessBytes(input, scratch);
            written += Bouncy().DoFinal(scratch.AsSpan(written));
            scratch.AsSpan(0, written).CopyTo(output);
            return written;
        }
        catch (CryptoException e)
        {
            throw Translate(e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(scratch);
        }
    }

    private void CheckPayload(long length)
    {
        if (payloadLength is { } expected && length != expected) throw new Pkcs11Exception(CKR.CKR_DATA_LEN_RANGE);
    }

    private bool UsesPlatform(int nonceLength) => nonceLength == 12 && kind switch
    {
        AeadKind.Gcm => tagLength >= 12 && AesGcm.IsSupported,
        AeadKind.ChaCha20Poly1305 => tagLength == 16 && PlatformChaCha20Poly1305.IsSupported,
        _ => false,
    };

    private void PlatformSeal(ReadOnlySpan<byte> plain, Span<byte> cipher, Span<byte> tag)
    {
        if (kind == AeadKind.Gcm)
        {
            using var gcm = new AesGcm(key, tagLength);
            gcm.Encrypt(nonce, plain, cipher, tag, aad);
        }
        else
        {
            using var chacha = new PlatformChaCha20Poly1305(key);
            chacha.Encrypt(nonce, plain, cipher, tag, aad);
        }
    }

    private void PlatformOpen(ReadOnlySpan<byte> cipher, ReadOnlySpan<byte> tag, Span<byte> plain)
    {
        try
        {
            if (kind == AeadKind.Gcm)
            {
                using var gcm = new AesGcm(key, tagLength);
                gcm.Decrypt(nonce, cipher, tag, plain, aad);
            }
            else
            {
                using var chacha = new PlatformChaCha20Poly1305(key);
                chacha.Decrypt(nonce, cipher, tag, plain, aad);
            }
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new Pkcs11Exception(CKR.CKR_ENCRYPTED_DATA_INVALID);
        }
    }

    private IAeadCipher Bouncy()
    {
        if (bouncy is not null) return bouncy;
        if (kind == AeadKind.Gcm)
        {
            var pooled = GcmPool.Rent(keyValue, out lease);
            // BouncyCastle refuses to encrypt twice with one nonce on one object: such a request gets a new object.
            if (pooled is not null && (!encrypt || !pooled.LastNonce.AsSpan().SequenceEqual(nonce)))
            {
                // Keyed already: only the nonce, AAD and tag length change.
                pooled.Cipher.Init(encrypt, new AeadParameters(null!, 8 * tagLength, nonce, aad));
                pooled.LastNonce = nonce;
                gcm = pooled;
                return bouncy = pooled.Cipher;
            }
            if (pooled is not null) lease.Return(pooled);
            var fresh = new GcmBlockCipher(AesUtilities.CreateEngine());
            Init(fresh);
            gcm = new PooledGcm(fresh) { LastNonce = nonce };
            return bouncy = fresh;
        }
        IAeadCipher cipher = kind == AeadKind.Ccm
            ? new CcmBlockCipher(AesUtilities.CreateEngine())
            : new Org.BouncyCastle.Crypto.Modes.ChaCha20Poly1305();
        Init(cipher);
        return bouncy = cipher;
    }

    private void Init(IAeadCipher cipher)
    {
        try
        {
            cipher.Init(encrypt, new AeadParameters(new KeyParameter(key), 8 * tagLength, nonce, aad));
        }
        catch (ArgumentException)
        {
            throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID);
        }
    }

    /// <summary>A keyed GCM object and the nonce it last used.</summary>
    private sealed class PooledGcm(GcmBlockCipher cipher)
    {
        public GcmBlockCipher Cipher { get; } = cipher;

        public byte[] LastNonce { get; set; } = [];
    }

    /// <summary>BouncyCastle's failures as return values: a wrong tag is CKR_ENCRYPTED_DATA_INVALID.</summary>
    private Pkcs11Exception Translate(CryptoException e) => e switch
    {
        InvalidCipherTextException => new(CKR.CKR_ENCRYPTED_DATA_INVALID),
        _ => new(encrypt ? CKR.CKR_DATA_LEN_RANGE : CKR.CKR_ENCRYPTED_DATA_LEN_RANGE),
    };

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(key);
        pending?.Dispose();
        if (gcm is not null)
        {
            gcm.Cipher.Reset();
            lease.Return(gcm);
            gcm = null;
        }
        else
        {
            bouncy?.Reset();
        }
    }
}
