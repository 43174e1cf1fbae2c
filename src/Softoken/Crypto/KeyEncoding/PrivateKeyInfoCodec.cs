using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.EdEC;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;
using Softoken.Objects;
using Softoken.Pkcs11;

namespace Softoken.Crypto.KeyEncoding;

/// <summary>PKCS #8 PrivateKeyInfo (RFC 5208 / RFC 5958) for every private key type of this token: what
/// C_WrapKey encrypts for a private key and C_UnwrapKey decrypts (RSA, DSA, PKCS #3 and X9.42 DH, EC on a named
/// curve, Ed25519/Ed448, X25519/X448, and ML-KEM in the form BouncyCastle writes for FIPS 203 keys).</summary>
internal static class PrivateKeyInfoCodec
{
    /// <summary>The DER PrivateKeyInfo of a private key object. A key type without a PKCS #8 form is
    /// CKR_KEY_NOT_WRAPPABLE.</summary>
    public static byte[] Encode(AttributeSet privateKey)
    {
        KeyChecks.RequirePrivate(privateKey, privateKey.KeyType == CKK.CKK_RSA ? CKA.CKA_PRIVATE_EXPONENT : CKA.CKA_VALUE);
        var key = BouncyKeys.ToPrivate(privateKey);
        // RFC 8410 keys go out as version 1 PrivateKeyInfo without the optional public key (BouncyCastle would
        // write RFC 5958 version 2, which OpenSSL 3.0 and older NSS do not read).
        (DerObjectIdentifier Oid, byte[] Value)? raw = key switch
        {
            Ed25519PrivateKeyParameters k => (EdECObjectIdentifiers.id_Ed25519, k.GetEncoded()),
            Ed448PrivateKeyParameters k => (EdECObjectIdentifiers.id_Ed448, k.GetEncoded()),
            X25519PrivateKeyParameters k => (EdECObjectIdentifiers.id_X25519, k.GetEncoded()),
            X448PrivateKeyParameters k => (EdECObjectIdentifiers.id_X448, k.GetEncoded()),
            _ => null,
        };
        if (raw is not { } curve) return PrivateKeyInfoFactory.CreatePrivateKeyInfo(key).GetDerEncoded();
        return new PrivateKeyInfo(new AlgorithmIdentifier(curve.Oid), new DerOctetString(curve.Value)).GetDerEncoded();
    }

    /// <summary>The private key components (CKA_CLASS, CKA_KEY_TYPE and the key's own attributes) of a DER
    /// PrivateKeyInfo. Bytes that are not one, or an algorithm this token lacks, are CKR_WRAPPED_KEY_INVALID.</summary>
    public static AttributeSet Decode(ReadOnlySpan<byte> der)
    {
        Org.BouncyCastle.Crypto.AsymmetricKeyParameter key;
        try
        {
            key = PrivateKeyFactory.CreateKey(der.ToArray());
        }
        catch (Exception e) when (e is IOException or ArgumentException or InvalidCastException or InvalidOperationException
            or SecurityUtilityException or FormatException)
        {
            throw new Pkcs11Exception(CKR.CKR_WRAPPED_KEY_INVALID, "PrivateKeyInfo");
        }
        return BouncyKeys.FromPrivate(key);
    }
}
