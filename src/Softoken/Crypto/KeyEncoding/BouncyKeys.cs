using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Softoken.Objects;
using Softoken.Pkcs11;

namespace Softoken.Crypto.KeyEncoding;

/// <summary>Key objects to and from BouncyCastle's key classes, the common ground of the PKCS #8 and
/// SubjectPublicKeyInfo codecs.</summary>
internal static class BouncyKeys
{
    public static AsymmetricKeyParameter ToPrivate(AttributeSet key)
    {
        switch (key.KeyType)
        {
            case CKK.CKK_RSA:
                using (var rsa = RsaKey.Private(key)) return rsa.BouncyPrivate();
            case CKK.CKK_DSA:
                using (var dsa = DsaKey.Private(key)) return dsa.BouncyPrivate();
            case CKK.CKK_DH:
            case CKK.CKK_X9_42_DH:
                return new DHPrivateKeyParameters(Unsigned.ToBig(key.RequireBytes(CKA.CKA_VALUE)), DhParameters(key), DhAlgorithm(key));
            case CKK.CKK_EC:
                using (var ec = EcKey.Private(key)) return ec.BouncyPrivate();
            case CKK.CKK_EC_EDWARDS:
            {
                var (curve, seed) = EdwardsKeys.Private(key);
                return curve == EcCurves.Ed25519 ? new Ed25519PrivateKeyParameters(seed) : new Ed448PrivateKeyParameters(seed);
            }
            case CKK.CKK_EC_MONTGOMERY:
            {
                var (curve, scalar) = MontgomeryKeys.Private(key);
                return curve == EcCurves.X25519 ? new X25519PrivateKeyParameters(scalar) : new X448PrivateKeyParameters(scalar);
            }
            case CKK.CKK_ML_KEM:
            case CKK.CKK_NSS_ML_KEM:
                return MlKemKeys.Private(key);
            default:
                throw new Pkcs11Exception(CKR.CKR_KEY_NOT_WRAPPABLE, "no PKCS #8 form for " + key.KeyType);
        }
    }

    public static AsymmetricKeyParameter ToPublic(AttributeSet key)
    {
        switch (key.KeyType)
        {
            case CKK.CKK_RSA:
                return RsaKey.Public(key).BouncyPublic();
            case CKK.CKK_DSA:
                using (var dsa = DsaKey.Public(key)) return dsa.BouncyPublic();
            case CKK.CKK_DH:
            case CKK.CKK_X9_42_DH:
            {
                var parameters = DhParameters(key);
                var value = Unsigned.ToBig(key.RequireBytes(CKA.CKA_VALUE));
                var y = KeyChecks.IsPrivate(key, CKA.CKA_VALUE) ? parameters.G.ModPow(value, parameters.P) : value;
                return new DHPublicKeyParameters(y, parameters, DhAlgorithm(key));
            }
            case CKK.CKK_EC:
                using (var ec = EcKey.Public(key)) return ec.BouncyPublic();
            case CKK.CKK_EC_EDWARDS:
            {
                var (curve, point) = EdwardsKeys.Public(key);
                return curve == EcCurves.Ed25519 ? new Ed25519PublicKeyParameters(point) : new Ed448PublicKeyParameters(point);
            }
            case CKK.CKK_EC_MONTGOMERY:
            {
                var (curve, point) = MontgomeryKeys.Public(key);
                return curve == EcCurves.X25519 ? new X25519PublicKeyParameters(point) : new X448PublicKeyParameters(point);
            }
            case CKK.CKK_ML_KEM:
            case CKK.CKK_NSS_ML_KEM:
                return MlKemKeys.Public(key);
            default:
                throw new Pkcs11Exception(CKR.CKR_KEY_TYPE_INCONSISTENT, "no SubjectPublicKeyInfo form for " + key.KeyType);
        }
    }

    /// <summary>A private key as a CKO_PRIVATE_KEY attribute set (components only; the object layer adds the rest).</summary>
    public static AttributeSet FromPrivate(AsymmetricKeyParameter key)
    {
        var set = new AttributeSet();
        set.SetUlong(CKA.CKA_CLASS, (ulong)CKO.CKO_PRIVATE_KEY);
        switch (key)
        {
            case RsaPrivateCrtKeyParameters k:
                Type(set, CKK.CKK_RSA);
                Big(set, CKA.CKA_MODULUS, k.Modulus);
                Big(set, CKA.CKA_PUBLIC_EXPONENT, k.PublicExponent);
                Big(set, CKA.CKA_PRIVATE_EXPONENT, k.Exponent);
                Big(set, CKA.CKA_PRIME_1, k.P);
                Big(set, CKA.CKA_PRIME_2, k.Q);
                Big(set, CKA.CKA_EXPONENT_1, k.DP);
                Big(set, CKA.CKA_EXPONENT_2, k.DQ);
                Big(set, CKA.CKA_COEFFICIENT, k.QInv);
                break;
            case RsaKeyParameters { IsPrivate: true } k:
                Type(set, CKK.CKK_RSA);
                Big(set, CKA.CKA_MODULUS, k.Modulus);
                Big(set, CKA.CKA_PRIVATE_EXPONENT, k.Exponent);
                break;
            case DsaPrivateKeyParameters k:
                Type(set, CKK.CKK_DSA);
                Big(set, CKA.CKA_PRIME, k.Parameters.P);
                Big(set, CKA.CKA_SUBPRIME, k.Parameters.Q);
                Big(set, CKA.CKA_BASE, k.Parameters.G);
                Big(set, CKA.CKA_VALUE, k.X);
                break;
            case DHPrivateKeyParameters k:
                bool x942 = k.AlgorithmOid.Equals(X9ObjectIdentifiers.DHPublicNumber);
                Type(set, x942 ? CKK.CKK_X9_42_DH : CKK.CKK_DH);
                Big(set, CKA.CKA_PRIME, k.Parameters.P);
                if (x942 && k.Parameters.Q is not null) Big(set, CKA.CKA_SUBPRIME, k.Parameters.Q);
                Big(set, CKA.CKA_BASE, k.Parameters.G);
                Big(set, CKA.CKA_VALUE, k.X);
                if (!x942 && k.Parameters.L > 0) set.SetUlong(CKA.CKA_VALUE_BITS, (ulong)k.Parameters.L);
                break;
            case ECPrivateKeyParameters k:
                var curve = EcCurve(k) ?? throw new Pkcs11Exception(CKR.CKR_CURVE_NOT_SUPPORTED);
                Type(set, CKK.CKK_EC);
                set.Set(CKA.CKA_EC_PARAMS, (byte[])curve.EncodedOid.Clone());
                set.Set(CKA.CKA_VALUE, Unsigned.FromBig(k.D, curve.OrderLength));
                break;
            case Ed25519PrivateKeyParameters k:
                Curve(set, CKK.CKK_EC_EDWARDS, EcCurves.Ed25519, k.GetEncoded());
                break;
            case Ed448PrivateKeyParameters k:
                Curve(set, CKK.CKK_EC_EDWARDS, EcCurves.Ed448, k.GetEncoded());
                break;
            case X25519PrivateKeyParameters k:
                Curve(set, CKK.CKK_EC_MONTGOMERY, EcCurves.X25519, k.GetEncoded());
                break;
            case X448PrivateKeyParameters k:
                Curve(set, CKK.CKK_EC_MONTGOMERY, EcCurves.X448, k.GetEncoded());
                break;
            case MLKemPrivateKeyParameters k:
                Type(set, CKK.CKK_ML_KEM);
                set.SetUlong(CKA.CKA_PARAMETER_SET, (ulong)MlKemKeys.All.First(p => p.Bouncy == k.Parameters).Value);
                set.Set(CKA.CKA_VALUE, k.GetEncoded());
                if (k.GetSeed() is { } seed) set.Set(CKA.CKA_SEED, seed);
                break;
            default:
                set.Dispose();
                throw new Pkcs11Exception(CKR.CKR_WRAPPED_KEY_INVALID, "unsupported private key algorithm");
        }
        return set;
    }

    private static EcCurve? EcCurve(ECPrivateKeyParameters key)
    {
        if (key.PublicKeyParamSet is { } oid) return EcCurves.FromOid(oid.Id);
        // Explicit (specifiedCurve) parameters: accept them when they are one of our named curves.
        return EcCurves.All.FirstOrDefault(c => c.Kind == CurveKind.Weierstrass
            && c.Bouncy.N.Equals(key.Parameters.N) && c.Bouncy.G.Equals(key.Parameters.G));
    }

    private static DHParameters DhParameters(AttributeSet key)
    {
        var p = Unsigned.ToBig(key.RequireBytes(CKA.CKA_PRIME));
        var g = Unsigned.ToBig(key.RequireBytes(CKA.CKA_BASE));
        BigInteger? q = key.KeyType == CKK.CKK_X9_42_DH ? Unsigned.ToBig(key.RequireBytes(CKA.CKA_SUBPRIME)) : null;
        int l = key.KeyType == CKK.CKK_DH && key.Ulong(CKA.CKA_VALUE_BITS) is { } bits ? (int)bits : 0;
        return new DHParameters(p, g, q, l);
    }

    private static DerObjectIdentifier DhAlgorithm(AttributeSet key) =>
        key.KeyType == CKK.CKK_X9_42_DH ? X9ObjectIdentifiers.DHPublicNumber : Org.BouncyCastle.Asn1.Pkcs.PkcsObjectIdentifiers.DhKeyAgreement;

    private static void Type(AttributeSet set, CKK type) => set.SetUlong(CKA.CKA_KEY_TYPE, (ulong)type);

    private static void Big(AttributeSet set, CKA type, BigInteger value) => set.Set(type, Unsigned.FromBig(value));

    private static void Curve(AttributeSet set, CKK type, EcCurve curve, byte[] value)
    {
        Type(set, type);
        set.Set(CKA.CKA_EC_PARAMS, (byte[])curve.EncodedOid.Clone());
        set.Set(CKA.CKA_VALUE, value);
    }
}
