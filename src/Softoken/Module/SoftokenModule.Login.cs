using System.Security.Cryptography;
using System.Text;
using Softoken.Pkcs11;
using Softoken.Sessions;
using Softoken.Slots;
using Softoken.Tokens;

namespace Softoken.Module;

/// <summary>PINs and login (PKCS #11 v3.0 sections 5.6 and 5.8). Only the key-storage slot has PINs; the crypto
/// slot answers C_Login with CKR_USER_TYPE_INVALID as softokn does. PIN checks (PBKDF2) run outside the module
/// lock; the state they lead to is decided under it.</summary>
internal sealed partial class SoftokenModule
{
    public void Login(Session session, CKU userType, ReadOnlySpan<byte> pin)
    {
        if (userType is not (CKU.CKU_SO or CKU.CKU_USER or CKU.CKU_CONTEXT_SPECIFIC))
            throw new Pkcs11Exception(CKR.CKR_USER_TYPE_INVALID);
        var slot = session.Slot;
        var store = slot.Store ?? throw new Pkcs11Exception(CKR.CKR_USER_TYPE_INVALID);
        if (userType == CKU.CKU_CONTEXT_SPECIFIC)
        {
            LoginContextSpecific(session, store, pin);
            return;
        }
        var (record, seen) = ReadPins(store);
        lock (Gate)
        {
            CheckCanLogin(session, userType, record);
        }
        var pinRecord = userType == CKU.CKU_SO ? record.SoPin
            : record.UserPin ?? throw new Pkcs11Exception(CKR.CKR_USER_PIN_NOT_INITIALIZED);
        var masterKey = Verify(slot, store, userType, record, pinRecord, pin, seen);
        lock (Gate)
        {
            try
            {
                CheckCanLogin(session, userType, record);
            }
            catch
            {
                CryptographicOperations.ZeroMemory(masterKey);
                throw;
            }
            slot.LoggedIn = userType;
            slot.MasterKey = masterKey;
        }
    }

    public void Logout(Session session)
    {
        lock (Gate)
        {
            if (session.Slot.LoggedIn is null) throw new Pkcs11Exception(CKR.CKR_USER_NOT_LOGGED_IN);
            ForgetLogin(session.Slot);
        }
    }

    /// <summary>C_InitToken: a token whose SO PIN was never set takes the given one; otherwise the SO PIN must
    /// match. Every token object and the user PIN are removed.</summary>
    public void InitToken(ulong slotId, ReadOnlySpan<byte> soPin, ReadOnlySpan<byte> label)
    {
        var slot = GetSlot(slotId);
        if (slot.WriteProtected) throw new Pkcs11Exception(CKR.CKR_TOKEN_WRITE_PROTECTED);
        var store = slot.RequireStore();
        lock (Gate)
        {
            if (slot.HasOpenSessions) throw new Pkcs11Exception(CKR.CKR_SESSION_EXISTS);
        }
        CheckPinLength(soPin);
        var (record, seen) = ReadPins(store);
        if (record.SoPinSetByUser)
        {
            var old = Verify(slot, store, CKU.CKU_SO, record, record.SoPin, soPin, seen);
            CryptographicOperations.ZeroMemory(old);
        }
        var masterKey = PinVault.NewMasterKey();
        try
        {
            store.Reinitialize(DecodeLabel(label), PinVault.Seal(soPin, masterKey, Config.PinIterations));
            PinResults.Clear();
            Objects.ForgetAllStoreIds(slot);
            lock (Gate) ForgetLogin(slot);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(masterKey);
        }
    }

    /// <summary>C_InitPIN: the SO, logged in on a read/write session, sets (or resets and unlocks) the user PIN.</summary>
    public void InitPin(Session session, ReadOnlySpan<byte> pin)
    {
        var slot = session.Slot;
        if (slot.Store is null) throw new Pkcs11Exception(CKR.CKR_USER_NOT_LOGGED_IN);
        if (!session.ReadWrite) throw new Pkcs11Exception(CKR.CKR_SESSION_READ_ONLY);
        CheckPinLength(pin);
        lock (Gate)
        {
            if (slot.LoggedIn != CKU.CKU_SO || slot.MasterKey is null) throw new Pkcs11Exception(CKR.CKR_USER_NOT_LOGGED_IN);
            slot.Store.SetPin(CKU.CKU_USER, PinVault.Seal(pin, slot.MasterKey, Config.PinIterations));
        }
        PinResults.Clear();
    }

    /// <summary>C_SetPIN: changes the SO PIN when the SO is logged in, the user PIN otherwise.</summary>
    public void SetPin(Session session, ReadOnlySpan<byte> oldPin, ReadOnlySpan<byte> newPin)
    {
        var slot = session.Slot;
        var store = slot.Store ?? throw new Pkcs11Exception(CKR.CKR_TOKEN_WRITE_PROTECTED);
        if (!session.ReadWrite) throw new Pkcs11Exception(CKR.CKR_SESSION_READ_ONLY);
        CKU who;
        lock (Gate) who = slot.LoggedIn == CKU.CKU_SO ? CKU.CKU_SO : CKU.CKU_USER;
        CheckPinLength(newPin);
        var (record, seen) = ReadPins(store);
        var current = who == CKU.CKU_SO ? record.SoPin
            : record.UserPin ?? throw new Pkcs11Exception(CKR.CKR_USER_PIN_NOT_INITIALIZED);
        var masterKey = Verify(slot, store, who, record, current, oldPin, seen);
        try
        {
            store.SetPin(who, PinVault.Seal(newPin, masterKey, Config.PinIterations));
            PinResults.Clear();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(masterKey);
        }
    }

    private void LoginContextSpecific(Session session, ITokenStore store, ReadOnlySpan<byte> pin)
    {
        lock (Gate)
        {
            if (session.Slot.LoggedIn != CKU.CKU_USER) throw new Pkcs11Exception(CKR.CKR_USER_NOT_LOGGED_IN);
        }
        if (!session.HasActiveOperation) throw new Pkcs11Exception(CKR.CKR_OPERATION_NOT_INITIALIZED);
        var (record, seen) = ReadPins(store);
        var key = Verify(session.Slot, store, CKU.CKU_USER, record,
            record.UserPin ?? throw new Pkcs11Exception(CKR.CKR_USER_PIN_NOT_INITIALIZED), pin, seen);
        CryptographicOperations.ZeroMemory(key);
        session.ContextAuthenticated = true;
    }

    /// <summary>The SO may not log in while a read-only session is open (CKR_SESSION_READ_ONLY_EXISTS), except
    /// in the NSS bootstrap, as in softokn: NSS keeps a read-only session open on every slot and, to set the first
    /// user PIN (PK11_InitPin, used by <c>modutil -changepw</c>), logs the SO in with the empty PIN on a second,
    /// read/write session. So while the token has neither an SO PIN nor a user PIN, only the login session itself
    /// must be read/write.</summary>
    private void CheckCanLogin(Session session, CKU userType, TokenRecord record)
    {
        var slot = session.Slot;
        if (slot.LoggedIn == userType) throw new Pkcs11Exception(CKR.CKR_USER_ALREADY_LOGGED_IN);
        if (slot.LoggedIn is not null) throw new Pkcs11Exception(CKR.CKR_USER_ANOTHER_ALREADY_LOGGED_IN);
        if (userType != CKU.CKU_SO) return;
        bool bootstrap = !record.SoPinSetByUser && record.UserPin is null;
        if (!session.ReadWrite || (!bootstrap && Sessions.OnSlot(slot).Any(s => !s.ReadWrite)))
            throw new Pkcs11Exception(CKR.CKR_SESSION_READ_ONLY_EXISTS);
    }

    /// <summary>Checks a PIN against its record, counting failures in the database (so every process sharing the
    /// token sees them) and refusing locked PINs. Returns the unwrapped master key. A locked PIN is refused before
    /// any check, cached or not.</summary>
    private byte[] Verify(Slot slot, ITokenStore store, CKU user, TokenRecord record, PinRecord pinRecord,
        ReadOnlySpan<byte> pin, long seen)
    {
        int failures = user == CKU.CKU_SO ? record.SoFailures : record.UserFailures;
        if (slot.IsLocked(failures)) throw new Pkcs11Exception(CKR.CKR_PIN_LOCKED);
        var masterKey = PinVault.Open(pin, pinRecord, PinResults, seen);
        if (masterKey is null)
        {
            if (!store.ReadOnly) store.RecordFailure(user);
            throw new Pkcs11Exception(CKR.CKR_PIN_INCORRECT);
        }
        if (failures > 0 && !store.ReadOnly) store.ResetFailures(user);
        return masterKey;
    }

    /// <summary>The token record, with the PIN cache's generation taken before it was read: a PIN check on a record
    /// that a concurrent PIN change replaces adds nothing to the cache afterwards.</summary>
    private (TokenRecord Record, long Seen) ReadPins(ITokenStore store)
    {
        long seen = PinResults.Generation;
        return (store.Read(), seen);
    }

    private void CheckPinLength(ReadOnlySpan<byte> pin)
    {
        if (pin.Length < Config.MinPinLength || pin.Length > Config.MaxPinLength)
            throw new Pkcs11Exception(CKR.CKR_PIN_LEN_RANGE);
    }

    /// <summary>CK_UTF8CHAR[32], blank padded; trailing blanks are not part of the label (NSS FAQ).</summary>
    private static string DecodeLabel(ReadOnlySpan<byte> label)
    {
        var text = Encoding.UTF8.GetString(label).TrimEnd(' ', '\0');
        return text.Length == 0 ? "Softoken Certificate DB" : text;
    }
}
