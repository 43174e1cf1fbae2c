using Org.BouncyCastle.X509;
using Softoken.Objects;

namespace Softoken.Crypto.KeyEncoding;

/// <summary>CKA_PUBLIC_KEY_INFO: the DER SubjectPublicKeyInfo (RFC 5280 section 4.1.2.7) of a public key object, or
/// of the public half of a private key object.</summary>
internal static class SubjectPublicKeyInfoEncoder
{
    public static byte[] Encode(AttributeSet key) =>
        SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(BouncyKeys.ToPublic(key)).GetDerEncoded();
}
