using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Parameters;
using Softoken.Mechanisms;
using Softoken.Objects;
using Softoken.Pkcs11;

namespace Softoken.Crypto;

/// <summary>CKK_EC_EDWARDS keys (PKCS #11 v3.0 section 2.3.5): CKA_VALUE is the RFC 8032 private key (32 bytes for
/// Ed25519, 57 for Ed448), CKA_EC_POINT the encoded public key. BouncyCastle throughout (.NET has no EdDSA).</summary>
internal static class EdwardsKeys
{
    public static (EcCurve Curve, byte[] Seed) Private(AttributeSet key)
    {
        KeyChecks.RequireType(key, CKK.CKK_EC_EDWARDS);
        KeyChecks.RequirePrivate(key, CKA.CKA_VALUE);
        var curve = EcCurves.OfKey(key, CurveKind.Edwards);
        var seed = key.RequireBytes(CKA.CKA_VALUE);
        if (seed.Length != curve.PublicLength) throw new Pkcs11Exception(CKR.CKR_KEY_SIZE_RANGE);
        return (curve, (byte[])seed.Clone());
    }

    /// <summary>The public key bytes: CKA_EC_POINT (DER or raw) of a public key, or computed from a private key.</summary>
    public static (EcCurve Curve, byte[] Point) Public(AttributeSet key)
    {
        KeyChecks.RequireType(key, CKK.CKK_EC_EDWARDS);
        if (KeyChecks.IsPrivate(key, CKA.CKA_VALUE))
        {
            var (c, seed) = Private(key);
            try
            {
                return (c, PublicFromSeed(c, seed));
            }
            finally
            {
                CryptographicOperations.ZeroMemory(seed);
            }
        }
        var curve = EcCurves.OfKey(key, CurveKind.Edwards);
        return (curve, EcPoints.Unwrap(key.RequireBytes(CKA.CKA_EC_POINT), curve, CKR.CKR_ATTRIBUTE_VALUE_INVALID));
    }

    public static byte[] PublicFromSeed(EcCurve curve, byte[] seed) => curve == EcCurves.Ed25519
        ? new Ed25519PrivateKeyParameters(seed).GeneratePublicKey().GetEncoded()
        : new Ed448PrivateKeyParameters(seed).GeneratePublicKey().GetEncoded();

    /// <summary>CKM_EC_EDWARDS_KEY_PAIR_GEN, with a pairwise sign/verify check.</summary>
    public static KeyPairMaterial Generate(KeyPairRequest request)
    {
        var ecParams = request.PublicTemplate.RequireBytes(CKA.CKA_EC_PARAMS);
        var curve = EcCurves.Parse(ecParams, CurveKind.Edwards);
        var random = BouncyRandom.For(request.Random);
        byte[] seed, point;
        if (curve == EcCurves.Ed25519)
        {
            var k = new Ed25519PrivateKeyParameters(random);
            (seed, point) = (k.GetEncoded(), k.GeneratePublicKey().GetEncoded());
        }
        else
        {
            var k = new Ed448PrivateKeyParameters(random);
            (seed, point) = (k.GetEncoded(), k.GeneratePublicKey().GetEncoded());
        }
        var material = KeyPairs.Build(CKK.CKK_EC_EDWARDS, ecParams, seed, point);

        var message = new byte[32];
        request.Random.Fill(message);
        using var signer = new EddsaScheme(curve, (byte[])seed.Clone(), null, null);
        using var verifier = new EddsaScheme(curve, null, point, null);
        var signature = new byte[signer.SignatureLength];
        signer.Sign(message, signature);
        if (!verifier.Verify(message, signature)) throw new Pkcs11Exception(CKR.CKR_GENERAL_ERROR, "pairwise consistency check");
        return material;
    }
}

/// <summary>Key pair attribute sets shared by the EC-style generators.</summary>
internal static class KeyPairs
{
    /// <summary>The two halves of an EC-style key pair; CKA_ID is SHA-1 of the raw public point (NSS).</summary>
    public static KeyPairMaterial Build(CKK type, byte[] ecParams, byte[] privateValue, byte[] rawPoint)
    {
        var id = KeyChecks.Sha1Id(rawPoint);
        var pub = new AttributeSet();
        pub.SetUlong(CKA.CKA_KEY_TYPE, (ulong)type);
        pub.Set(CKA.CKA_EC_PARAMS, (byte[])ecParams.Clone());
        pub.Set(CKA.CKA_EC_POINT, EcPoints.Wrap(rawPoint));
        pub.Set(CKA.CKA_ID, id);
        var priv = new AttributeSet();
        priv.SetUlong(CKA.CKA_KEY_TYPE, (ulong)type);
        priv.Set(CKA.CKA_EC_PARAMS, (byte[])ecParams.Clone());
        priv.Set(CKA.CKA_VALUE, privateValue);
        priv.Set(CKA.CKA_ID, (byte[])id.Clone());
        return new KeyPairMaterial(pub, priv);
    }
}
