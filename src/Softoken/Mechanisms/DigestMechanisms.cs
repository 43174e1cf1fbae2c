using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Digests;
using Softoken.Crypto;
using Softoken.Pkcs11;

namespace Softoken.Mechanisms;

/// <summary>The plain message digests. softokn lists them on the crypto slot only.</summary>
internal static class DigestMechanisms
{
    public static IEnumerable<MechanismRow> Rows()
    {
        yield return Row(CKM.CKM_MD5, () => new PlatformDigest(HashAlgorithmName.MD5));
        yield return Row(CKM.CKM_SHA_1, () => new PlatformDigest(HashAlgorithmName.SHA1));
        yield return Row(CKM.CKM_SHA224, () => new BouncyDigest(new Sha224Digest()));
        yield return Row(CKM.CKM_SHA256, () => new PlatformDigest(HashAlgorithmName.SHA256));
        yield return Row(CKM.CKM_SHA384, () => new PlatformDigest(HashAlgorithmName.SHA384));
        yield return Row(CKM.CKM_SHA512, () => new PlatformDigest(HashAlgorithmName.SHA512));
    }

    private static MechanismRow Row(CKM type, Func<IDigestEngine> factory) =>
        new() { Type = type, ListedOn = SlotSet.Crypto, Digest = factory };
}
