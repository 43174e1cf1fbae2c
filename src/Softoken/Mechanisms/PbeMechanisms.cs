using System.Security.Cryptography;
using Softoken.Crypto;
using Softoken.Mechanisms.Parameters;
using Softoken.Objects;
using Softoken.Pkcs11;

namespace Softoken.Mechanisms;

/// <summary>Password-based key generation (C_GenerateKey): CKM_PKCS5_PBKD2 (PBKDF2 with the HMAC-SHA-1/224/256/
/// 384/512 PRFs, .NET or BouncyCastle) and the PKCS #12 PBE mechanisms NSS uses for .p12 files
/// (CK_PBE_PARAMS, RFC 7292 appendix B through BouncyCastle; CKM_NSS_PBE_SHA1_DES_CBC likewise, for single DES;
/// CKM_PBE_MD2_DES_CBC and CKM_PBE_MD5_DES_CBC are PKCS #5 v1.5 PBES1): CKM_PBE_SHA1_* derive a cipher key (ID 1) and, for
/// the CBC ones, the IV (ID 2), which is returned through <see cref="PbeParameter.InitVector"/>;
/// CKM_PBA_SHA1_WITH_SHA1_HMAC and NSS's HMAC key generators derive a MAC key (ID 3). softokn lists all of
/// them on both slots. Key sizes are softokn's (bytes; bits for the RC2/RC4 rows).</summary>
internal static class PbeMechanisms
{


    public static IEnumerable<MechanismRow> Rows()
    {
        yield return new MechanismRow { Type = CKM.CKM_PKCS5_PBKD2, MinKeySize = 1, MaxKeySize = 256, GenerateKey = Pbkdf2Key };
        yield return Pbes1(CKM.CKM_PBE_MD2_DES_CBC, HashAlg.MD2);
        yield return Pbes1(CKM.CKM_PBE_MD5_DES_CBC, HashAlg.MD5);
        yield return Pbe(CKM.CKM_NSS_PBE_SHA1_DES_CBC, CKK.CKK_DES, 8, ivLength: 8, 8, 8);
        yield return Pbe(CKM.CKM_PBE_SHA1_DES3_EDE_CBC, CKK.CKK_DES3, 24, ivLength: 8, 24, 24);
        yield return FaultyDes3();
        yield return Pbe(CKM.CKM_PBE_SHA1_DES2_EDE_CBC, CKK.CKK_DES2, 16, ivLength: 8, 24, 24);
        yield return Pbe(CKM.CKM_PBE_SHA1_RC2_40_CBC, CKK.CKK_RC2, 5, ivLength: 8, 40, 40);
        yield return Pbe(CKM.CKM_PBE_SHA1_RC2_128_CBC, CKK.CKK_RC2, 16, ivLength: 8, 128, 128);
        yield return Pbe(CKM.CKM_PBE_SHA1_RC4_40, CKK.CKK_RC4, 5, ivLength: 0, 40, 40);
        yield return Pbe(CKM.CKM_PBE_SHA1_RC4_128, CKK.CKK_RC4, 16, ivLength: 0, 128, 128);
        yield return MacKey(CKM.CKM_PBA_SHA1_WITH_SHA1_HMAC, HashAlg.SHA1, CKK.CKK_GENERIC_SECRET);
        yield return MacKey(CKM.CKM_NSS_PBE_SHA1_HMAC_KEY_GEN, HashAlg.SHA1, CKK.CKK_GENERIC_SECRET);
        yield return MacKey(CKM.CKM_NSS_PBE_MD5_HMAC_KEY_GEN, HashAlg.MD5, CKK.CKK_GENERIC_SECRET);
        yield return MacKey(CKM.CKM_NSS_PBE_MD2_HMAC_KEY_GEN, HashAlg.MD2, CKK.CKK_GENERIC_SECRET);
        yield return MacKey(CKM.CKM_NSS_PKCS12_PBE_SHA224_HMAC_KEY_GEN, HashAlg.SHA224, CKK.CKK_GENERIC_SECRET);
        yield return MacKey(CKM.CKM_NSS_PKCS12_PBE_SHA256_HMAC_KEY_GEN, HashAlg.SHA256, CKK.CKK_GENERIC_SECRET);
        yield return MacKey(CKM.CKM_NSS_PKCS12_PBE_SHA384_HMAC_KEY_GEN, HashAlg.SHA384, CKK.CKK_GENERIC_SECRET);
        yield return MacKey(CKM.CKM_NSS_PKCS12_PBE_SHA512_HMAC_KEY_GEN, HashAlg.SHA512, CKK.CKK_GENERIC_SECRET);
    }

    /// <summary>PKCS #11 v3.0 section 2.41.6: the key's length comes from the template (CKA_VALUE_LEN or a
    /// fixed-size CKA_KEY_TYPE); the salt source must be CKZ_SALT_SPECIFIED.</summary>
    private static AttributeSet Pbkdf2Key(KeyGenRequest request)
    {
        if (request.Parameter is not Pbkd2Parameter p || p.SaltSource != (ulong)CKZ.CKZ_SALT_SPECIFIED)
            throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID);
        HashAlg prf = p.Prf switch
        {
            CKP.CKP_PKCS5_PBKD2_HMAC_SHA1 => HashAlg.SHA1,
            CKP.CKP_PKCS5_PBKD2_HMAC_SHA224 => HashAlg.SHA224,
            CKP.CKP_PKCS5_PBKD2_HMAC_SHA256 => HashAlg.SHA256,
            CKP.CKP_PKCS5_PBKD2_HMAC_SHA384 => HashAlg.SHA384,
            CKP.CKP_PKCS5_PBKD2_HMAC_SHA512 => HashAlg.SHA512,
            CKP.CKP_PKCS5_PBKD2_HMAC_SHA512_224 => HashAlg.SHA512_224,
            CKP.CKP_PKCS5_PBKD2_HMAC_SHA512_256 => HashAlg.SHA512_256,
            _ => throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID),
        };
        int iterations = Iterations(p.Iterations);
        int length = DerivedKeys.RequiredLength(request.Template);
        if (length > 256) throw new Pkcs11Exception(CKR.CKR_KEY_SIZE_RANGE);
        var value = Crypto.Pbkdf2.Derive(prf, p.Password, p.Salt, iterations, length);
        return DerivedKeys.Secret(value, request.Template, request.Template.KeyType is null ? CKK.CKK_GENERIC_SECRET : null);
    }

    private static MechanismRow Pbe(CKM type, CKK keyType, int keyLength, int ivLength, ulong min, ulong max) => new()
    {
        Type = type,
        MinKeySize = min,
        MaxKeySize = max,
        GenerateKey = request =>
        {
            var p = PbeParams(request);
            var (key, iv) = Pkcs12Kdf.DeriveKeyAndIv(HashAlg.SHA1, p.Password, p.Salt, Iterations(p.Iterations), keyLength, ivLength);
            if (ivLength > 0 && p.WantsInitVector) p.InitVector = iv;
            else CryptographicOperations.ZeroMemory(iv);
            return DerivedKeys.Secret(key, request.Template, keyType);
        },
    };

    /// <summary>PKCS #5 v1.5 PBES1 (PBKDF1 with MD2 or MD5): a DES key and its IV. softokn advertises these as
    /// CKF_DERIVE but serves them in C_GenerateKey like every PBE mechanism; Softoken advertises what it does.</summary>
    private static MechanismRow Pbes1(CKM type, HashAlg alg) => new()
    {
        Type = type,
        MinKeySize = 8,
        MaxKeySize = 8,
        GenerateKey = request =>
        {
            var p = PbeParams(request);
            var (key, iv) = Crypto.Pbkdf1.DeriveDesKeyAndIv(alg, p.Password, p.Salt, Iterations(p.Iterations));
            if (p.WantsInitVector) p.InitVector = iv;
            else CryptographicOperations.ZeroMemory(iv);
            return DerivedKeys.Secret(key, request.Template, CKK.CKK_DES);
        },
    };

    /// <summary>CKM_NSS_PBE_SHA1_FAULTY_3DES_CBC: a DES3 key and IV from <see cref="NssPbkdf1Extended"/> with NSS's
    /// faulty first hash, for keys NSS once stored with it. libsoftokn3 3.87 lists it (CKF_GENERATE, 24 bytes) but
    /// answers its C_GenerateKey with CKR_MECHANISM_INVALID; Softoken generates the key lowpbe.c describes.</summary>
    private static MechanismRow FaultyDes3() => new()
    {
        Type = CKM.CKM_NSS_PBE_SHA1_FAULTY_3DES_CBC,
        MinKeySize = 24,
        MaxKeySize = 24,
        GenerateKey = request =>
        {
            var p = PbeParams(request);
            var (key, iv) = NssPbkdf1Extended.DeriveDes3KeyAndIv(p.Password, p.Salt, Iterations(p.Iterations), faulty: true);
            if (p.WantsInitVector) p.InitVector = iv;
            else CryptographicOperations.ZeroMemory(iv);
            return DerivedKeys.Secret(key, request.Template, CKK.CKK_DES3);
        },
    };

    private static MechanismRow MacKey(CKM type, HashAlg alg, CKK keyType) => new()
    {
        Type = type,
        MinKeySize = (ulong)HashAlgorithms.Size(alg),
        MaxKeySize = (ulong)HashAlgorithms.Size(alg),
        GenerateKey = request =>
        {
            var p = PbeParams(request);
            var key = Pkcs12Kdf.DeriveMacKey(alg, p.Password, p.Salt, Iterations(p.Iterations), HashAlgorithms.Size(alg));
            return DerivedKeys.Secret(key, request.Template, keyType);
        },
    };

    private static PbeParameter PbeParams(KeyGenRequest request) =>
        request.Parameter as PbeParameter ?? throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID);

    private static int Iterations(ulong iterations) =>
        iterations is >= 1 and <= int.MaxValue ? (int)iterations : throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID);
}
