using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Agreement;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Softoken.Mechanisms;
using Softoken.Mechanisms.Parameters;
using Softoken.Objects;
using Softoken.Pkcs11;

namespace Softoken.Crypto;

/// <summary>CKM_ECDH1_DERIVE and CKM_ECDH1_COFACTOR_DERIVE (PKCS #11 v3.0 section 2.3.7) on CKK_EC keys (OpenSSL,
/// else BouncyCastle) and CKK_EC_MONTGOMERY keys (X25519/X448), then the KDF of CK_ECDH1_DERIVE_PARAMS.
/// Every supported Weierstrass curve has cofactor 1, so the cofactor variant computes the same secret.</summary>
internal static class EcdhDerive
{
    public static DeriveResult Derive(DeriveRequest request)
    {
        if (request.Parameter is not Ecdh1DeriveParameter p) throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID);
        var hash = p.Kdf == CKD.CKD_NULL ? null
            : HashSpecs.Kdf(p.Kdf) ?? throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID, "kdf " + p.Kdf);
        // softokn: CKD_NULL takes no shared data.
        if (hash is null && p.SharedData.Length != 0) throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID, "shared data with CKD_NULL");
        KeyChecks.RequireType(request.BaseKey, CKK.CKK_EC, CKK.CKK_EC_MONTGOMERY);
        int length = KeyChecks.DerivedKeyLength(request.Template);

        var z = request.BaseKey.KeyType == CKK.CKK_EC
            ? Weierstrass(request.BaseKey, p.PublicData)
            : Montgomery(request.BaseKey, p.PublicData);
        byte[] value;
        if (hash is null)
        {
            // softokn keeps the least significant bytes of the secret (or pads it) to the requested length.
            value = KeyChecks.FitRight(z, length);
        }
        else
        {
            value = new byte[length == 0 ? z.Length : length];
            var kdf = new Kdf2BytesGenerator(hash.CreateBouncy());
            kdf.Init(new KdfParameters(z, p.SharedData));
            kdf.GenerateBytes(value, 0, value.Length);
            CryptographicOperations.ZeroMemory(z);
        }
        var key = new AttributeSet();
        key.Set(CKA.CKA_VALUE, value);
        return new DeriveResult(key);
    }

    private static byte[] Weierstrass(AttributeSet baseKey, byte[] publicData)
    {
        using var key = EcKey.Private(baseKey);
        var peerPoint = EcKey.Uncompressed(key.Curve, publicData, CKR.CKR_MECHANISM_PARAM_INVALID);
        using (var platform = key.PlatformAgreement())
        {
            if (platform is not null)
            {
                using var peer = EcKey.PlatformPeer(key.Curve, peerPoint);
                return platform.Key.DeriveRawSecretAgreement(peer.Key);
            }
        }
        ECPublicKeyParameters peerKey;
        try
        {
            peerKey = EcKey.FromPoint(key.Curve, peerPoint).CachedBouncyPublic();
        }
        catch (Pkcs11Exception)
        {
            throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID, "EC point not on the curve");
        }
        var agreement = new ECDHBasicAgreement();
        agreement.Init(key.BouncyPrivate());
        return Unsigned.FromBig(agreement.CalculateAgreement(peerKey), key.Curve.CoordinateLength);
    }

    private static byte[] Montgomery(AttributeSet baseKey, byte[] publicData)
    {
        var (curve, scalar) = MontgomeryKeys.Private(baseKey);
        try
        {
            return MontgomeryKeys.Agree(curve, scalar, publicData);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(scalar);
        }
    }
}
