using Softoken.Crypto;
using Softoken.Pkcs11;

namespace Softoken.Mechanisms;

/// <summary>PKCS #3 Diffie-Hellman (PKCS #11 v3.0 section 2.5). softokn lists key generation and derivation on both
/// slots and has no CKM_DH_PKCS_PARAMETER_GEN row; ours is listed on both too.</summary>
internal static class DhMechanisms
{
    public static IEnumerable<MechanismRow> Rows()
    {
        yield return Row(CKM.CKM_DH_PKCS_PARAMETER_GEN, DhKeys.MaxGeneratedPrimeBits) with { GenerateKey = DhKeys.GenerateParameters };
        yield return Row(CKM.CKM_DH_PKCS_KEY_PAIR_GEN, DhKeys.MaxPrimeBits) with { GenerateKeyPair = DhKeys.GenerateKeyPair };
        yield return Row(CKM.CKM_DH_PKCS_DERIVE, DhKeys.MaxPrimeBits) with { Derive = DhKeys.Derive };
    }

    private static MechanismRow Row(CKM type, int maxBits) =>
        new() { Type = type, MinKeySize = DhKeys.MinPrimeBits, MaxKeySize = (ulong)maxBits };
}
