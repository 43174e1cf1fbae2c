using System.Security.Cryptography;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using Net.Pkcs11Interop.LowLevelAPI80;
using Softoken.NativeTests.Infrastructure;

namespace Softoken.NativeTests;

/// <summary>Issue 2, item 6: where the configuration comes from (first found wins: pReserved, SOFTOKEN_PARAMS, the
/// configuration file, the XDG data directory), read with getenv at each C_Initialize; the database is created
/// 0600 in a 0700 directory, and opening an existing one writes nothing.</summary>
public sealed class ConfigurationTests : ModuleTest
{
    private readonly string home;

    public ConfigurationTests(ModuleFixture fixture) : base(fixture)
    {
        // Nothing from the developer's own environment may leak in: every source the module consults is set here.
        home = Fixture.NewDatabaseDirectory();
        Env.Set("HOME", home);
        Env.Set("XDG_CONFIG_HOME", null);
        Env.Set("XDG_DATA_HOME", null);
        Env.Set("SOFTOKEN_CONF", null);
    }

    [Fact]
    public void PReservedWinsOverTheEnvironmentAndTheFile()
    {
        var fromInit = Fixture.NewDatabaseDirectory();
        var fromFile = Fixture.NewDatabaseDirectory();
        Env.Set("SOFTOKEN_CONF", WriteConfigFile($"configdir='sql:{fromFile}'"));
        using var parameters = NativeBuffer.Utf8($"configdir='sql:{fromInit}' {FastPins}");
        Assert.Equal(CKR.CKR_OK, LowLevel.C_Initialize(new CK_C_INITIALIZE_ARGS
        {
            Flags = CKF.CKF_OS_LOCKING_OK,
            Reserved = parameters.Pointer,
        }));
        AssertOnlyDatabaseIn(fromInit, DatabaseDirectory, fromFile);
    }

    [Fact]
    public void EmptyPReservedStringFallsBackToTheEnvironment()
    {
        using var empty = NativeBuffer.Utf8("");
        Assert.Equal(CKR.CKR_OK, LowLevel.C_Initialize(new CK_C_INITIALIZE_ARGS
        {
            Flags = CKF.CKF_OS_LOCKING_OK,
            Reserved = empty.Pointer,
        }));
        Assert.True(File.Exists(DatabaseFile));
    }

    [Fact]
    public void SoftokenParamsWinsOverTheConfigurationFile()
    {
        var fromFile = Fixture.NewDatabaseDirectory();
        Env.Set("SOFTOKEN_CONF", WriteConfigFile($"configdir='sql:{fromFile}'"));
        Initialize();
        AssertOnlyDatabaseIn(DatabaseDirectory, fromFile);
    }

    [Fact]
    public void ConfigurationFileNamedBySoftokenConf()
    {
        var fromFile = Fixture.NewDatabaseDirectory();
        var file = WriteConfigFile($"# a comment line\nconfigdir='sql:{fromFile}'\n{FastPins} dbTokenDescription='From The File'\n");
        Env.Set("SOFTOKEN_PARAMS", null);
        Env.Set("SOFTOKEN_CONF", file);
        InitializeFromEnvironment();
        AssertOnlyDatabaseIn(fromFile, DatabaseDirectory);
        Assert.Equal("From The File", KeyStorageSlot.GetTokenInfo().Label);
    }

    [Fact]
    public void ConfigurationFileUnderXdgConfigHome()
    {
        var fromFile = Fixture.NewDatabaseDirectory();
        var configHome = Fixture.NewDatabaseDirectory();
        Directory.CreateDirectory(Path.Combine(configHome, "softoken"));
        File.WriteAllText(Path.Combine(configHome, "softoken", "softoken.conf"), $"configdir='sql:{fromFile}' {FastPins}\n");
        Env.Set("SOFTOKEN_PARAMS", null);
        Env.Set("XDG_CONFIG_HOME", configHome);
        InitializeFromEnvironment();
        AssertOnlyDatabaseIn(fromFile, DatabaseDirectory);
    }

    [Fact]
    public void ConfigurationFileUnderHomeDotConfigWithoutXdgConfigHome()
    {
        var fromFile = Fixture.NewDatabaseDirectory();
        Directory.CreateDirectory(Path.Combine(home, ".config", "softoken"));
        File.WriteAllText(Path.Combine(home, ".config", "softoken", "softoken.conf"), $"configdir='sql:{fromFile}' {FastPins}\n");
        Env.Set("SOFTOKEN_PARAMS", null);
        InitializeFromEnvironment();
        AssertOnlyDatabaseIn(fromFile, DatabaseDirectory);
    }

    [Fact]
    public void DefaultDatabaseIsUnderXdgDataHome()
    {
        var dataHome = Fixture.NewDatabaseDirectory();
        Env.Set("SOFTOKEN_PARAMS", null);
        Env.Set("XDG_DATA_HOME", dataHome);
        InitializeFromEnvironment();
        Assert.True(File.Exists(Path.Combine(dataHome, "softoken", "softoken.db")));
        Assert.False(File.Exists(DatabaseFile));
    }

    [Fact]
    public void DefaultDatabaseWithoutXdgDataHomeIsUnderHomeLocalShare()
    {
        Env.Set("SOFTOKEN_PARAMS", null);
        InitializeFromEnvironment();
        Assert.True(File.Exists(Path.Combine(home, ".local", "share", "softoken", "softoken.db")));
    }

    [Fact]
    public void EnvironmentIsReadAgainAtEachInitialize()
    {
        Initialize();
        var serial = KeyStorageSlot.GetTokenInfo().SerialNumber;
        Shutdown();
        var next = Fixture.NewDatabaseDirectory();
        Env.Set("SOFTOKEN_PARAMS", $"configdir='sql:{next}' {FastPins}");
        InitializeFromEnvironment();
        Assert.True(File.Exists(Path.Combine(next, "softoken.db")));
        Assert.NotEqual(serial, KeyStorageSlot.GetTokenInfo().SerialNumber);
    }

    [Fact]
    public void NewDatabaseIsCreatedMode0600InADirectoryCreatedMode0700()
    {
        var parent = Fixture.NewDatabaseDirectory();
        var dir = Path.Combine(parent, "new", "token");
        Env.Set("SOFTOKEN_PARAMS", $"configdir='sql:{dir}' {FastPins}");
        InitializeFromEnvironment();
        var file = Path.Combine(dir, "softoken.db");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(dir));
    }

    [Fact]
    public void InitializeAndFinalizeDoNotWriteAnExistingDatabase()
    {
        Initialize();
        SetUserPin("1234");
        Shutdown();
        var before = Snapshot(DatabaseFile);
        Thread.Sleep(50);
        for (int i = 0; i < 3; i++)
        {
            Initialize();
            _ = KeyStorageSlot.GetTokenInfo();
            var session = OpenSession(KeyStorageSlotId);
            session.Login(CKU.CKU_USER, "1234");
            session.Logout();
            Shutdown();
        }
        Assert.Equal(before, Snapshot(DatabaseFile));
    }

    [Fact]
    public void ParameterStringDescriptionsNameTheLibrarySlotsAndTokens()
    {
        Initialize("manufacturerID='Acme Labs' libraryDescription='Acme Library' cryptoTokenDescription='Acme Crypto' " +
            "dbTokenDescription='Acme Keys' cryptoSlotDescription='Acme Crypto Slot' dbSlotDescription='Acme Key Slot'");
        var info = Library.GetInfo();
        Assert.Equal("Acme Labs", info.ManufacturerId);
        Assert.Equal("Acme Library", info.LibraryDescription);
        Assert.Equal("Acme Crypto Slot", CryptoSlot.GetSlotInfo().SlotDescription);
        Assert.Equal("Acme Key Slot", KeyStorageSlot.GetSlotInfo().SlotDescription);
        Assert.Equal("Acme Labs", KeyStorageSlot.GetSlotInfo().ManufacturerId);
        Assert.Equal("Acme Crypto", CryptoSlot.GetTokenInfo().Label);
        Assert.Equal("Acme Keys", KeyStorageSlot.GetTokenInfo().Label);
        Assert.Equal("Acme Labs", KeyStorageSlot.GetTokenInfo().ManufacturerId);
    }

    [Fact]
    public void ReadOnlyFlagMakesTheTokenWriteProtected()
    {
        Initialize();
        SetUserPin("1234");
        Restart("flags=readOnly");
        var before = Snapshot(DatabaseFile);
        Assert.NotEqual(0UL, TokenFlags(KeyStorageSlotId) & CKF.CKF_WRITE_PROTECTED);
        Assert.Equal(CKR.CKR_TOKEN_WRITE_PROTECTED,
            OpenRawSession(KeyStorageSlotId, CKF.CKF_SERIAL_SESSION | CKF.CKF_RW_SESSION, out _));
        var session = OpenSession(KeyStorageSlotId);
        session.Login(CKU.CKU_USER, "1234");
        Assert.Equal(CKS.CKS_RO_USER_FUNCTIONS, session.GetSessionInfo().State);
        session.Logout();
        Expect.Rv(CKR.CKR_PIN_INCORRECT, () => session.Login(CKU.CKU_USER, "wrong"));
        session.CloseSession();
        Expect.Rv(CKR.CKR_TOKEN_WRITE_PROTECTED, () => KeyStorageSlot.InitToken("so", "label"));
        Shutdown();
        Assert.Equal(before, Snapshot(DatabaseFile));
    }

    [Fact]
    public void ReadOnlyWithoutADatabaseFailsAndCreatesNothing()
    {
        Env.Set("SOFTOKEN_PARAMS", Parameters("flags=readOnly"));
        var rv = LowLevel.C_Initialize(null);
        Assert.NotEqual(CKR.CKR_OK, rv);
        Assert.False(File.Exists(DatabaseFile));
        var info = new CK_INFO();
        Assert.Equal(CKR.CKR_CRYPTOKI_NOT_INITIALIZED, LowLevel.C_GetInfo(ref info));
    }

    [Fact]
    public void MinPWLenIsTheTokensMinimumPinLength()
    {
        Initialize("minPWLen=6");
        Assert.Equal(6UL, KeyStorageSlot.GetTokenInfo().MinPinLen);
        Assert.Equal(255UL, KeyStorageSlot.GetTokenInfo().MaxPinLen);
    }

    /// <summary>C_Initialize through the high-level API without touching SOFTOKEN_PARAMS.</summary>
    private void InitializeFromEnvironment()
    {
        var library = Factories.Pkcs11LibraryFactory.LoadPkcs11Library(Factories, Softoken.TestSupport.ModulePath.Value, AppType.MultiThreaded);
        AdoptLibrary(library);
    }

    private string WriteConfigFile(string contents)
    {
        var file = Path.Combine(Fixture.NewDatabaseDirectory(), "softoken.conf");
        File.WriteAllText(file, contents);
        return file;
    }

    private static void AssertOnlyDatabaseIn(string expected, params string[] others)
    {
        Assert.True(File.Exists(Path.Combine(expected, "softoken.db")), $"no database in {expected}");
        foreach (var other in others)
        {
            Assert.False(File.Exists(Path.Combine(other, "softoken.db")), $"unexpected database in {other}");
        }
    }

    private static (long Size, DateTime Modified, string Hash) Snapshot(string file) =>
        (new FileInfo(file).Length, File.GetLastWriteTimeUtc(file), Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file))));
}
