using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;
using Softoken.Pkcs11;

namespace Softoken.Crypto;

/// <summary>Shared plumbing of the RSA signature schemes: the key, its platform import and the random source.</summary>
internal abstract class RsaScheme(RsaKey key, SecureRandom random, bool usePlatform = true) : ISignatureScheme
{
    private readonly PlatformKeyCache<RSA>.Lease? platform = usePlatform ? key.Platform() : null;

    protected RsaKey Key { get; } = key;

    protected SecureRandom Random { get; } = random;

    protected RSA? PlatformKey => platform?.Key;

    public int SignatureLength => Key.Length;

    public abstract int Sign(ReadOnlySpan<byte> input, Span<byte> signature);

    public abstract bool Verify(ReadOnlySpan<byte> input, ReadOnlySpan<byte> signature);

    public void Dispose()
    {
        platform?.Dispose();
        Key.Dispose();
    }

    protected static int Copy(byte[] result, Span<byte> destination)
    {
        result.CopyTo(destination);
        return result.Length;
    }
}

/// <summary>RSASSA-PKCS1-v1_5 (CKM_RSA_PKCS and CKM_&lt;hash&gt;_RSA_PKCS). With a hash the input is the digest;
/// without one it is the data to pad (normally a DigestInfo). OpenSSL signs whenever the hash is one .NET names,
/// including a DigestInfo handed to CKM_RSA_PKCS; everything else goes to BouncyCastle.</summary>
internal sealed class RsaPkcs1Scheme(RsaKey key, HashSpec? hash, SecureRandom random) : RsaScheme(key, random)
{
    public override int Sign(ReadOnlySpan<byte> input, Span<byte> signature)
    {
        var (h, digest, data) = Split(input);
        if (PlatformKey is { } rsa && h?.Platform is { } name)
        {
            try
            {
                return rsa.SignHash(digest, signature, name, RSASignaturePadding.Pkcs1);
            }
            catch (CryptographicException)
            {
                // fall through to BouncyCastle
            }
        }
        return Copy(RsaBouncy.SignPkcs1(Key, data, Random), signature);
    }

    public override bool Verify(ReadOnlySpan<byte> input, ReadOnlySpan<byte> signature)
    {
        var (h, digest, data) = Split(input);
        if (PlatformKey is { } rsa && h?.Platform is { } name)
        {
            try
            {
                return rsa.VerifyHash(digest, signature, name, RSASignaturePadding.Pkcs1);
            }
            catch (CryptographicException)
            {
                // fall through to BouncyCastle
            }
        }
        var recovered = RsaBouncy.RecoverPkcs1(Key, signature);
        return recovered is not null && CryptographicOperations.FixedTimeEquals(recovered, data);
    }

    /// <summary>The hash (when known), the digest and the DigestInfo/data to pad.</summary>
    private (HashSpec? Hash, byte[] Digest, byte[] Data) Split(ReadOnlySpan<byte> input)
    {
        if (hash is not null) return (hash, input.ToArray(), hash.DigestInfo(input));
        if (input.Length > Key.Length - 11) throw new Pkcs11Exception(CKR.CKR_DATA_LEN_RANGE);
        var known = HashSpecs.FromDigestInfo(input);
        return (known, known is null ? [] : input[known.DigestInfoPrefix.Length..].ToArray(), input.ToArray());
    }
}

/// <summary>RSASSA-PSS (CKM_RSA_PKCS_PSS on a digest, CKM_&lt;hash&gt;_RSA_PKCS_PSS). OpenSSL when the MGF hash is
/// the message hash and the salt is as long as the hash (the only form .NET offers); BouncyCastle otherwise.</summary>
internal sealed class RsaPssScheme : RsaScheme
{
    private readonly HashSpec hash;
    private readonly HashSpec mgf;
    private readonly int saltLength;

    public RsaPssScheme(RsaKey key, HashSpec hash, HashSpec mgf, ulong saltLength, SecureRandom random) : base(key, random)
    {
        this.hash = hash;
        this.mgf = mgf;
        int emLen = (key.Bits - 1 + 7) / 8;
        if (saltLength > (ulong)emLen || emLen < hash.Size + (int)saltLength + 2)
        {
            Dispose();
            throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID, "sLen");
        }
        this.saltLength = (int)saltLength;
    }

    private bool OnPlatform => PlatformKey is not null && hash.Platform is not null && mgf == hash && saltLength == hash.Size;

    public override int Sign(ReadOnlySpan<byte> input, Span<byte> signature)
    {
        if (input.Length != hash.Size) throw new Pkcs11Exception(CKR.CKR_DATA_LEN_RANGE);
        if (OnPlatform)
        {
            try
            {
                return PlatformKey!.SignHash(input, signature, hash.Platform!.Value, RSASignaturePadding.Pss);
            }
            catch (CryptographicException)
            {
                // fall through to BouncyCastle
            }
        }
        var signer = Signer();
        signer.Init(true, new ParametersWithRandom(Key.BouncyPrivate(), Random));
        signer.BlockUpdate(input);
        var sig = signer.GenerateSignature();
        return Copy(sig.Length == Key.Length ? sig : Unsigned.FromBig(Unsigned.ToBig(sig), Key.Length), signature);
    }

    public override bool Verify(ReadOnlySpan<byte> input, ReadOnlySpan<byte> signature)
    {
        if (input.Length != hash.Size) throw new Pkcs11Exception(CKR.CKR_DATA_LEN_RANGE);
        if (OnPlatform)
        {
            try
            {
                return PlatformKey!.VerifyHash(input, signature, hash.Platform!.Value, RSASignaturePadding.Pss);
            }
            catch (CryptographicException)
            {
                // fall through to BouncyCastle
            }
        }
        try
        {
            var signer = Signer();
            signer.Init(false, Key.BouncyPublic());
            signer.BlockUpdate(input);
            return signer.VerifySignature(signature.ToArray());
        }
        catch (Exception e) when (e is CryptoException or DataLengthException)
        {
            return false;
        }
    }

    private PssSigner Signer() =>
        PssSigner.CreateRawSigner(new RsaBlindedEngine(), hash.CreateBouncy(), mgf.CreateBouncy(), saltLength, PssSigner.TrailerImplicit);
}

/// <summary>Raw RSA as a signature (CKM_RSA_X_509): the data, as a number below n, raised to d; verification
/// compares the opened signature with the data left-padded to k bytes.</summary>
internal sealed class RsaRawScheme(RsaKey key, SecureRandom random) : RsaScheme(key, random, usePlatform: false)
{
    public override int Sign(ReadOnlySpan<byte> input, Span<byte> signature) =>
        Copy(RsaBouncy.RawPrivate(Key, input, Random, CKR.CKR_DATA_LEN_RANGE), signature);

    public override bool Verify(ReadOnlySpan<byte> input, ReadOnlySpan<byte> signature)
    {
        if (input.Length > Key.Length) throw new Pkcs11Exception(CKR.CKR_DATA_LEN_RANGE);
        byte[] opened;
        try
        {
            opened = RsaBouncy.RawPublic(Key, signature, CKR.CKR_SIGNATURE_INVALID);
        }
        catch (Pkcs11Exception)
        {
            return false;
        }
        var expected = new byte[Key.Length];
        input.CopyTo(expected.AsSpan(Key.Length - input.Length));
        return CryptographicOperations.FixedTimeEquals(opened, expected);
    }
}
