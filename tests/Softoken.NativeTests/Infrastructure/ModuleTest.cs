using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using Softoken.TestSupport;
using LowLevelLibrary = Net.Pkcs11Interop.LowLevelAPI80.Pkcs11Library;

namespace Softoken.NativeTests.Infrastructure;

/// <summary>Base of every native test: a private token database directory (SOFTOKEN_PARAMS points the module at
/// it), the module loaded through Pkcs11Interop's low-level API (not initialised), and on dispose C_Finalize and
/// the environment restored. The module is one instance per process, so tests never run in parallel
/// (AssemblyInfo.cs).</summary>
public abstract class ModuleTest : IClassFixture<ModuleFixture>, IDisposable
{
    /// <summary>Cheap PIN hashing (the minimum the module accepts) so that PIN tests stay fast.</summary>
    public const string FastPins = "pinIterations=1000";

    public const ulong CryptoSlotId = 1;
    public const ulong KeyStorageSlotId = 2;

    private IPkcs11Library? library;

    protected ModuleTest(ModuleFixture fixture)
    {
        Fixture = fixture;
        DatabaseDirectory = fixture.NewDatabaseDirectory();
        Env.Set("SOFTOKEN_PARAMS", Parameters());
        LowLevel = new LowLevelLibrary(ModulePath.Value);
    }

    internal ModuleFixture Fixture { get; }

    /// <summary>Native environment changes, undone after the test.</summary>
    internal EnvironmentScope Env { get; } = new();

    /// <summary>This test's token database directory.</summary>
    protected string DatabaseDirectory { get; }

    protected string DatabaseFile => Path.Combine(DatabaseDirectory, "softoken.db");

    /// <summary>Pkcs11Interop's low-level API for 8-byte CK_ULONG and natural alignment (LowLevelAPI80: the Linux
    /// x86-64 ABI; LowLevelAPI81 is the 1-byte-packed variant and misreads the function list here), for init
    /// arguments and exact return values.</summary>
    protected LowLevelLibrary LowLevel { get; }

    /// <summary>Raw calls by name: NULL and garbage pointers, PKCS #11 3.0 functions.</summary>
    internal static RawModule Raw => RawModule.Instance;

    protected Pkcs11InteropFactories Factories { get; } = new();

    /// <summary>The high-level API, after <see cref="Initialize"/>.</summary>
    protected IPkcs11Library Library => library ?? throw new InvalidOperationException("call Initialize first");

    protected ISlot CryptoSlot => Slot(CryptoSlotId);

    protected ISlot KeyStorageSlot => Slot(KeyStorageSlotId);

    /// <summary>The parameter string for this test's database, with fast PIN hashing.</summary>
    protected string Parameters(string extra = "") =>
        $"configdir='sql:{DatabaseDirectory}' {FastPins} {extra}".Trim();

    /// <summary>C_Initialize through the high-level API (CKF_OS_LOCKING_OK, configuration from SOFTOKEN_PARAMS).</summary>
    protected void Initialize(string extraParameters = "")
    {
        if (library is not null) throw new InvalidOperationException("already initialised");
        Env.Set("SOFTOKEN_PARAMS", Parameters(extraParameters));
        library = Factories.Pkcs11LibraryFactory.LoadPkcs11Library(Factories, ModulePath.Value, AppType.MultiThreaded);
    }

    /// <summary>Takes over a library a test initialised itself, so that it is finalised after the test.</summary>
    protected void AdoptLibrary(IPkcs11Library initialised)
    {
        if (library is not null) throw new InvalidOperationException("already initialised");
        library = initialised;
    }

    /// <summary>C_Finalize through the high-level API.</summary>
    protected void Shutdown()
    {
        library?.Dispose();
        library = null;
    }

    protected void Restart(string extraParameters = "")
    {
        Shutdown();
        Initialize(extraParameters);
    }

    protected ISlot Slot(ulong id) => Library.GetSlotList(SlotsType.WithTokenPresent).Single(s => s.SlotId == id);

    protected ISession OpenSession(ulong slotId, bool readWrite = false) =>
        Slot(slotId).OpenSession(readWrite ? SessionType.ReadWrite : SessionType.ReadOnly);

    protected ulong TokenFlags(ulong slotId) => Slot(slotId).GetTokenInfo().TokenFlags.Flags;

    /// <summary>The NSS bootstrap: the SO (empty PIN on a new token) logs in on a read/write session and sets the
    /// user PIN with C_InitPIN.</summary>
    protected void SetUserPin(string pin, string soPin = "")
    {
        var session = OpenSession(KeyStorageSlotId, readWrite: true);
        session.Login(CKU.CKU_SO, soPin);
        session.InitPin(pin);
        session.Logout();
        session.CloseSession();
    }

    /// <summary>C_OpenSession through the low-level API, for the exact return value.</summary>
    protected CKR OpenRawSession(ulong slotId, ulong flags, out ulong session)
    {
        session = 0;
        return LowLevel.C_OpenSession(slotId, flags, IntPtr.Zero, IntPtr.Zero, ref session);
    }

    public virtual void Dispose()
    {
        Shutdown();
        LowLevel.C_Finalize(IntPtr.Zero);
        LowLevel.Dispose();
        Env.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>A native test that starts with the module initialised on a fresh token database.</summary>
public abstract class InitializedModuleTest : ModuleTest
{
    protected InitializedModuleTest(ModuleFixture fixture, string extraParameters = "")
        : base(fixture) => Initialize(extraParameters);
}
