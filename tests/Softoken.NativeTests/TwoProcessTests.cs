using System.Globalization;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using Softoken.NativeTests.Infrastructure;
using Softoken.TestSupport;

namespace Softoken.NativeTests;

/// <summary>Issue 2, tests: two processes sharing one token database. A login failure counted in one is seen, in
/// the token flags, by the other: the other process is a small C client (and OpenSC's pkcs11-tool) started while
/// this process keeps the module initialised on the same database.</summary>
public sealed class TwoProcessTests : InitializedModuleTest, IClassFixture<TwoProcessTests.Client>
{
    private const string UserPin = "user-pin";
    private const string Limits = "maxPinTries=3";
    private readonly Client client;

    public TwoProcessTests(ModuleFixture fixture, Client client) : base(fixture, Limits)
    {
        this.client = client;
        SetUserPin(UserPin);
    }

    /// <summary>Helpers/token_client.c, compiled once for the class.</summary>
    public sealed class Client : IDisposable
    {
        internal CProgram Program { get; } = CProgram.Compile(Path.Combine("Helpers", "token_client.c"), "-I/usr/include/p11-kit-1");

        public void Dispose() => Program.Dispose();
    }

    private Dictionary<string, string?> ChildEnvironment => new() { ["SOFTOKEN_PARAMS"] = Parameters(Limits) };

    [Fact]
    public void FailureInTheOtherProcessShowsHere()
    {
        Assert.Equal(CKR.CKR_PIN_INCORRECT, ClientLogin("wrong"));
        Assert.NotEqual(0UL, TokenFlags(KeyStorageSlotId) & CKF.CKF_USER_PIN_COUNT_LOW);
        Assert.Equal(CKR.CKR_PIN_INCORRECT, ClientLogin("wrong"));
        Assert.NotEqual(0UL, TokenFlags(KeyStorageSlotId) & CKF.CKF_USER_PIN_FINAL_TRY);
        Assert.Equal(CKR.CKR_PIN_INCORRECT, ClientLogin("wrong"));
        Assert.NotEqual(0UL, TokenFlags(KeyStorageSlotId) & CKF.CKF_USER_PIN_LOCKED);
        Expect.Rv(CKR.CKR_PIN_LOCKED, () => OpenSession(KeyStorageSlotId).Login(CKU.CKU_USER, UserPin));
    }

    [Fact]
    public void FailureHereShowsInTheOtherProcess()
    {
        Assert.Equal(0UL, ClientFlags() & CKF.CKF_USER_PIN_COUNT_LOW);
        var session = OpenSession(KeyStorageSlotId);
        Expect.Rv(CKR.CKR_PIN_INCORRECT, () => session.Login(CKU.CKU_USER, "wrong"));
        Assert.NotEqual(0UL, ClientFlags() & CKF.CKF_USER_PIN_COUNT_LOW);
        Expect.Rv(CKR.CKR_PIN_INCORRECT, () => session.Login(CKU.CKU_USER, "wrong"));
        var flags = ClientFlags();
        Assert.NotEqual(0UL, flags & CKF.CKF_USER_PIN_FINAL_TRY);
        Assert.Equal(0UL, flags & CKF.CKF_USER_PIN_LOCKED);

        // The other process's successful login clears the counter for both.
        Assert.Equal(CKR.CKR_OK, ClientLogin(UserPin));
        Assert.Equal(0UL, TokenFlags(KeyStorageSlotId) & (CKF.CKF_USER_PIN_COUNT_LOW | CKF.CKF_USER_PIN_FINAL_TRY));
        session.Login(CKU.CKU_USER, UserPin);
    }

    [Fact]
    public void PinChangedHereIsTheOtherProcessesPin()
    {
        var session = OpenSession(KeyStorageSlotId, readWrite: true);
        session.SetPin(UserPin, "changed-pin");
        Assert.Equal(CKR.CKR_PIN_INCORRECT, ClientLogin(UserPin));
        Assert.Equal(CKR.CKR_OK, ClientLogin("changed-pin"));
    }

    [Fact]
    public void PkcsElevenToolLoginFailureShowsHere()
    {
        const string tool = "/usr/bin/pkcs11-tool";
        Assert.True(File.Exists(tool), "pkcs11-tool (Debian package opensc) is required");
        var result = CProgram.Run(tool,
            ["--module", ModulePath.Value, "--slot", "2", "--login", "--pin", "wrong-pin", "--list-objects"], ChildEnvironment);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("CKR_PIN_INCORRECT", result.Output);
        Assert.NotEqual(0UL, TokenFlags(KeyStorageSlotId) & CKF.CKF_USER_PIN_COUNT_LOW);
    }

    [Fact]
    public void ProcessesCreatingOneNewDatabaseAtOnceAllSucceedWithOneToken()
    {
        for (int round = 0; round < 5; round++)
        {
            var fresh = Fixture.NewDatabaseDirectory();
            var environment = new Dictionary<string, string?> { ["SOFTOKEN_PARAMS"] = $"configdir='sql:{fresh}' {FastPins}" };
            var runs = Enumerable.Range(0, 6)
                .Select(_ => Task.Run(() => client.Program.Run([ModulePath.Value, "flags"], environment)))
                .ToArray();
            Task.WaitAll(runs);
            var serials = new HashSet<string>();
            foreach (var run in runs.Select(r => r.Result))
            {
                Assert.True(run.ExitCode == 0 && run.StandardOutput.Contains(" rv 0x0\n", StringComparison.Ordinal),
                    $"round {round}: {run.Output}");
                serials.Add(run.Lines.Single(l => l.StartsWith("serial ", StringComparison.Ordinal)));
            }
            Assert.Single(serials);
        }
    }

    private CKR ClientLogin(string pin) => (CKR)ParseHex(RunClient("login", pin), "login");

    private ulong ClientFlags()
    {
        var output = RunClient("flags");
        Assert.Contains(" rv 0x0\n", output);
        return ParseHex(output, "flags");
    }

    private string RunClient(params string[] arguments)
    {
        var result = client.Program.Run([ModulePath.Value, .. arguments], ChildEnvironment);
        Assert.True(result.ExitCode == 0, $"token_client {string.Join(' ', arguments)} failed: {result.Output}");
        return result.StandardOutput;
    }

    private static ulong ParseHex(string output, string key)
    {
        var line = output.Split('\n').Single(l => l.StartsWith(key + " ", StringComparison.Ordinal));
        var hex = line.Split(' ')[1];
        return ulong.Parse(hex.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }
}
