using Microsoft.Data.Sqlite;
using Net.Pkcs11Interop.Common;
using Softoken.NativeTests.Infrastructure;

namespace Softoken.NativeTests;

/// <summary>Issue 2, item 9: PINs are stored only as salted slow hashes (PBKDF2-HMAC-SHA256 with a high iteration
/// count, 100,000 by default). Read back from the token file with SQLite as an independent client.</summary>
public sealed class PinStorageTests(ModuleFixture fixture) : ModuleTest(fixture)
{
    static PinStorageTests() => SQLitePCL.raw.SetProvider(new SQLitePCL.SQLite3Provider_sqlite3());

    [Fact]
    public void DefaultPinHashingUsesAHighIterationCountAndAFreshSalt()
    {
        Env.Set("SOFTOKEN_PARAMS", $"configdir='sql:{DatabaseDirectory}'");
        AdoptLibrary(Factories.Pkcs11LibraryFactory.LoadPkcs11Library(Factories, Softoken.TestSupport.ModulePath.Value, AppType.MultiThreaded));
        SetUserPin("same-pin");
        KeyStorageSlot.InitToken("same-pin", "label");
        SetUserPin("same-pin", "same-pin");
        Shutdown();

        var pins = ReadPins(DatabaseFile);
        Assert.Equal(2, pins.Count);
        Assert.All(pins, p => Assert.True(p.Iterations >= 100_000, $"{p.Iterations} PBKDF2 iterations"));
        Assert.All(pins, p => Assert.Equal(16, p.Salt.Length));
        Assert.NotEqual(pins[0].Salt, pins[1].Salt);
        Assert.NotEqual(pins[0].Verifier, pins[1].Verifier);
    }

    [Fact]
    public void PinIterationsSetsTheCostOfNewPins()
    {
        Initialize("pinIterations=2000");
        SetUserPin("1234");
        Shutdown();
        Assert.All(ReadPins(DatabaseFile), p => Assert.Equal(2000, p.Iterations));
    }

    [Fact]
    public void TheSamePinOnTwoTokensHashesDifferently()
    {
        Initialize();
        SetUserPin("1234");
        Shutdown();
        var other = Fixture.NewDatabaseDirectory();
        Env.Set("SOFTOKEN_PARAMS", $"configdir='sql:{other}' {FastPins}");
        AdoptLibrary(Factories.Pkcs11LibraryFactory.LoadPkcs11Library(Factories, Softoken.TestSupport.ModulePath.Value, AppType.MultiThreaded));
        SetUserPin("1234");
        Shutdown();
        var a = ReadPins(DatabaseFile).Single(p => p.UserType == (long)CKU.CKU_USER);
        var b = ReadPins(Path.Combine(other, "softoken.db")).Single(p => p.UserType == (long)CKU.CKU_USER);
        Assert.NotEqual(a.Salt, b.Salt);
        Assert.NotEqual(a.Verifier, b.Verifier);
    }

    private sealed record PinRow(long UserType, byte[] Salt, long Iterations, byte[] Verifier);

    private static List<PinRow> ReadPins(string file)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = file,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
        }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT user_type, salt, iterations, verifier FROM pins ORDER BY user_type";
        using var reader = command.ExecuteReader();
        var rows = new List<PinRow>();
        while (reader.Read()) rows.Add(new PinRow(reader.GetInt64(0), (byte[])reader[1], reader.GetInt64(2), (byte[])reader[3]));
        return rows;
    }
}
