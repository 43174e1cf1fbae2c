using Softoken.Crypto;
using Softoken.Mechanisms.Parameters;
using Softoken.Operations;
using Softoken.Pkcs11;

namespace Softoken.Mechanisms;

/// <summary>RSA (PKCS #11 v3.0 section 2.1): key generation, PKCS #1 v1.5, OAEP, PSS, raw RSA, their hash-and-sign
/// forms and recovery (MD2 too, as softokn). softokn lists all of them on both slots; the SHA-3 forms, which softokn
/// lacks, too.</summary>
internal static class RsaMechanisms
{
    private const ulong MinBits = RsaGenerator.MinBits;
    private const ulong MaxBits = RsaGenerator.MaxBits;

    public static IEnumerable<MechanismRow> Rows()
    {
        yield return Row(CKM.CKM_RSA_PKCS_KEY_PAIR_GEN) with { GenerateKeyPair = RsaGenerator.Generate };

        Func<MechanismContext, ICipherOperation> pkcs1Encrypt = c => new RsaPkcs1Cipher(RsaKey.Public(c.Key), true, Random(c));
        Func<MechanismContext, ICipherOperation> pkcs1Decrypt = c => new RsaPkcs1Cipher(RsaKey.Private(c.Key), false, Random(c));
        yield return Row(CKM.CKM_RSA_PKCS) with
        {
            Encrypt = pkcs1Encrypt,
            Decrypt = pkcs1Decrypt,
            Wrap = pkcs1Encrypt,
            Unwrap = pkcs1Decrypt,
            Sign = c => new SignOperation(new RsaPkcs1Scheme(RsaKey.Private(c.Key), null, Random(c)), null),
            Verify = c => new VerifyOperation(new RsaPkcs1Scheme(RsaKey.Public(c.Key), null, Random(c)), null),
            SignRecover = c => new RsaRecoverOperation(RsaKey.Private(c.Key), sign: true, raw: false, Random(c)),
            VerifyRecover = c => new RsaRecoverOperation(RsaKey.Public(c.Key), sign: false, raw: false, Random(c)),
        };

        yield return Row(CKM.CKM_RSA_X_509) with
        {
            Encrypt = c => new RsaRawCipher(RsaKey.Public(c.Key), true, Random(c)),
            Decrypt = c => new RsaRawCipher(RsaKey.Private(c.Key), false, Random(c)),
            Sign = c => new SignOperation(new RsaRawScheme(RsaKey.Private(c.Key), Random(c)), null),
            Verify = c => new VerifyOperation(new RsaRawScheme(RsaKey.Public(c.Key), Random(c)), null),
            SignRecover = c => new RsaRecoverOperation(RsaKey.Private(c.Key), sign: true, raw: true, Random(c)),
            VerifyRecover = c => new RsaRecoverOperation(RsaKey.Public(c.Key), sign: false, raw: true, Random(c)),
        };

        Func<MechanismContext, ICipherOperation> oaepEncrypt = c => Oaep(c, encrypt: true);
        Func<MechanismContext, ICipherOperation> oaepDecrypt = c => Oaep(c, encrypt: false);
        yield return Row(CKM.CKM_RSA_PKCS_OAEP) with { Encrypt = oaepEncrypt, Decrypt = oaepDecrypt, Wrap = oaepEncrypt, Unwrap = oaepDecrypt };

        yield return Row(CKM.CKM_RSA_PKCS_PSS) with
        {
            Sign = c => new SignOperation(Pss(c, RsaKey.Private(c.Key), null), null),
            Verify = c => new VerifyOperation(Pss(c, RsaKey.Public(c.Key), null), null),
        };

        foreach (var (mechanism, hash) in new (CKM, HashSpec)[]
        {
            (CKM.CKM_MD2_RSA_PKCS, HashSpecs.Md2), (CKM.CKM_MD5_RSA_PKCS, HashSpecs.Md5), (CKM.CKM_SHA1_RSA_PKCS, HashSpecs.Sha1),
            (CKM.CKM_SHA224_RSA_PKCS, HashSpecs.Sha224), (CKM.CKM_SHA256_RSA_PKCS, HashSpecs.Sha256),
            (CKM.CKM_SHA384_RSA_PKCS, HashSpecs.Sha384), (CKM.CKM_SHA512_RSA_PKCS, HashSpecs.Sha512),
            (CKM.CKM_SHA3_224_RSA_PKCS, HashSpecs.Sha3_224), (CKM.CKM_SHA3_256_RSA_PKCS, HashSpecs.Sha3_256),
            (CKM.CKM_SHA3_384_RSA_PKCS, HashSpecs.Sha3_384), (CKM.CKM_SHA3_512_RSA_PKCS, HashSpecs.Sha3_512),
        })
        {
            yield return Row(mechanism) with
            {
                Sign = c => new SignOperation(new RsaPkcs1Scheme(RsaKey.Private(c.Key), hash, Random(c)), hash),
                Verify = c => new VerifyOperation(new RsaPkcs1Scheme(RsaKey.Public(c.Key), hash, Random(c)), hash),
            };
        }

        foreach (var (mechanism, hash) in new (CKM, HashSpec)[]
        {
            (CKM.CKM_SHA1_RSA_PKCS_PSS, HashSpecs.Sha1), (CKM.CKM_SHA224_RSA_PKCS_PSS, HashSpecs.Sha224),
            (CKM.CKM_SHA256_RSA_PKCS_PSS, HashSpecs.Sha256), (CKM.CKM_SHA384_RSA_PKCS_PSS, HashSpecs.Sha384),
            (CKM.CKM_SHA512_RSA_PKCS_PSS, HashSpecs.Sha512), (CKM.CKM_SHA3_224_RSA_PKCS_PSS, HashSpecs.Sha3_224),
            (CKM.CKM_SHA3_256_RSA_PKCS_PSS, HashSpecs.Sha3_256), (CKM.CKM_SHA3_384_RSA_PKCS_PSS, HashSpecs.Sha3_384),
            (CKM.CKM_SHA3_512_RSA_PKCS_PSS, HashSpecs.Sha3_512),
        })
        {
            yield return Row(mechanism) with
            {
                Sign = c => new SignOperation(Pss(c, RsaKey.Private(c.Key), hash), hash),
                Verify = c => new VerifyOperation(Pss(c, RsaKey.Public(c.Key), hash), hash),
            };
        }
    }

    private static MechanismRow Row(CKM type) => new() { Type = type, MinKeySize = MinBits, MaxKeySize = MaxBits };

    private static Org.BouncyCastle.Security.SecureRandom Random(MechanismContext c) => BouncyRandom.For(c.Random);

    private static RsaOaepCipher Oaep(MechanismContext c, bool encrypt)
    {
        if (c.Parameter is not RsaOaepParameter p) throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID);
        if (p.Source != (ulong)CKZ.CKZ_DATA_SPECIFIED && !(p.Source == 0 && p.SourceData.Length == 0))
            throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID, "source");
        var hash = HashSpecs.ParameterHash(p.HashAlg);
        var mgf = HashSpecs.Mgf(p.Mgf);
        return new RsaOaepCipher(encrypt ? RsaKey.Public(c.Key) : RsaKey.Private(c.Key), encrypt, hash, mgf, p.SourceData, Random(c));
    }

    /// <summary>The PSS scheme for CK_RSA_PKCS_PSS_PARAMS; a hash-and-sign mechanism requires the parameter's hash
    /// to be its own.</summary>
    private static RsaPssScheme Pss(MechanismContext c, RsaKey key, HashSpec? mechanismHash)
    {
        try
        {
            if (c.Parameter is not RsaPssParameter p) throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID);
            var hash = HashSpecs.ParameterHash(p.HashAlg);
            if (mechanismHash is not null && hash != mechanismHash) throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID, "hashAlg");
            return new RsaPssScheme(key, hash, HashSpecs.Mgf(p.Mgf), p.SaltLength, Random(c));
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }
}
