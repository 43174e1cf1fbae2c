using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.X509;
using Softoken.Objects;
using Softoken.Pkcs11;

namespace Softoken.Crypto.KeyEncoding;

/// <summary>CKA_PUBLIC_KEY_INFO: the DER SubjectPublicKeyInfo (RFC 5280 section 4.1.2.7) of a public key object, or
/// of the public half of a private key object.</summary>
internal static class SubjectPublicKeyInfoEncoder
{
    public static byte[] Encode(AttributeSet key) => key.KeyType switch
    {
        CKK.CKK_RSA => EncodeRsa(key),
        CKK.CKK_DSA => EncodeDsa(key),
        _ => SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(BouncyKeys.ToPublic(key)).GetDerEncoded(),
    };

    /// <summary>RFC 8017 appendix A.1.1 under rsaEncryption with NULL parameters, straight from the modulus and the
    /// public exponent (RsaKey checks their form): going through BouncyCastle's RsaKeyParameters would first run its
    /// modulus validation, 24 ms for RSA-2048 and 166 ms for RSA-4096, on every key created, generated or
    /// unwrapped.</summary>
    private static byte[] EncodeRsa(AttributeSet key)
    {
        using var rsa = RsaKey.Public(key);
        var structure = new RsaPublicKeyStructure(Unsigned.ToBig(rsa.Modulus), Unsigned.ToBig(rsa.PublicExponent!));
        return new SubjectPublicKeyInfo(new AlgorithmIdentifier(PkcsObjectIdentifiers.RsaEncryption, DerNull.Instance), structure)
            .GetDerEncoded();
    }

    /// <summary>RFC 3279 section 2.3.2 (id-dsa with Dss-Parms, y as an INTEGER), straight from the key's values: going
    /// through BouncyCastle's DsaPublicKeyParameters would first check y^q mod p = 1, a modular exponentiation of
    /// 3-6 ms for DSA-2048 in managed code, on every key created or generated.</summary>
    private static byte[] EncodeDsa(AttributeSet key)
    {
        using var dsa = DsaKey.Public(key);
        var parameters = new DsaParameter(Unsigned.ToBig(dsa.P), Unsigned.ToBig(dsa.Q), Unsigned.ToBig(dsa.G));
        return new SubjectPublicKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.IdDsa, parameters), new DerInteger(Unsigned.ToBig(dsa.Y)))
            .GetDerEncoded();
    }
}
