using Softoken.Crypto;
using Softoken.Pkcs11;

namespace Softoken.Mechanisms;

/// <summary>One row of the mechanism registry: what C_GetMechanismInfo reports and the factories the
/// operation-init functions use. The CKF_ operation flags are derived from the factories present, so an
/// advertised operation always has an implementation.</summary>
internal sealed record MechanismRow
{
    public required CKM Type { get; init; }

    /// <summary>The slots whose mechanism list names this row. Operations themselves work on either slot, as in
    /// softokn (which only filters the list).</summary>
    public SlotSet ListedOn { get; init; } = SlotSet.Both;

    public ulong MinKeySize { get; init; }

    public ulong MaxKeySize { get; init; }

    /// <summary>Flags that no factory implies (CKF_EC_* capabilities, CKF_HW never).</summary>
    public ulong ExtraFlags { get; init; }

    public Func<IDigestEngine>? Digest { get; init; }

    public ulong Flags => ExtraFlags | (Digest is null ? 0 : CKF.CKF_DIGEST);
}
