using System.Collections.Frozen;
using Softoken.Pkcs11;

namespace Softoken.Mechanisms;

/// <summary>The one declarative table of mechanisms. C_GetMechanismList and C_GetMechanismInfo read only this;
/// every operation-init function asks it for the factory it needs.</summary>
internal static class MechanismRegistry
{
    private static readonly FrozenDictionary<CKM, MechanismRow> Rows = Build();

    public static IReadOnlyCollection<MechanismRow> All => Rows.Values;

    public static MechanismRow? Find(CKM type) => Rows.GetValueOrDefault(type);

    public static MechanismRow Get(CKM type) => Find(type) ?? throw new Pkcs11Exception(CKR.CKR_MECHANISM_INVALID);

    public static IReadOnlyList<MechanismRow> ListedOn(SlotSet slot) =>
        Rows.Values.Where(r => (r.ListedOn & slot) != 0).OrderBy(r => (ulong)r.Type).ToArray();

    private static FrozenDictionary<CKM, MechanismRow> Build()
    {
        var rows = new Dictionary<CKM, MechanismRow>();
        // One line per mechanism family; each family file says which mechanisms it offers.
        IEnumerable<MechanismRow>[] families =
        [
            DigestMechanisms.Rows(),
            IkeMechanisms.Rows(),
            HmacMechanisms.Rows(),
            PbeMechanisms.Rows(),
            HkdfMechanisms.Rows(),
            Sp800108Mechanisms.Rows(),
            HashKeyDerivationMechanisms.Rows(),
            TlsMechanisms.Rows(),
            Ssl3Mechanisms.Rows(),
            ConstantTimeMacMechanisms.Rows(),
            RsaMechanisms.Rows(),
            DsaMechanisms.Rows(),
            DhMechanisms.Rows(),
            EcMechanisms.Rows(),
            EdwardsMechanisms.Rows(),
            MlKemMechanisms.Rows(),
            GenericSecretMechanisms.Rows(),
            AesMechanisms.Rows(),
            AesKeyWrapMechanisms.Rows(),
            DesMechanisms.Rows(),
            CdmfMechanisms.Rows(),
            Rc2Mechanisms.Rows(),
            Rc4Mechanisms.Rows(),
            CamelliaMechanisms.Rows(),
            SeedMechanisms.Rows(),
            ChaChaMechanisms.Rows(),
        ];
        foreach (var row in families.SelectMany(f => f))
        {
            if (!rows.TryAdd(row.Type, row)) throw new InvalidOperationException($"{row.Type} registered twice");
        }
        return rows.ToFrozenDictionary();
    }
}
