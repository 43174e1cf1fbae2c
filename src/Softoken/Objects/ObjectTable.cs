using System.Collections.Concurrent;
using Softoken.Slots;

namespace Softoken.Objects;

/// <summary>Object handles of this process: session objects by handle, and a two-way map between handles and the
/// stable ids of token objects. A handle stays valid for the life of its object; handles are never reused
/// while the module is initialised. <paramref name="beforeWipe"/> runs just before a session object's attribute
/// set is wiped (so that caches keyed by its key value can forget it). Changes take the table's lock; leasing a
/// session object for an operation does not (operation inits in different sessions do not contend).</summary>
internal sealed class ObjectTable(Action<AttributeSet>? beforeWipe = null)
{
    private readonly Lock gate = new();
    private readonly ConcurrentDictionary<ulong, SessionObject> sessionObjects = [];
    private readonly Dictionary<(ulong Slot, long Id), ulong> handleByStoreId = [];
    private readonly Dictionary<ulong, (Slot Slot, long Id)> storeIdByHandle = [];
    private ulong lastHandle;
    /// <summary>Session objects that a session owns (the token's own objects, owner 0, are not counted).</summary>
    private int ownedObjectCount;

    public ulong AddSessionObject(Slot slot, ulong ownerSession, AttributeSet attributes)
    {
        lock (gate)
        {
            var handle = ++lastHandle;
            sessionObjects[handle] = new SessionObject(handle, slot, ownerSession, new SharedAttributes(attributes, beforeWipe));
            if (ownerSession != 0) Volatile.Write(ref ownedObjectCount, ownedObjectCount + 1);
            return handle;
        }
    }

    public ulong HandleForStoreId(Slot slot, long id)
    {
        lock (gate)
        {
            if (handleByStoreId.TryGetValue((slot.Id, id), out var handle)) return handle;
            handle = ++lastHandle;
            handleByStoreId[(slot.Id, id)] = handle;
            storeIdByHandle[handle] = (slot, id);
            return handle;
        }
    }

    /// <summary>A copy of a session object's attributes, taken under the table lock: another thread may replace and
    /// wipe the stored set at any moment (C_SetAttributeValue, C_DestroyObject, a session closing).</summary>
    public (Slot Slot, AttributeSet Attributes)? SessionObjectSnapshot(ulong handle)
    {
        lock (gate) return sessionObjects.TryGetValue(handle, out var obj) ? (obj.Slot, obj.Attributes.Clone()) : null;
    }

    /// <summary>A session object's attributes for the life of an operation, without a copy: the set stays intact
    /// until the lease ends even if the object is changed or destroyed meanwhile. The caller must not change it.</summary>
    public (Slot Slot, KeyLease Lease)? LeaseSessionObject(ulong handle)
    {
        while (sessionObjects.TryGetValue(handle, out var obj))
        {
            if (obj.Shared.TryLease() is { } lease) return (obj.Slot, lease);
            // Retired between the look-up and the lease: the object was changed (look again) or removed.
        }
        return null;
    }

    /// <summary>A token object's attributes loaded for one operation, wiped when the lease ends.</summary>
    public KeyLease LeaseLoaded(AttributeSet attributes) => SharedAttributes.Owned(attributes, beforeWipe);

    public (Slot Slot, long Id)? StoreId(ulong handle)
    {
        lock (gate) return storeIdByHandle.TryGetValue(handle, out var entry) ? entry : null;
    }

    /// <summary>Returns false when the session object no longer exists.</summary>
    public bool ReplaceAttributes(ulong handle, AttributeSet attributes)
    {
        lock (gate)
        {
            if (!sessionObjects.TryGetValue(handle, out var obj)) return false;
            var old = obj.Shared;
            obj.Shared = new SharedAttributes(attributes, beforeWipe);
            old.Retire();
            return true;
        }
    }

    public bool RemoveSessionObject(ulong handle)
    {
        lock (gate)
        {
            if (!sessionObjects.TryRemove(handle, out var obj)) return false;
            if (obj.OwnerSession != 0) Volatile.Write(ref ownedObjectCount, ownedObjectCount - 1);
            obj.Shared.Retire();
            return true;
        }
    }

    public void ForgetStoreId(ulong handle)
    {
        lock (gate)
        {
            if (storeIdByHandle.Remove(handle, out var entry)) handleByStoreId.Remove((entry.Slot.Id, entry.Id));
        }
    }

    /// <summary>C_InitToken removed every token object of the slot.</summary>
    public void ForgetAllStoreIds(Slot slot)
    {
        lock (gate)
        {
            foreach (var (handle, entry) in storeIdByHandle.Where(e => e.Value.Slot == slot).ToArray())
            {
                storeIdByHandle.Remove(handle);
                handleByStoreId.Remove((entry.Slot.Id, entry.Id));
            }
        }
    }

    /// <summary>The handles of the slot's session objects whose attributes satisfy <paramref name="predicate"/>, which
    /// runs under the table lock (the sets may be wiped by another thread as soon as it is released).</summary>
    public List<ulong> SessionObjectsMatching(Slot slot, Func<AttributeSet, bool> predicate)
    {
        lock (gate)
        {
            var handles = new List<ulong>();
            foreach (var (handle, obj) in sessionObjects)
            {
                if (obj.Slot == slot && predicate(obj.Attributes)) handles.Add(handle);
            }
            return handles;
        }
    }

    /// <summary>Destroys the session objects a closing session created. Takes no lock and allocates nothing when
    /// no session owns an object (the common case on C_CloseSession; the token's own profile objects do not count).</summary>
    public void RemoveOwnedBy(ulong sessionHandle)
    {
        if (Volatile.Read(ref ownedObjectCount) == 0) return;
        lock (gate)
        {
            List<SessionObject>? owned = null;
            foreach (var (_, obj) in sessionObjects)
            {
                if (obj.OwnerSession == sessionHandle) (owned ??= []).Add(obj);
            }
            if (owned is null) return;
            foreach (var obj in owned)
            {
                sessionObjects.TryRemove(obj.Handle, out _);
                obj.Shared.Retire();
            }
            Volatile.Write(ref ownedObjectCount, ownedObjectCount - owned.Count);
        }
    }

    public void Clear()
    {
        lock (gate)
        {
            foreach (var (_, obj) in sessionObjects) obj.Shared.Retire();
            sessionObjects.Clear();
            Volatile.Write(ref ownedObjectCount, 0);
            handleByStoreId.Clear();
            storeIdByHandle.Clear();
        }
    }
}
