using Softoken.Objects;
using Softoken.Operations;
using Softoken.Pkcs11;
using Softoken.Sessions;
using Softoken.Slots;
using Softoken.Tokens;

namespace Softoken.Module;

/// <summary>Object management (PKCS #11 v3.0 section 5.7): session objects in memory, token objects in the store,
/// with the visibility, write and login rules of section 4.</summary>
internal sealed partial class SoftokenModule
{
    public ObjectTable Objects { get; } = new(ForgetCachedImports);

    /// <summary>The object table's wipe callback: runs just before a retired session object's attributes are wiped
    /// (destroy, change, session close, C_Finalize), while its values are still intact.</summary>
    private static void ForgetCachedImports(AttributeSet attributes)
    {
        Crypto.KeyValueCaches.Forget(attributes);
        Crypto.KeyCaches.Forget(attributes);
    }

    public ulong CreateObject(Session session, AttributeSet template)
    {
        var attributes = ObjectBuilder.Build(template, ObjectOrigin.Created, random: Random.Fill);
        if (attributes.Class == CKO.CKO_PUBLIC_KEY && attributes.KeyType == CKK.CKK_EC) Crypto.EcKey.ValidateCreatedPublic(attributes);
        if (attributes.KeyType is CKK.CKK_ML_KEM or CKK.CKK_NSS_ML_KEM && attributes.Class is CKO.CKO_PUBLIC_KEY or CKO.CKO_PRIVATE_KEY)
            Crypto.MlKemKeys.CompleteCreated(attributes);
        CompletePublicInfo(attributes);
        if (attributes.Bool(CKA.CKA_TRUSTED))
        {
            lock (Gate)
            {
                // PKCS #11 v3.0 section 4.6.2: only the SO can mark an object trusted.
                if (session.Slot.LoggedIn != CKU.CKU_SO) throw new Pkcs11Exception(CKR.CKR_ATTRIBUTE_READ_ONLY, "CKA_TRUSTED");
            }
        }
        return AddObject(session, attributes, template);
    }

    /// <summary>Stores a finished object (created, generated, derived, unwrapped or copied) after the write and
    /// login checks. <paramref name="template"/>, when given, enables softokn's merge of a token object that is
    /// already there (same certificate, same trust, same key): the existing object takes the template's values.</summary>
    public ulong AddObject(Session session, AttributeSet attributes, AttributeSet? template = null)
    {
        CheckCanWrite(session, attributes);
        var slot = session.Slot;
        if (!attributes.Bool(CKA.CKA_TOKEN)) return Objects.AddSessionObject(slot, session.Handle, attributes);
        var store = slot.Store!;
        var masterKey = MasterKeyFor(slot);
        if (template is not null && Config.MergeDuplicates && DuplicateCriteria(attributes) is { } duplicate)
        {
            // Without a login, private objects are invisible: an import then never finds (and changes) one.
            long id = store.Import(attributes, duplicate, UserAuthenticated(slot),
                existing => existing.Locked.Count == 0 ? ObjectEditor.ApplyMerge(existing.Attributes, template, attributes) : null,
                masterKey);
            return Objects.HandleForStoreId(slot, id);
        }
        return Objects.HandleForStoreId(slot, store.Insert(attributes, masterKey));
    }

    /// <summary>Finds an object visible to the session, reading token objects afresh.</summary>
    public ObjectRef Resolve(Session session, ulong handle)
    {
        if (Objects.SessionObjectSnapshot(handle) is { } sessionObject)
        {
            if (sessionObject.Slot != session.Slot) throw new Pkcs11Exception(CKR.CKR_OBJECT_HANDLE_INVALID);
            var attributes = sessionObject.Attributes;
            if (attributes.Bool(CKA.CKA_PRIVATE) && !UserAuthenticated(session.Slot)) throw new Pkcs11Exception(CKR.CKR_OBJECT_HANDLE_INVALID);
            return new ObjectRef(handle, sessionObject.Slot, null, attributes, new HashSet<CKA>());
        }
        if (Objects.StoreId(handle) is { } entry && entry.Slot == session.Slot && entry.Slot.Store is { } store)
        {
            bool authenticated = UserAuthenticated(entry.Slot);
            var stored = store.Load(entry.Id, authenticated ? MasterKeyFor(entry.Slot) : null);
            if (stored is null)
            {
                Objects.ForgetStoreId(handle);
                throw new Pkcs11Exception(CKR.CKR_OBJECT_HANDLE_INVALID);
            }
            if (stored.Attributes.Bool(CKA.CKA_PRIVATE) && !authenticated) throw new Pkcs11Exception(CKR.CKR_OBJECT_HANDLE_INVALID);
            return new ObjectRef(handle, entry.Slot, entry.Id, stored.Attributes, stored.Locked);
        }
        throw new Pkcs11Exception(CKR.CKR_OBJECT_HANDLE_INVALID);
    }

    public AttributeRead[] GetAttributeValues(Session session, ulong handle, IReadOnlyList<CKA> types) =>
        Read(session, handle, obj => ReadValues(obj, types));

    /// <summary>The requested values, copied: the object's own set may be wiped once the read ends.</summary>
    private static AttributeRead[] ReadValues(ObjectRef obj, IReadOnlyList<CKA> types)
    {
        var a = obj.Attributes;
        var cls = a.Class!.Value;
        var rules = ObjectSchema.Cached(cls, ObjectSchema.IsKeyClass(cls) || cls == CKO.CKO_DOMAIN_PARAMETERS ? a.KeyType : null);
        bool hidden = a.Bool(CKA.CKA_SENSITIVE) || !a.Bool(CKA.CKA_EXTRACTABLE, true);
        var result = new AttributeRead[types.Count];
        for (int i = 0; i < types.Count; i++)
        {
            var type = types[i];
            bool secret = rules is not null && rules.TryGetValue(type, out var rule) && (rule & AttributeRule.Secret) != 0;
            if (secret && (hidden || obj.Locked.Contains(type)))
                result[i] = new AttributeRead(type, null, CKR.CKR_ATTRIBUTE_SENSITIVE);
            else if (a.Bytes(type) is { } value)
                result[i] = new AttributeRead(type, (byte[])value.Clone(), CKR.CKR_OK);
            else
                result[i] = new AttributeRead(type, null, obj.Locked.Contains(type) ? CKR.CKR_ATTRIBUTE_SENSITIVE : CKR.CKR_ATTRIBUTE_TYPE_INVALID);
        }
        return result;
    }

    /// <summary>Like <see cref="Resolve"/> for a caller that only reads: a session object's attributes are not
    /// copied but held (<see cref="ObjectTable.LeaseSessionObject"/>) while <paramref name="read"/> runs, which
    /// must neither change them nor keep references into them.</summary>
    private T Read<T>(Session session, ulong handle, Func<ObjectRef, T> read)
    {
        if (Objects.LeaseSessionObject(handle) is not { } found) return read(Resolve(session, handle));
        var (slot, lease) = found;
        using (lease)
        {
            var attributes = lease.Attributes;
            if (slot != session.Slot || (attributes.Bool(CKA.CKA_PRIVATE) && !UserAuthenticated(slot)))
                throw new Pkcs11Exception(CKR.CKR_OBJECT_HANDLE_INVALID);
            return read(new ObjectRef(handle, slot, null, attributes, NoLockedAttributes));
        }
    }

    private static readonly HashSet<CKA> NoLockedAttributes = [];

    public void SetAttributeValues(Session session, ulong handle, AttributeSet changes)
    {
        var obj = Resolve(session, handle);
        var updated = ObjectEditor.ApplySet(obj.Attributes, changes);
        if (changes.Bool(CKA.CKA_TRUSTED))
        {
            lock (Gate)
            {
                if (session.Slot.LoggedIn != CKU.CKU_SO) throw new Pkcs11Exception(CKR.CKR_ATTRIBUTE_READ_ONLY, "CKA_TRUSTED");
            }
        }
        if (obj.StoreId is { } id)
        {
            if (!session.ReadWrite) throw new Pkcs11Exception(CKR.CKR_SESSION_READ_ONLY);
            if (obj.Locked.Count > 0) throw new Pkcs11Exception(CKR.CKR_USER_NOT_LOGGED_IN);
            if (!obj.Slot.Store!.Replace(id, updated, MasterKeyFor(obj.Slot))) throw new Pkcs11Exception(CKR.CKR_OBJECT_HANDLE_INVALID);
            // Imports are keyed by the key's content, so a changed key never finds its old entry; dropping the old
            // one frees OpenSSL's copy now rather than when it ages out (a session object's old set goes through
            // the table's wipe callback instead).
            Crypto.KeyCaches.Forget(obj.Attributes);
        }
        else if (!Objects.ReplaceAttributes(handle, updated))
        {
            throw new Pkcs11Exception(CKR.CKR_OBJECT_HANDLE_INVALID);
        }
    }

    public ulong CopyObject(Session session, ulong handle, AttributeSet changes)
    {
        var obj = Resolve(session, handle);
        if (obj.Locked.Count > 0) throw new Pkcs11Exception(CKR.CKR_USER_NOT_LOGGED_IN);
        return AddObject(session, ObjectEditor.ApplyCopy(obj.Attributes, changes, Random.Fill));
    }

    public void DestroyObject(Session session, ulong handle)
    {
        // A token object is read as a private copy (kept for the cache below); a session object's set is leased, and
        // the table's wipe callback (ForgetCachedImports) drops its caches when it is removed.
        var (destroyable, storeId, slot, tokenCopy) = Read(session, handle,
            o => (o.Attributes.Bool(CKA.CKA_DESTROYABLE, true), o.StoreId, o.Slot, o.StoreId is null ? null : o.Attributes));
        if (!destroyable) throw new Pkcs11Exception(CKR.CKR_ACTION_PROHIBITED);
        if (storeId is { } id)
        {
            if (!session.ReadWrite) throw new Pkcs11Exception(CKR.CKR_SESSION_READ_ONLY);
            slot.Store!.Delete(id);
            Objects.ForgetStoreId(handle);
            // Drops the key's platform imports now (they are keyed by content: no other object can reach them
            // unless it holds the same key material).
            Crypto.KeyCaches.Forget(tokenCopy!);
        }
        else
        {
            Objects.RemoveSessionObject(handle);
        }
    }

    public ulong GetObjectSize(Session session, ulong handle) =>
        Read(session, handle, obj => (ulong)obj.Attributes.Sum(a => 16 + a.Value.Length));

    public void FindObjectsInit(Session session, AttributeSet template)
    {
        lock (session.Gate)
        {
            if (session.Find is not null) throw new Pkcs11Exception(CKR.CKR_OPERATION_ACTIVE);
        }
        var slot = session.Slot;
        bool includePrivate = UserAuthenticated(slot);
        var criteria = template.Where(c => c.Key != CKA.CKA_TOKEN).ToArray();
        bool? token = template.Has(CKA.CKA_TOKEN) ? template.Bool(CKA.CKA_TOKEN) : null;
        var handles = new List<ulong>();
        // Session objects include the token's own read-only objects (CKO_PROFILE, CKA_TOKEN true). Those are found
        // only by a search for that class: NSS stops treating a certificate as a user certificate when a search
        // for all token objects returns an object without CKA_ID.
        var all = template.ToArray();
        bool wantsProfiles = template.Class == CKO.CKO_PROFILE;
        handles.AddRange(Objects.SessionObjectsMatching(slot, attributes =>
            (wantsProfiles || attributes.Class != CKO.CKO_PROFILE) && Matches(attributes, all, includePrivate)));
        if (token != false && slot.Store is { } store)
        {
            foreach (var id in store.Find(criteria, includePrivate)) handles.Add(Objects.HandleForStoreId(slot, id));
        }
        lock (session.Gate)
        {
            if (session.Find is not null) throw new Pkcs11Exception(CKR.CKR_OPERATION_ACTIVE);
            session.Find = new FindOperation(handles);
        }
    }

    private static bool Matches(AttributeSet attributes, KeyValuePair<CKA, byte[]>[] criteria, bool includePrivate)
    {
        if (attributes.Bool(CKA.CKA_PRIVATE) && !includePrivate) return false;
        foreach (var (type, value) in criteria)
        {
            if (attributes.Bytes(type) is not { } actual || !actual.AsSpan().SequenceEqual(value)) return false;
            if (SealingPolicy.MustSeal(attributes, type)) return false;
        }
        return true;
    }

    private void CheckCanWrite(Session session, AttributeSet attributes)
    {
        var slot = session.Slot;
        if (attributes.Bool(CKA.CKA_TOKEN))
        {
            if (slot.WriteProtected) throw new Pkcs11Exception(CKR.CKR_TOKEN_WRITE_PROTECTED);
            if (!session.ReadWrite) throw new Pkcs11Exception(CKR.CKR_SESSION_READ_ONLY);
        }
        if (attributes.Bool(CKA.CKA_PRIVATE) && !UserAuthenticated(slot)) throw new Pkcs11Exception(CKR.CKR_USER_NOT_LOGGED_IN);
    }

    /// <summary>True when private objects are available: the user is logged in, or the token needs no login
    /// (empty user PIN, as softokn).</summary>
    public bool UserAuthenticated(Slot slot)
    {
        if (slot.Store is null) return true;
        lock (Gate)
        {
            if (slot.LoggedIn == CKU.CKU_USER) return true;
            if (slot.LoggedIn == CKU.CKU_SO) return false;
        }
        return slot.NeedsNoLogin(slot.Store.Read());
    }

    /// <summary>The master key that seals token objects: from the current login, or, on a token whose user PIN is
    /// empty, opened with the empty PIN once.</summary>
    private byte[]? MasterKeyFor(Slot slot)
    {
        lock (Gate)
        {
            if (slot.MasterKey is { } key) return key;
            if (slot.ImplicitMasterKey is { } implicitKey) return implicitKey;
        }
        var store = slot.Store;
        if (store is null) return null;
        var record = store.Read();
        if (!slot.NeedsNoLogin(record) || record.UserPin is null) return null;
        var opened = PinVault.Open([], record.UserPin);
        lock (Gate) slot.ImplicitMasterKey ??= opened;
        return opened;
    }

    /// <summary>What makes an imported token object the same as a stored one (softokn): a certificate or NSS trust
    /// object by issuer and serial number, a key by CKA_ID and key type.</summary>
    private static KeyValuePair<CKA, byte[]>[]? DuplicateCriteria(AttributeSet attributes) => attributes.Class switch
    {
        CKO.CKO_CERTIFICATE or CKO.CKO_NSS_TRUST when attributes.Bytes(CKA.CKA_ISSUER) is { Length: > 0 } issuer
            && attributes.Bytes(CKA.CKA_SERIAL_NUMBER) is { Length: > 0 } serial =>
            [Pair(CKA.CKA_CLASS, attributes), new(CKA.CKA_ISSUER, issuer), new(CKA.CKA_SERIAL_NUMBER, serial)],
        CKO.CKO_PRIVATE_KEY or CKO.CKO_PUBLIC_KEY or CKO.CKO_SECRET_KEY
            when attributes.Bytes(CKA.CKA_ID) is { Length: > 0 } id =>
            [Pair(CKA.CKA_CLASS, attributes), Pair(CKA.CKA_KEY_TYPE, attributes), new(CKA.CKA_ID, id)],
        _ => null,
    };

    private static KeyValuePair<CKA, byte[]> Pair(CKA type, AttributeSet attributes) => new(type, attributes.RequireBytes(type));
}
