using Softoken.Objects;
using Softoken.Pkcs11;

namespace Softoken.Tokens;

/// <summary>Token objects, persistent and shared between processes. Every call reads or writes the database; each
/// change is one transaction. Attributes that <see cref="SealingPolicy"/> names are sealed with the token master
/// key before they reach the store.</summary>
internal interface ITokenObjectStore
{
    /// <summary>Stores a new object and returns its stable id. Throws CKR_USER_NOT_LOGGED_IN when something must be
    /// sealed and <paramref name="masterKey"/> is null.</summary>
    long Insert(AttributeSet attributes, byte[]? masterKey);

    /// <summary>softokn's import, in one write transaction: the first object matching <paramref name="duplicate"/> is
    /// replaced by what <paramref name="merge"/> makes of it; when there is none (or <paramref name="merge"/> returns
    /// null) <paramref name="attributes"/> is stored as a new object. Returns the object's id. Threads and processes
    /// importing the same object at once therefore leave one object.</summary>
    long Import(AttributeSet attributes, IReadOnlyList<KeyValuePair<CKA, byte[]>> duplicate, bool includePrivate,
        Func<StoredObject, AttributeSet?> merge, byte[]? masterKey);

    /// <summary>The object as stored now, or null when it no longer exists. Without the master key the sealed
    /// attributes are left out and listed in <see cref="StoredObject.Locked"/>.</summary>
    StoredObject? Load(long id, byte[]? masterKey);

    /// <summary>Replaces every attribute of an existing object (C_SetAttributeValue, softokn-style merges).
    /// Returns false when the object no longer exists.</summary>
    bool Replace(long id, AttributeSet attributes, byte[]? masterKey);

    bool Delete(long id);

    /// <summary>Ids of the objects whose attributes equal every criterion (sealed attributes never match);
    /// private objects only when <paramref name="includePrivate"/>. The search runs in SQL on indexed values.</summary>
    IReadOnlyList<long> Find(IReadOnlyList<KeyValuePair<CKA, byte[]>> criteria, bool includePrivate);
}

internal sealed record StoredObject(long Id, AttributeSet Attributes, IReadOnlySet<CKA> Locked);
