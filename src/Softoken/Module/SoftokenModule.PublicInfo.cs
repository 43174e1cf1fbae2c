using Softoken.Crypto.KeyEncoding;
using Softoken.Objects;
using Softoken.Pkcs11;

namespace Softoken.Module;

/// <summary>CKA_PUBLIC_KEY_INFO (PKCS #11 v3.0 section 4.8) on public and private keys, and CKA_EC_POINT on EC-family
/// private keys: consumers such as GnuTLS find a private key's public half there. Filled in when the template
/// did not give them; a key whose public half cannot be computed (an RSA private key without its public
/// exponent) simply goes without.</summary>
internal sealed partial class SoftokenModule
{
    private static readonly HashSet<CKK> EcFamily = [CKK.CKK_EC, CKK.CKK_EC_EDWARDS, CKK.CKK_EC_MONTGOMERY];

    /// <param name="key">The finished key object, completed in place.</param>
    /// <param name="publicHalf">For a generated pair, the public key (no computation needed).</param>
    private static void CompletePublicInfo(AttributeSet key, AttributeSet? publicHalf = null)
    {
        var cls = key.Class;
        if (cls is not (CKO.CKO_PUBLIC_KEY or CKO.CKO_PRIVATE_KEY)) return;
        bool wantsPoint = cls == CKO.CKO_PRIVATE_KEY && key.KeyType is { } type && EcFamily.Contains(type) && !key.Has(CKA.CKA_EC_POINT);
        if (key.Has(CKA.CKA_PUBLIC_KEY_INFO) && !wantsPoint) return;
        try
        {
            using var derived = cls == CKO.CKO_PUBLIC_KEY || publicHalf is not null ? null : PublicKeyDerivation.FromPrivate(key);
            var source = cls == CKO.CKO_PUBLIC_KEY ? key : publicHalf ?? derived!;
            if (!key.Has(CKA.CKA_PUBLIC_KEY_INFO)) key.Set(CKA.CKA_PUBLIC_KEY_INFO, SubjectPublicKeyInfoEncoder.Encode(source));
            if (wantsPoint && source.Bytes(CKA.CKA_EC_POINT) is { } point) key.Set(CKA.CKA_EC_POINT, (byte[])point.Clone());
        }
        catch (Pkcs11Exception)
        {
            // The public half is not computable from what the object holds; the attributes stay absent.
        }
    }
}
