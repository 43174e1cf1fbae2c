using Softoken.Mechanisms;
using Softoken.Mechanisms.Parameters;
using Softoken.Objects;
using Softoken.Operations;
using Softoken.Pkcs11;
using Softoken.Sessions;

namespace Softoken.Module;

/// <summary>The *Init functions: find the key, check that it may be used this way, ask the mechanism registry for
/// the operation, and make it the session's active operation of that kind.</summary>
internal sealed partial class SoftokenModule
{
    public void EncryptInit(Session session, CKM mechanism, MechanismParameter parameter, ulong hKey) =>
        Start(session, hKey, mechanism, parameter, CKA.CKA_ENCRYPT, r => r.Encrypt,
            s => s.EncryptOp, (s, op) => s.EncryptOp = op);

    public void DecryptInit(Session session, CKM mechanism, MechanismParameter parameter, ulong hKey) =>
        Start(session, hKey, mechanism, parameter, CKA.CKA_DECRYPT, r => r.Decrypt,
            s => s.DecryptOp, (s, op) => s.DecryptOp = op);

    public void SignInit(Session session, CKM mechanism, MechanismParameter parameter, ulong hKey) =>
        Start(session, hKey, mechanism, parameter, CKA.CKA_SIGN, r => r.Sign,
            s => s.SignOp, (s, op) => s.SignOp = op);

    public void VerifyInit(Session session, CKM mechanism, MechanismParameter parameter, ulong hKey) =>
        Start(session, hKey, mechanism, parameter, CKA.CKA_VERIFY, r => r.Verify,
            s => s.VerifyOp, (s, op) => s.VerifyOp = op);

    /// <summary>C_VerifySignatureInit (PKCS #11 v3.2 section 5.15): the mechanism's verify operation with the
    /// signature kept for C_VerifySignature / C_VerifySignatureFinal.</summary>
    public void VerifySignatureInit(Session session, CKM mechanism, MechanismParameter parameter, ulong hKey, byte[] signature) =>
        Start(session, hKey, mechanism, parameter, CKA.CKA_VERIFY,
            r => r.Verify is { } verify ? c => new SignatureFirstVerify(verify(c), signature) : null,
            s => s.VerifySignatureOp, (s, op) => s.VerifySignatureOp = op);

    public void SignRecoverInit(Session session, CKM mechanism, MechanismParameter parameter, ulong hKey) =>
        Start(session, hKey, mechanism, parameter, CKA.CKA_SIGN_RECOVER, r => r.SignRecover,
            s => s.SignRecoverOp, (s, op) => s.SignRecoverOp = op);

    public void VerifyRecoverInit(Session session, CKM mechanism, MechanismParameter parameter, ulong hKey) =>
        Start(session, hKey, mechanism, parameter, CKA.CKA_VERIFY_RECOVER, r => r.VerifyRecover,
            s => s.VerifyRecoverOp, (s, op) => s.VerifyRecoverOp = op);

    private void Start<T>(Session session, ulong hKey, CKM mechanism, MechanismParameter parameter, CKA usage,
        Func<MechanismRow, Func<MechanismContext, T>?> factoryOf,
        Func<Session, ActiveOperation<T>?> current, Action<Session, ActiveOperation<T>> install) where T : IDisposable
    {
        // An early answer without the session lock (a reference read is atomic); the check that counts is the one
        // under the lock below, where the operation is installed.
        if (current(session) is not null) throw new Pkcs11Exception(CKR.CKR_OPERATION_ACTIVE);
        var row = MechanismRegistry.Get(mechanism);
        var factory = factoryOf(row) ?? throw new Pkcs11Exception(CKR.CKR_MECHANISM_INVALID);
        // The operation holds the key's attributes (shared, not copied) until it ends.
        KeyLease? lease = LeaseUsableKey(session, hKey, mechanism, usage);
        try
        {
            var key = lease.Attributes;
            if (usage is CKA.CKA_ENCRYPT or CKA.CKA_DECRYPT) GuardCipherUse(session, hKey, key, usage == CKA.CKA_ENCRYPT);
            var operation = factory(new MechanismContext(mechanism, parameter, key, Random));
            bool contextLogin = key.Class == CKO.CKO_PRIVATE_KEY && key.Bool(CKA.CKA_ALWAYS_AUTHENTICATE);
            lock (session.Gate)
            {
                if (current(session) is not null)
                {
                    operation.Dispose();
                    throw new Pkcs11Exception(CKR.CKR_OPERATION_ACTIVE);
                }
                install(session, new ActiveOperation<T>(operation, contextLogin, lease));
                lease = null;
                if (contextLogin) session.ContextAuthenticated = false;
            }
        }
        finally
        {
            lease?.Dispose();
        }
    }

    /// <summary>Like <see cref="Resolve"/>, for a handle that must name a key: CKR_KEY_HANDLE_INVALID otherwise.</summary>
    public ObjectRef ResolveKey(Session session, ulong hKey)
    {
        try
        {
            return Resolve(session, hKey);
        }
        catch (Pkcs11Exception e) when (e.Rv == CKR.CKR_OBJECT_HANDLE_INVALID)
        {
            throw new Pkcs11Exception(CKR.CKR_KEY_HANDLE_INVALID);
        }
    }

    /// <summary>The attributes of a key the session may use with <paramref name="mechanism"/> for
    /// <paramref name="usage"/> (CKA_ENCRYPT, CKA_SIGN, CKA_WRAP, CKA_DERIVE ...): a private copy, which the caller
    /// disposes.</summary>
    public AttributeSet UsableKey(Session session, ulong hKey, CKM mechanism, CKA usage)
    {
        var key = ResolveKey(session, hKey);
        CheckUsable(key.Attributes, key.Locked, mechanism, usage);
        // Resolve already handed out a private copy (a snapshot of a session object, a fresh load of a token one).
        return key.Attributes;
    }

    /// <summary>Like <see cref="UsableKey"/> for an operation init: a session object's attributes are shared, not
    /// copied (see <see cref="SharedAttributes"/>), a token object's are loaded afresh and wiped when the lease ends.
    /// The caller must not change them.</summary>
    private KeyLease LeaseUsableKey(Session session, ulong hKey, CKM mechanism, CKA usage)
    {
        KeyLease lease;
        if (Objects.LeaseSessionObject(hKey) is { } shared)
        {
            (var slot, lease) = shared;
            if (slot != session.Slot || (lease.Attributes.Bool(CKA.CKA_PRIVATE) && !UserAuthenticated(slot)))
            {
                lease.Dispose();
                throw new Pkcs11Exception(CKR.CKR_KEY_HANDLE_INVALID);
            }
            try
            {
                CheckUsable(lease.Attributes, NoLockedAttributes, mechanism, usage);
                return lease;
            }
            catch
            {
                lease.Dispose();
                throw;
            }
        }
        var key = ResolveKey(session, hKey);
        lease = Objects.LeaseLoaded(key.Attributes);
        try
        {
            CheckUsable(key.Attributes, key.Locked, mechanism, usage);
            return lease;
        }
        catch
        {
            lease.Dispose();
            throw;
        }
    }

    private static void CheckUsable(AttributeSet a, IReadOnlySet<CKA> locked, CKM mechanism, CKA usage)
    {
        if (a.Class is not ({ } cls and (CKO.CKO_PUBLIC_KEY or CKO.CKO_PRIVATE_KEY or CKO.CKO_SECRET_KEY)))
            throw new Pkcs11Exception(CKR.CKR_KEY_HANDLE_INVALID);
        if (!a.Bool(usage)) throw new Pkcs11Exception(CKR.CKR_KEY_FUNCTION_NOT_PERMITTED, usage.ToString());
        if (a.Has(CKA.CKA_ALLOWED_MECHANISMS) && !AllowedMechanism(a, mechanism))
            throw new Pkcs11Exception(CKR.CKR_MECHANISM_INVALID, "not in CKA_ALLOWED_MECHANISMS");
        if (locked.Count > 0) throw new Pkcs11Exception(CKR.CKR_USER_NOT_LOGGED_IN);
    }

    private static bool AllowedMechanism(AttributeSet a, CKM mechanism) => a.UlongArray(CKA.CKA_ALLOWED_MECHANISMS).Contains((ulong)mechanism);
}
