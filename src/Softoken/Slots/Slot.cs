using Softoken.Configuration;
using Softoken.Pkcs11;
using Softoken.Tokens;

namespace Softoken.Slots;

/// <summary>One of the two fixed slots. Both share every code path; they differ in their profile (login,
/// write protection, mechanism list) and in their store: the crypto slot has none.</summary>
internal sealed class Slot
{
    public const ulong CryptoSlotId = 1;
    public const ulong KeyStorageSlotId = 2;

    private int openSessions;

    public Slot(ulong id, ModuleConfig config, ITokenStore? store)
    {
        Id = id;
        Config = config;
        Store = store;
    }

    public ulong Id { get; }

    public ModuleConfig Config { get; }

    /// <summary>The persistent token; null on the generic crypto slot.</summary>
    public ITokenStore? Store { get; }

    public bool IsKeyStorage => Id == KeyStorageSlotId;

    public Mechanisms.SlotSet MechanismSet => IsKeyStorage ? Mechanisms.SlotSet.KeyStorage : Mechanisms.SlotSet.Crypto;

    /// <summary>Write-protected: the crypto slot always, the key-storage slot when opened readOnly.</summary>
    public bool WriteProtected => Store is null || Store.ReadOnly;

    /// <summary>Who is logged in, process-wide: every session of the slot sees it at once.</summary>
    public CKU? LoggedIn { get; internal set; }

    /// <summary>The token master key while a user or the SO is logged in.</summary>
    internal byte[]? MasterKey { get; set; }

    /// <summary>The master key opened with the empty user PIN on a token that needs no login.</summary>
    internal byte[]? ImplicitMasterKey { get; set; }

    /// <summary>True while a session is open on the slot (kept by <see cref="Sessions.SessionTable"/>).</summary>
    public bool HasOpenSessions => Volatile.Read(ref openSessions) > 0;

    internal void SessionOpened() => Interlocked.Increment(ref openSessions);

    internal void SessionClosed() => Interlocked.Decrement(ref openSessions);

    public ITokenStore RequireStore() => Store ?? throw new Pkcs11Exception(CKR.CKR_TOKEN_WRITE_PROTECTED);

    public SlotInfo GetSlotInfo() => new(
        IsKeyStorage ? Config.DbSlotDescription : Config.CryptoSlotDescription,
        Config.ManufacturerId,
        CKF.CKF_TOKEN_PRESENT);

    public TokenInfo GetTokenInfo(ulong sessionCount, ulong rwSessionCount)
    {
        ulong flags = CKF.CKF_RNG | CKF.CKF_CLOCK_ON_TOKEN | CKF.CKF_TOKEN_INITIALIZED | CKF.CKF_DUAL_CRYPTO_OPERATIONS;
        string label = Config.CryptoTokenDescription;
        string serial = "0000000000000001";
        if (WriteProtected) flags |= CKF.CKF_WRITE_PROTECTED;
        if (Store is not null)
        {
            var record = Store.Read();
            label = record.Label;
            serial = Store.Serial;
            flags |= PinFlags(record);
        }
        return new TokenInfo(label, Config.ManufacturerId, "Softoken", serial, flags, sessionCount, rwSessionCount,
            (ulong)Config.MaxPinLength, (ulong)Config.MinPinLength, DateTime.UtcNow.ToString("yyyyMMddHHmmss00"));
    }

    /// <summary>True when the user PIN is the empty string and the configuration does not demand a password:
    /// then, as in softokn, no login is required.</summary>
    public bool NeedsNoLogin(TokenRecord record) =>
        record.UserPin is { IsEmpty: true } && !Config.PasswordRequired;

    private ulong PinFlags(TokenRecord record)
    {
        ulong flags = 0;
        if (!NeedsNoLogin(record)) flags |= CKF.CKF_LOGIN_REQUIRED;
        if (record.UserPin is not null) flags |= CKF.CKF_USER_PIN_INITIALIZED;
        flags |= CounterFlags(record.UserFailures, CKF.CKF_USER_PIN_COUNT_LOW, CKF.CKF_USER_PIN_FINAL_TRY, CKF.CKF_USER_PIN_LOCKED);
        flags |= CounterFlags(record.SoFailures, CKF.CKF_SO_PIN_COUNT_LOW, CKF.CKF_SO_PIN_FINAL_TRY, CKF.CKF_SO_PIN_LOCKED);
        return flags;
    }

    private ulong CounterFlags(int failures, ulong low, ulong finalTry, ulong locked)
    {
        int max = Config.MaxPinTries;
        if (max > 0 && failures >= max) return locked;
        // FINAL_TRY: the next wrong PIN locks it, which with maxPinTries=1 holds before any failure.
        ulong countLow = failures > 0 ? low : 0;
        if (max > 0 && failures == max - 1) return finalTry | countLow;
        return countLow;
    }

    public bool IsLocked(int failures) => Config.MaxPinTries > 0 && failures >= Config.MaxPinTries;
}
