using System.Security.Cryptography;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Softoken.Pkcs11;

namespace Softoken.Objects;

/// <summary>Refuses certificate types other than X.509 and fills the X.509 certificate attributes a template left out from the DER in CKA_VALUE
/// (PKCS #11 v3.0 section 4.6.3): CKA_SUBJECT, CKA_ISSUER, CKA_SERIAL_NUMBER (the DER INTEGER, as NSS stores it)
/// and CKA_CHECK_VALUE (the first three bytes of the SHA-1 of the value).</summary>
internal static class CertificateFields
{
    public static void Complete(AttributeSet attributes)
    {
        // Without a type the template is incomplete (reported by the caller); other types are not supported.
        if (attributes.Ulong(CKA.CKA_CERTIFICATE_TYPE) is not { } type) return;
        if (type != (ulong)CKC.CKC_X_509)
            throw new Pkcs11Exception(CKR.CKR_ATTRIBUTE_VALUE_INVALID, "only X.509 public key certificates are supported");
        var der = attributes.RequireBytes(CKA.CKA_VALUE);
        X509CertificateStructure cert;
        try
        {
            cert = X509CertificateStructure.GetInstance(Asn1Object.FromByteArray(der));
        }
        catch (Exception e) when (e is IOException or ArgumentException or InvalidCastException)
        {
            throw new Pkcs11Exception(CKR.CKR_ATTRIBUTE_VALUE_INVALID, "CKA_VALUE is not a DER X.509 certificate");
        }
        attributes.Default(CKA.CKA_SUBJECT, cert.Subject.GetEncoded(Asn1Encodable.Der));
        attributes.Default(CKA.CKA_ISSUER, cert.Issuer.GetEncoded(Asn1Encodable.Der));
        attributes.Default(CKA.CKA_SERIAL_NUMBER, cert.SerialNumber.GetEncoded(Asn1Encodable.Der));
        attributes.Default(CKA.CKA_CHECK_VALUE, SHA1.HashData(der).AsSpan(0, 3).ToArray());
    }
}
