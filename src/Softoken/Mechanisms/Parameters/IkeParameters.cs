using Softoken.Pkcs11;

namespace Softoken.Mechanisms.Parameters;

/// <summary>CK_IKE_PRF_DERIVE_PARAMS. <see cref="NewKey"/> is the value of hNewKey, resolved by the module.</summary>
internal sealed record IkePrfParameter(CKM PrfMechanism, bool DataAsKey, bool Rekey, byte[] Ni, byte[] Nr, ulong NewKeyHandle)
    : MechanismParameter
{
    public byte[]? NewKey { get; init; }
}

/// <summary>CK_IKE2_PRF_PLUS_DERIVE_PARAMS. <see cref="SeedKey"/> is the value of hSeedKey when bHasSeedKey.</summary>
internal sealed record Ike2PrfPlusParameter(CKM PrfMechanism, bool HasSeedKey, ulong SeedKeyHandle, byte[] SeedData)
    : MechanismParameter
{
    public byte[]? SeedKey { get; init; }
}

/// <summary>CK_IKE1_PRF_DERIVE_PARAMS. <see cref="Gxy"/> and <see cref="PreviousKey"/> are the values of hKeygxy and
/// hPrevKey.</summary>
internal sealed record Ike1PrfParameter(
    CKM PrfMechanism, bool HasPreviousKey, ulong GxyHandle, ulong PreviousKeyHandle, byte[] CkyI, byte[] CkyR, byte KeyNumber)
    : MechanismParameter
{
    public byte[]? Gxy { get; init; }

    public byte[]? PreviousKey { get; init; }
}

/// <summary>CK_IKE1_EXTENDED_DERIVE_PARAMS. <see cref="Gxy"/> is the value of hKeygxy when bHasKeygxy.</summary>
internal sealed record Ike1ExtendedParameter(CKM PrfMechanism, bool HasGxy, ulong GxyHandle, byte[] ExtraData) : MechanismParameter
{
    public byte[]? Gxy { get; init; }
}
