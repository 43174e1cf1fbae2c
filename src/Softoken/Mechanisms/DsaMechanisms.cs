using Softoken.Crypto;
using Softoken.Pkcs11;

namespace Softoken.Mechanisms;

/// <summary>DSA (PKCS #11 v3.0 section 2.2): parameter and key generation, CKM_DSA on a digest and the
/// hash-and-sign forms. Key sizes are prime bits, 512 to 3072 as in softokn; both slots.</summary>
internal static class DsaMechanisms
{
    public static IEnumerable<MechanismRow> Rows()
    {
        yield return Row(CKM.CKM_DSA_PARAMETER_GEN) with { GenerateKey = DsaGenerator.GenerateParameters };
        yield return Row(CKM.CKM_DSA_KEY_PAIR_GEN) with { GenerateKeyPair = DsaGenerator.GenerateKeyPair };
        yield return Signing(CKM.CKM_DSA, null);
        yield return Signing(CKM.CKM_DSA_SHA1, HashSpecs.Sha1);
        yield return Signing(CKM.CKM_DSA_SHA224, HashSpecs.Sha224);
        yield return Signing(CKM.CKM_DSA_SHA256, HashSpecs.Sha256);
        yield return Signing(CKM.CKM_DSA_SHA384, HashSpecs.Sha384);
        yield return Signing(CKM.CKM_DSA_SHA512, HashSpecs.Sha512);
    }

    private static MechanismRow Row(CKM type) => new() { Type = type, MinKeySize = DsaKey.MinPrimeBits, MaxKeySize = DsaKey.MaxPrimeBits };

    private static MechanismRow Signing(CKM type, HashSpec? hash) => Row(type) with
    {
        Sign = c => new SignOperation(new DsaScheme(DsaKey.Private(c.Key), BouncyRandom.For(c.Random)), hash),
        Verify = c => new VerifyOperation(new DsaScheme(DsaKey.Public(c.Key), BouncyRandom.For(c.Random)), hash),
    };
}
