using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Digests;
using Softoken.Pkcs11;

namespace Softoken.Crypto;

/// <summary>The hash functions the token offers, independent of the library that computes them.</summary>
internal enum HashAlg
{
    MD2,
    MD5,
    SHA1,
    SHA224,
    SHA256,
    SHA384,
    SHA512,
    SHA512_224,
    SHA512_256,
    SHA3_224,
    SHA3_256,
    SHA3_384,
    SHA3_512,
}

/// <summary>Sizes of each hash, the library object behind it, and the mapping from the PKCS #11 digest mechanism
/// that names a hash in a parameter (prfHashMechanism, CK_HKDF_PARAMS.prfHashMechanism ...).</summary>
internal static class HashAlgorithms
{
    public static int Size(HashAlg alg) => alg switch
    {
        HashAlg.MD2 or HashAlg.MD5 => 16,
        HashAlg.SHA1 => 20,
        HashAlg.SHA224 or HashAlg.SHA512_224 or HashAlg.SHA3_224 => 28,
        HashAlg.SHA256 or HashAlg.SHA512_256 or HashAlg.SHA3_256 => 32,
        HashAlg.SHA384 or HashAlg.SHA3_384 => 48,
        _ => 64,
    };

    /// <summary>The HMAC block size (the hash's input block, or the SHA-3 rate).</summary>
    public static int BlockSize(HashAlg alg) => alg switch
    {
        HashAlg.MD2 => 16,
        HashAlg.SHA384 or HashAlg.SHA512 or HashAlg.SHA512_224 or HashAlg.SHA512_256 => 128,
        HashAlg.SHA3_224 => 144,
        HashAlg.SHA3_256 => 136,
        HashAlg.SHA3_384 => 104,
        HashAlg.SHA3_512 => 72,
        _ => 64,
    };

    /// <summary>The .NET (OpenSSL) name of the hash, when the platform computes it.</summary>
    public static HashAlgorithmName? PlatformName(HashAlg alg) => alg switch
    {
        HashAlg.MD5 => HashAlgorithmName.MD5,
        HashAlg.SHA1 => HashAlgorithmName.SHA1,
        HashAlg.SHA256 => HashAlgorithmName.SHA256,
        HashAlg.SHA384 => HashAlgorithmName.SHA384,
        HashAlg.SHA512 => HashAlgorithmName.SHA512,
        HashAlg.SHA3_256 when SHA3_256.IsSupported => HashAlgorithmName.SHA3_256,
        HashAlg.SHA3_384 when SHA3_384.IsSupported => HashAlgorithmName.SHA3_384,
        HashAlg.SHA3_512 when SHA3_512.IsSupported => HashAlgorithmName.SHA3_512,
        _ => null,
    };

    /// <summary>A fresh BouncyCastle digest (for use inside Crypto/ only).</summary>
    public static IDigest CreateBouncy(HashAlg alg) => alg switch
    {
        HashAlg.MD2 => new MD2Digest(),
        HashAlg.MD5 => new MD5Digest(),
        HashAlg.SHA1 => new Sha1Digest(),
        HashAlg.SHA224 => new Sha224Digest(),
        HashAlg.SHA256 => new Sha256Digest(),
        HashAlg.SHA384 => new Sha384Digest(),
        HashAlg.SHA512 => new Sha512Digest(),
        HashAlg.SHA512_224 => new Sha512tDigest(224),
        HashAlg.SHA512_256 => new Sha512tDigest(256),
        HashAlg.SHA3_224 => new Sha3Digest(224),
        HashAlg.SHA3_256 => new Sha3Digest(256),
        HashAlg.SHA3_384 => new Sha3Digest(384),
        HashAlg.SHA3_512 => new Sha3Digest(512),
        _ => throw new ArgumentOutOfRangeException(nameof(alg)),
    };

    /// <summary>The engine behind C_DigestInit, chosen by measurement (a Stopwatch loop, 64 bytes to 1 MiB):
    /// SHA-1 and SHA-256 are faster on OpenSSL at every size (SHA extensions); MD5, SHA-384, SHA-512 and SHA-3
    /// are faster on BouncyCastle for short messages and on OpenSSL for long ones (<see cref="AdaptiveDigest"/>);
    /// the rest exist only in BouncyCastle.</summary>
    public static IDigestEngine CreateEngine(HashAlg alg) => alg switch
    {
        HashAlg.SHA1 or HashAlg.SHA256 => new PlatformDigest(alg),
        _ when PlatformName(alg) is not null => new AdaptiveDigest(alg),
        _ => new BouncyDigest(CreateBouncy(alg)),
    };

    /// <summary>The hash a digest mechanism names (CKM_SHA256 → SHA-256), or null.</summary>
    public static HashAlg? FromDigestMechanism(CKM mechanism) => mechanism switch
    {
        CKM.CKM_MD2 => HashAlg.MD2,
        CKM.CKM_MD5 => HashAlg.MD5,
        CKM.CKM_SHA_1 => HashAlg.SHA1,
        CKM.CKM_SHA224 => HashAlg.SHA224,
        CKM.CKM_SHA256 => HashAlg.SHA256,
        CKM.CKM_SHA384 => HashAlg.SHA384,
        CKM.CKM_SHA512 => HashAlg.SHA512,
        CKM.CKM_SHA512_224 => HashAlg.SHA512_224,
        CKM.CKM_SHA512_256 => HashAlg.SHA512_256,
        CKM.CKM_SHA3_224 => HashAlg.SHA3_224,
        CKM.CKM_SHA3_256 => HashAlg.SHA3_256,
        CKM.CKM_SHA3_384 => HashAlg.SHA3_384,
        CKM.CKM_SHA3_512 => HashAlg.SHA3_512,
        _ => null,
    };

    /// <summary>The hash an HMAC mechanism names (CKM_SHA256_HMAC → SHA-256), or null: the PRF of SP 800-108 and
    /// the HMAC mechanisms themselves.</summary>
    public static HashAlg? FromHmacMechanism(CKM mechanism) => mechanism switch
    {
        CKM.CKM_MD2_HMAC => HashAlg.MD2,
        CKM.CKM_MD5_HMAC => HashAlg.MD5,
        CKM.CKM_SHA_1_HMAC => HashAlg.SHA1,
        CKM.CKM_SHA224_HMAC => HashAlg.SHA224,
        CKM.CKM_SHA256_HMAC => HashAlg.SHA256,
        CKM.CKM_SHA384_HMAC => HashAlg.SHA384,
        CKM.CKM_SHA512_HMAC => HashAlg.SHA512,
        CKM.CKM_SHA512_224_HMAC => HashAlg.SHA512_224,
        CKM.CKM_SHA512_256_HMAC => HashAlg.SHA512_256,
        CKM.CKM_SHA3_224_HMAC => HashAlg.SHA3_224,
        CKM.CKM_SHA3_256_HMAC => HashAlg.SHA3_256,
        CKM.CKM_SHA3_384_HMAC => HashAlg.SHA3_384,
        CKM.CKM_SHA3_512_HMAC => HashAlg.SHA3_512,
        _ => null,
    };
}
