using Softoken.Crypto;
using Softoken.Mechanisms.Parameters;
using Softoken.Objects;
using Softoken.Pkcs11;

namespace Softoken.Mechanisms;

/// <summary>CDMF (PKCS #11 v2.x; still in softokn's default list): 8-byte CKK_CDMF keys, turned into a DES key by
/// IBM's CDMF transformation and then used exactly like the DES mechanisms.</summary>
internal static class CdmfMechanisms
{
    public static readonly BlockCipherFamily Family = new CdmfFamily
    {
        Algorithm = BlockAlgorithm.Des,
        KeyType = CKK.CKK_CDMF,
        KeyLengths = [8],
        MinKeySize = 8,
        MaxKeySize = 8,
    };

    public static IEnumerable<MechanismRow> Rows()
    {
        yield return new MechanismRow
        {
            Type = CKM.CKM_CDMF_KEY_GEN,
            MinKeySize = 8,
            MaxKeySize = 8,
            GenerateKey = SecretKeyGeneration.Fixed(CKK.CKK_CDMF, 8, des: true),
        };
        yield return BlockCipherRows.Ecb(Family, CKM.CKM_CDMF_ECB);
        yield return BlockCipherRows.Cbc(Family, CKM.CKM_CDMF_CBC);
        yield return BlockCipherRows.CbcPad(Family, CKM.CKM_CDMF_CBC_PAD);
        yield return BlockCipherRows.Mac(Family, CKM.CKM_CDMF_MAC);
        yield return BlockCipherRows.MacGeneral(Family, CKM.CKM_CDMF_MAC_GENERAL);
    }

    private sealed class CdmfFamily : BlockCipherFamily
    {
        public override BlockKey Key(AttributeSet key, MechanismParameter parameter) =>
            new(BlockAlgorithm.Des, DesKeys.CdmfToDes(KeyValue(key)));
    }
}
