using Softoken.Objects;
using Softoken.Pkcs11;

namespace Softoken.Crypto.KeyEncoding;

/// <summary>The public key object attributes that follow from a private key object: all of them for DSA, DH, EC,
/// Edwards, Montgomery and ML-KEM keys (the public value is computed), and for RSA when the private key holds
/// CKA_PUBLIC_EXPONENT (CKR_TEMPLATE_INCOMPLETE otherwise).</summary>
internal static class PublicKeyDerivation
{
    public static AttributeSet FromPrivate(AttributeSet privateKey)
    {
        var pub = new AttributeSet();
        pub.SetUlong(CKA.CKA_CLASS, (ulong)CKO.CKO_PUBLIC_KEY);
        var type = privateKey.KeyType ?? throw new Pkcs11Exception(CKR.CKR_TEMPLATE_INCOMPLETE, "CKA_KEY_TYPE");
        pub.SetUlong(CKA.CKA_KEY_TYPE, (ulong)type);
        switch (type)
        {
            case CKK.CKK_RSA:
            {
                using var rsa = RsaKey.Private(privateKey);
                if (rsa.PublicExponent is null) throw new Pkcs11Exception(CKR.CKR_TEMPLATE_INCOMPLETE, "CKA_PUBLIC_EXPONENT");
                pub.Set(CKA.CKA_MODULUS, (byte[])rsa.Modulus.Clone());
                pub.Set(CKA.CKA_PUBLIC_EXPONENT, (byte[])rsa.PublicExponent.Clone());
                pub.SetUlong(CKA.CKA_MODULUS_BITS, (ulong)rsa.Bits);
                break;
            }
            case CKK.CKK_DSA:
            {
                using var dsa = DsaKey.Private(privateKey);
                pub.Set(CKA.CKA_PRIME, (byte[])dsa.P.Clone());
                pub.Set(CKA.CKA_SUBPRIME, (byte[])dsa.Q.Clone());
                pub.Set(CKA.CKA_BASE, (byte[])dsa.G.Clone());
                pub.Set(CKA.CKA_VALUE, (byte[])dsa.Y.Clone());
                break;
            }
            case CKK.CKK_DH:
            case CKK.CKK_X9_42_DH:
            {
                KeyChecks.RequirePrivate(privateKey, CKA.CKA_VALUE);
                var y = ((Org.BouncyCastle.Crypto.Parameters.DHPublicKeyParameters)BouncyKeys.ToPublic(privateKey)).Y;
                foreach (var a in new[] { CKA.CKA_PRIME, CKA.CKA_SUBPRIME, CKA.CKA_BASE })
                {
                    if (privateKey.Bytes(a) is { } v) pub.Set(a, (byte[])v.Clone());
                }
                pub.Set(CKA.CKA_VALUE, Unsigned.FromBig(y));
                break;
            }
            case CKK.CKK_EC:
            {
                using var ec = EcKey.Private(privateKey);
                pub.Set(CKA.CKA_EC_PARAMS, (byte[])privateKey.RequireBytes(CKA.CKA_EC_PARAMS).Clone());
                pub.Set(CKA.CKA_EC_POINT, EcPoints.Wrap(ec.Q));
                break;
            }
            case CKK.CKK_EC_EDWARDS:
            {
                var (_, point) = EdwardsKeys.Public(privateKey);
                pub.Set(CKA.CKA_EC_PARAMS, (byte[])privateKey.RequireBytes(CKA.CKA_EC_PARAMS).Clone());
                pub.Set(CKA.CKA_EC_POINT, EcPoints.Wrap(point));
                break;
            }
            case CKK.CKK_EC_MONTGOMERY:
            {
                var (_, point) = MontgomeryKeys.Public(privateKey);
                pub.Set(CKA.CKA_EC_PARAMS, (byte[])privateKey.RequireBytes(CKA.CKA_EC_PARAMS).Clone());
                pub.Set(CKA.CKA_EC_POINT, EcPoints.Wrap(point));
                break;
            }
            case CKK.CKK_ML_KEM:
            case CKK.CKK_NSS_ML_KEM:
                pub.SetUlong(CKA.CKA_PARAMETER_SET, MlKemKeys.ParameterSetValue(privateKey) ?? (ulong)MlKemKeys.Of(privateKey).Value);
                pub.Set(CKA.CKA_VALUE, MlKemKeys.Public(privateKey).GetEncoded());
                break;
            default:
                pub.Dispose();
                throw new Pkcs11Exception(CKR.CKR_KEY_TYPE_INCONSISTENT, "no public key for " + type);
        }
        return pub;
    }
}
