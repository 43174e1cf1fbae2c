namespace Softoken.Slots;

/// <summary>The contents of CK_SLOT_INFO, without the ABI.</summary>
internal sealed record SlotInfo(string Description, string ManufacturerId, ulong Flags);

/// <summary>The contents of CK_TOKEN_INFO, without the ABI.</summary>
internal sealed record TokenInfo(
    string Label,
    string ManufacturerId,
    string Model,
    string SerialNumber,
    ulong Flags,
    ulong SessionCount,
    ulong RwSessionCount,
    ulong MaxPinLength,
    ulong MinPinLength,
    string UtcTime);
