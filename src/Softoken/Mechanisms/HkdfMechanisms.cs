using System.Security.Cryptography;
using Softoken.Crypto;
using Softoken.Mechanisms.Parameters;
using Softoken.Objects;
using Softoken.Pkcs11;

namespace Softoken.Mechanisms;

/// <summary>HKDF (RFC 5869; PKCS #11 v3.0 section 2.42.7): CKM_HKDF_DERIVE (a secret key), CKM_HKDF_DATA (a data
/// object: the result's CKA_VALUE is the object's value), CKM_HKDF_KEY_GEN (a random CKK_HKDF key), and NSS's
/// CKM_NSS_HKDF_SHA* (CK_NSS_HKDFParams, decoded into the same <see cref="HkdfParameter"/> with the hash fixed by
/// the mechanism). softokn lists all of them on both slots.</summary>
internal static class HkdfMechanisms
{
    public static IEnumerable<MechanismRow> Rows()
    {
        yield return new MechanismRow { Type = CKM.CKM_HKDF_DERIVE, MinKeySize = 1, MaxKeySize = 255 * 64, Derive = Derive };
        yield return new MechanismRow { Type = CKM.CKM_HKDF_DATA, MinKeySize = 1, MaxKeySize = 255 * 64, Derive = Derive };
        yield return new MechanismRow { Type = CKM.CKM_HKDF_KEY_GEN, MinKeySize = 1, MaxKeySize = 255 * 64, GenerateKey = Generate };
        foreach (var type in new[] { CKM.CKM_NSS_HKDF_SHA1, CKM.CKM_NSS_HKDF_SHA256, CKM.CKM_NSS_HKDF_SHA384, CKM.CKM_NSS_HKDF_SHA512 })
        {
            yield return new MechanismRow { Type = type, MinKeySize = 1, MaxKeySize = 128, Derive = Derive };
        }
    }

    private static DeriveResult Derive(DeriveRequest request)
    {
        if (request.Parameter is not HkdfParameter p || (!p.Extract && !p.Expand))
            throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID);
        var alg = HashAlgorithms.FromDigestMechanism(p.PrfHashMechanism) ?? throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID);
        int hashLength = HashAlgorithms.Size(alg);
        var ikm = HmacMechanisms.SecretValue(request.BaseKey);
        byte[] prk = ikm;
        if (p.Extract)
        {
            var salt = p.SaltType switch
            {
                HkdfSalt.CKF_HKDF_SALT_NULL => [],
                HkdfSalt.CKF_HKDF_SALT_DATA => p.Salt,
                HkdfSalt.CKF_HKDF_SALT_KEY => p.SaltKey ?? throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID),
                _ => throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID),
            };
            prk = Hkdf.Extract(alg, salt, ikm);
        }
        byte[] value;
        if (p.Expand)
        {
            int length = DerivedKeys.Requested(request.Template)
                ?? (request.Mechanism == CKM.CKM_HKDF_DATA ? hashLength : throw new Pkcs11Exception(CKR.CKR_TEMPLATE_INCOMPLETE));
            if (length > 255 * hashLength) throw new Pkcs11Exception(CKR.CKR_KEY_SIZE_RANGE);
            value = Hkdf.Expand(alg, prk, p.Info, length);
            if (!ReferenceEquals(prk, ikm)) CryptographicOperations.ZeroMemory(prk);
        }
        else
        {
            // Extract only: the key is the PRK, or its leading bytes when the template asks for fewer.
            int length = DerivedKeys.Length(request.Template, hashLength);
            value = prk.AsSpan(0, length).ToArray();
            CryptographicOperations.ZeroMemory(prk);
        }
        return new DeriveResult(DerivedKeys.Secret(value, request.Template));
    }

    private static AttributeSet Generate(KeyGenRequest request)
    {
        if (request.Parameter is not NoParameter) throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID);
        int length = DerivedKeys.RequiredLength(request.Template);
        if (length > 255 * 64) throw new Pkcs11Exception(CKR.CKR_KEY_SIZE_RANGE);
        var value = new byte[length];
        request.Random.Fill(value);
        return DerivedKeys.Secret(value, request.Template, CKK.CKK_HKDF);
    }
}
