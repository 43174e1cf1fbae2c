using Softoken.Crypto;
using Softoken.Pkcs11;

namespace Softoken.Mechanisms;

/// <summary>The plain message digests. softokn lists them on the crypto slot only. CKM_SHA512_224 and
/// CKM_SHA512_256 are Softoken extras (softokn's list lacks them); CKM_SHA512_T is not offered (softokn does not
/// list it either).</summary>
internal static class DigestMechanisms
{
    public static IEnumerable<MechanismRow> Rows()
    {
        yield return Row(CKM.CKM_MD2, HashAlg.MD2);
        yield return Row(CKM.CKM_MD5, HashAlg.MD5);
        yield return Row(CKM.CKM_SHA_1, HashAlg.SHA1);
        yield return Row(CKM.CKM_SHA224, HashAlg.SHA224);
        yield return Row(CKM.CKM_SHA256, HashAlg.SHA256);
        yield return Row(CKM.CKM_SHA384, HashAlg.SHA384);
        yield return Row(CKM.CKM_SHA512, HashAlg.SHA512);
        yield return Row(CKM.CKM_SHA512_224, HashAlg.SHA512_224);
        yield return Row(CKM.CKM_SHA512_256, HashAlg.SHA512_256);
        yield return Row(CKM.CKM_SHA3_224, HashAlg.SHA3_224);
        yield return Row(CKM.CKM_SHA3_256, HashAlg.SHA3_256);
        yield return Row(CKM.CKM_SHA3_384, HashAlg.SHA3_384);
        yield return Row(CKM.CKM_SHA3_512, HashAlg.SHA3_512);
    }

    private static MechanismRow Row(CKM type, HashAlg alg) =>
        new() { Type = type, ListedOn = SlotSet.Crypto, Digest = () => HashAlgorithms.CreateEngine(alg) };
}
