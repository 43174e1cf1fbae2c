using Softoken.Configuration;
using Softoken.Crypto;
using Softoken.Pkcs11;
using Softoken.Sessions;
using Softoken.Slots;
using Softoken.Tokens;

namespace Softoken.Module;

/// <summary>All mutable state of the library between C_Initialize and C_Finalize. <see cref="current"/> is the only
/// mutable static in the core; C_Finalize clears it so that a later C_Initialize starts clean (the shared
/// library is never unloaded: it is linked with -z nodelete).</summary>
internal sealed partial class SoftokenModule
{
    private static readonly Lock LifecycleGate = new();
    private static volatile SoftokenModule? current;

    private SoftokenModule(ModuleConfig config, ITokenStore? store, Func<int>? processId)
    {
        Config = config;
        Random = processId is null ? new() : new(processId);
        CryptoSlot = new Slot(Slot.CryptoSlotId, config, null);
        KeyStorageSlot = new Slot(Slot.KeyStorageSlotId, config, store);
    }

    public static SoftokenModule Current => current ?? throw new Pkcs11Exception(CKR.CKR_CRYPTOKI_NOT_INITIALIZED);

    public static bool IsInitialized => current is not null;

    public ModuleConfig Config { get; }

    public Slot CryptoSlot { get; }

    public Slot KeyStorageSlot { get; }

    public SessionTable Sessions { get; } = new();

    public RandomSource Random { get; }

    /// <summary>Digest states saved by C_GetOperationState, valid in this process until C_Finalize.</summary>
    public DigestStateVault DigestStates { get; } = new();

    /// <summary>Recent PBKDF2 results of successful PIN checks (softokn keeps such a cache too): cleared when a PIN
    /// changes, the token is reinitialised, and at C_Finalize.</summary>
    internal PinKdfCache PinResults { get; } = new();

    /// <summary>Guards login state and the session rules that depend on it.</summary>
    internal Lock Gate { get; } = new();

    public IReadOnlyList<Slot> Slots => [CryptoSlot, KeyStorageSlot];

    /// <summary>C_Initialize after argument checks: resolves the configuration and opens the token database.
    /// <paramref name="processId"/> reads the process id afresh (the RNG's fork check).</summary>
    public static void Initialize(string? parameters, Func<string, string?> environment,
        Func<ModuleConfig, ITokenStore?> openStore, Func<int>? processId = null)
    {
        lock (LifecycleGate)
        {
            if (current is not null) throw new Pkcs11Exception(CKR.CKR_CRYPTOKI_ALREADY_INITIALIZED);
            var config = ConfigResolver.Resolve(parameters, environment);
            var store = config.NoKeyDatabase ? null : openStore(config);
            current = new SoftokenModule(config, store, processId);
            current.AddProfileObjects();
        }
    }

    /// <summary>C_Finalize: closes every session, forgets logins and closes the database.</summary>
    public static void Shutdown()
    {
        lock (LifecycleGate)
        {
            var module = current ?? throw new Pkcs11Exception(CKR.CKR_CRYPTOKI_NOT_INITIALIZED);
            current = null;
            foreach (var session in module.Sessions.All) session.EndOperations();
            foreach (var slot in module.Slots) ForgetLogin(slot);
            module.Objects.Clear();
            module.DigestStates.Clear();
            module.PinResults.Clear();
            KeyCaches.Clear();
            module.Random.Dispose();
            module.KeyStorageSlot.Store?.Dispose();
        }
    }

    public Slot GetSlot(ulong slotId) => slotId switch
    {
        Slot.CryptoSlotId => CryptoSlot,
        Slot.KeyStorageSlotId => KeyStorageSlot,
        _ => throw new Pkcs11Exception(CKR.CKR_SLOT_ID_INVALID),
    };

    public TokenInfo GetTokenInfo(ulong slotId)
    {
        var slot = GetSlot(slotId);
        var open = Sessions.OnSlot(slot).ToArray();
        return slot.GetTokenInfo((ulong)open.Length, (ulong)open.Count(s => s.ReadWrite));
    }

    private static void ForgetLogin(Slot slot)
    {
        if (slot.MasterKey is { } key) System.Security.Cryptography.CryptographicOperations.ZeroMemory(key);
        if (slot.ImplicitMasterKey is { } implicitKey) System.Security.Cryptography.CryptographicOperations.ZeroMemory(implicitKey);
        slot.MasterKey = null;
        slot.ImplicitMasterKey = null;
        slot.LoggedIn = null;
    }
}
