using Softoken.Objects;
using Softoken.Pkcs11;
using Softoken.Sessions;

namespace Softoken.Module;

/// <summary>The defence against the classic key-wrap attacks (Clulow 2003): wrap a sensitive key, then C_Decrypt the
/// wrapped blob with the same key; or C_Encrypt a chosen value, then C_UnwrapKey it as a "sensitive" key.
/// Instead of forbidding keys that may both wrap and decrypt (NSS's PKCS #12 export and import use exactly such
/// keys), a key remembers, in a token-only attribute, the roles it has played: once it has wrapped a sensitive key
/// it can no longer start a decryption, and once it has decrypted it can no longer wrap a sensitive key (likewise
/// unwrap-into-sensitive against encrypt). Copies inherit the marks; no template can set or clear them. For RSA,
/// whose wrapping (public) and decrypting (private) halves are two objects, a sensitive key is not wrapped under a
/// public key whose private half on the token may decrypt.</summary>
internal sealed partial class SoftokenModule
{
    /// <summary>Vendor attribute holding the usage marks (CKA_VENDOR_DEFINED | "SO" | 1).</summary>
    public const CKA CKA_SOFTOKEN_KEY_USE = (CKA)0x80534F01;

    [Flags]
    private enum KeyUse : ulong
    {
        None = 0,
        Decrypted = 1,
        WrappedSensitive = 2,
        Encrypted = 4,
        UnwrappedSensitive = 8,
    }

    /// <summary>At C_EncryptInit / C_DecryptInit: refuse a role the key's history excludes, then record this one.</summary>
    private void GuardCipherUse(Session session, ulong hKey, AttributeSet key, bool encrypt)
    {
        var marks = Marks(key);
        var excluded = encrypt ? KeyUse.UnwrappedSensitive : KeyUse.WrappedSensitive;
        if ((marks & excluded) != 0)
            throw new Pkcs11Exception(CKR.CKR_KEY_FUNCTION_NOT_PERMITTED, encrypt
                ? "this key has unwrapped a sensitive key and can no longer encrypt"
                : "this key has wrapped a sensitive key and can no longer decrypt");
        Mark(session, hKey, key, encrypt ? KeyUse.Encrypted : KeyUse.Decrypted);
    }

    /// <summary>At C_WrapKey of a sensitive key.</summary>
    private void GuardWrap(Session session, ulong hWrappingKey, AttributeSet wrappingKey)
    {
        if ((Marks(wrappingKey) & KeyUse.Decrypted) != 0)
            throw new Pkcs11Exception(CKR.CKR_KEY_FUNCTION_NOT_PERMITTED, "a key that has decrypted cannot wrap a sensitive key");
        if (wrappingKey.Class == CKO.CKO_PUBLIC_KEY && PrivateHalfMayDecrypt(session, wrappingKey))
            throw new Pkcs11Exception(CKR.CKR_KEY_FUNCTION_NOT_PERMITTED, "the wrapping key's private half on the token can decrypt");
        Mark(session, hWrappingKey, wrappingKey, KeyUse.WrappedSensitive);
    }

    /// <summary>At C_UnwrapKey into a sensitive key.</summary>
    private void GuardUnwrap(Session session, ulong hUnwrappingKey, AttributeSet unwrappingKey)
    {
        if ((Marks(unwrappingKey) & KeyUse.Encrypted) != 0)
            throw new Pkcs11Exception(CKR.CKR_KEY_FUNCTION_NOT_PERMITTED, "a key that has encrypted cannot unwrap into a sensitive key");
        Mark(session, hUnwrappingKey, unwrappingKey, KeyUse.UnwrappedSensitive);
    }

    private static KeyUse Marks(AttributeSet key) => (KeyUse)(key.Ulong(CKA_SOFTOKEN_KEY_USE) ?? 0);

    private void Mark(Session session, ulong handle, AttributeSet key, KeyUse use)
    {
        if ((Marks(key) & use) != 0) return;
        var obj = Resolve(session, handle);
        var updated = obj.Attributes.Clone();
        updated.SetUlong(CKA_SOFTOKEN_KEY_USE, (ulong)(Marks(obj.Attributes) | use));
        if (obj.StoreId is { } id)
        {
            if (obj.Locked.Count > 0) throw new Pkcs11Exception(CKR.CKR_USER_NOT_LOGGED_IN);
            obj.Slot.Store!.Replace(id, updated, MasterKeyFor(obj.Slot));
        }
        else
        {
            Objects.ReplaceAttributes(handle, updated);
        }
    }

    /// <summary>Is there a private key with this public key's modulus (RSA) on the slot that may decrypt?</summary>
    private bool PrivateHalfMayDecrypt(Session session, AttributeSet publicKey)
    {
        if (publicKey.Bytes(CKA.CKA_MODULUS) is not { } modulus) return false;
        KeyValuePair<CKA, byte[]>[] criteria =
        [
            new(CKA.CKA_CLASS, AttributeSet.EncodeUlong((ulong)CKO.CKO_PRIVATE_KEY)), new(CKA.CKA_MODULUS, modulus),
        ];
        var sessionMatches = Objects.SessionObjectsMatching(session.Slot, a => a.Class == CKO.CKO_PRIVATE_KEY
            && a.Bytes(CKA.CKA_MODULUS) is { } m && m.AsSpan().SequenceEqual(modulus) && a.Bool(CKA.CKA_DECRYPT));
        if (sessionMatches.Count > 0) return true;
        if (session.Slot.Store is not { } store) return false;
        foreach (var id in store.Find(criteria, includePrivate: true))
        {
            var stored = store.Load(id, null);
            if (stored is not null && stored.Attributes.Bool(CKA.CKA_DECRYPT)) return true;
        }
        return false;
    }
}
