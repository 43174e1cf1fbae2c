using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Agreement;
using Org.BouncyCastle.Crypto.Parameters;
using Softoken.Mechanisms;
using Softoken.Objects;
using Softoken.Pkcs11;

namespace Softoken.Crypto;

/// <summary>CKK_EC_MONTGOMERY keys and X25519/X448 agreement (RFC 7748) on BouncyCastle: CKA_VALUE is the 32/56-byte
/// private key, CKA_EC_POINT the u-coordinate.</summary>
internal static class MontgomeryKeys
{
    public static (EcCurve Curve, byte[] Scalar) Private(AttributeSet key)
    {
        KeyChecks.RequireType(key, CKK.CKK_EC_MONTGOMERY);
        KeyChecks.RequirePrivate(key, CKA.CKA_VALUE);
        var curve = EcCurves.OfKey(key, CurveKind.Montgomery);
        var scalar = key.RequireBytes(CKA.CKA_VALUE);
        if (scalar.Length != curve.PublicLength) throw new Pkcs11Exception(CKR.CKR_KEY_SIZE_RANGE);
        return (curve, (byte[])scalar.Clone());
    }

    /// <summary>The u-coordinate: CKA_EC_POINT (DER or raw) of a public key, or computed from a private key.</summary>
    public static (EcCurve Curve, byte[] Point) Public(AttributeSet key)
    {
        KeyChecks.RequireType(key, CKK.CKK_EC_MONTGOMERY);
        if (KeyChecks.IsPrivate(key, CKA.CKA_VALUE))
        {
            var (c, scalar) = Private(key);
            try
            {
                return (c, PublicFromPrivate(c, scalar));
            }
            finally
            {
                CryptographicOperations.ZeroMemory(scalar);
            }
        }
        var curve = EcCurves.OfKey(key, CurveKind.Montgomery);
        return (curve, EcPoints.Unwrap(key.RequireBytes(CKA.CKA_EC_POINT), curve, CKR.CKR_ATTRIBUTE_VALUE_INVALID));
    }

    public static byte[] PublicFromPrivate(EcCurve curve, byte[] scalar) => curve == EcCurves.X25519
        ? new X25519PrivateKeyParameters(scalar).GeneratePublicKey().GetEncoded()
        : new X448PrivateKeyParameters(scalar).GeneratePublicKey().GetEncoded();

    /// <summary>The shared secret with a peer's u-coordinate (raw or DER-wrapped). An all-zero result (a peer point
    /// of small order) is refused, as RFC 7748 section 6 allows.</summary>
    public static byte[] Agree(EcCurve curve, byte[] scalar, ReadOnlySpan<byte> peer)
    {
        var u = EcPoints.Unwrap(peer, curve, CKR.CKR_MECHANISM_PARAM_INVALID);
        var secret = new byte[curve.PublicLength];
        try
        {
            if (curve == EcCurves.X25519)
            {
                var agreement = new X25519Agreement();
                agreement.Init(new X25519PrivateKeyParameters(scalar));
                agreement.CalculateAgreement(new X25519PublicKeyParameters(u), secret, 0);
            }
            else
            {
                var agreement = new X448Agreement();
                agreement.Init(new X448PrivateKeyParameters(scalar));
                agreement.CalculateAgreement(new X448PublicKeyParameters(u), secret, 0);
            }
            return secret;
        }
        catch (InvalidOperationException)
        {
            CryptographicOperations.ZeroMemory(secret);
            throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID, "peer public value of small order");
        }
    }

    /// <summary>CKM_EC_MONTGOMERY_KEY_PAIR_GEN.</summary>
    public static KeyPairMaterial Generate(KeyPairRequest request)
    {
        var ecParams = request.PublicTemplate.RequireBytes(CKA.CKA_EC_PARAMS);
        var curve = EcCurves.Parse(ecParams, CurveKind.Montgomery);
        var random = BouncyRandom.For(request.Random);
        byte[] scalar, point;
        if (curve == EcCurves.X25519)
        {
            var k = new X25519PrivateKeyParameters(random);
            (scalar, point) = (k.GetEncoded(), k.GeneratePublicKey().GetEncoded());
        }
        else
        {
            var k = new X448PrivateKeyParameters(random);
            (scalar, point) = (k.GetEncoded(), k.GeneratePublicKey().GetEncoded());
        }
        return KeyPairs.Build(CKK.CKK_EC_MONTGOMERY, ecParams, scalar, point);
    }
}
