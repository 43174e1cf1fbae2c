using Softoken.Slots;

namespace Softoken.Objects;

/// <summary>An object as seen by one call: its handle, where it lives and its attributes as they are now (token
/// objects are read from the database for every call, so changes by other processes are never missed).</summary>
internal sealed record ObjectRef(ulong Handle, Slot Slot, long? StoreId, AttributeSet Attributes, IReadOnlySet<Pkcs11.CKA> Locked)
{
    public bool IsToken => StoreId is not null;
}

/// <summary>A session object: in memory, owned by the session that created it (0 for the token's own read-only
/// objects such as CKO_PROFILE), visible to every session of the same slot.</summary>
internal sealed class SessionObject(ulong handle, Slot slot, ulong ownerSession, SharedAttributes attributes)
{
    public ulong Handle { get; } = handle;

    public Slot Slot { get; } = slot;

    public ulong OwnerSession { get; } = ownerSession;

    private SharedAttributes shared = attributes;

    /// <summary>Replaced whole (never mutated in place) under the object table's lock, then the replaced set is
    /// retired; read without the lock by leases.</summary>
    public SharedAttributes Shared
    {
        get => Volatile.Read(ref shared);
        set => Volatile.Write(ref shared, value);
    }

    public AttributeSet Attributes => Shared.Attributes;
}

/// <summary>One attribute of a C_GetAttributeValue answer.</summary>
internal readonly record struct AttributeRead(Pkcs11.CKA Type, byte[]? Value, Pkcs11.CKR Problem);
