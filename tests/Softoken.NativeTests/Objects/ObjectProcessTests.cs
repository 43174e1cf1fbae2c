using System.Diagnostics;
using System.Security.Cryptography;
using Net.Pkcs11Interop.Common;
using Softoken.NativeTests.Infrastructure;
using Softoken.TestSupport;

namespace Softoken.NativeTests.Objects;

/// <summary>Issue 3, item 7: several processes share one token database. An object created in one is found by the next
/// search in the other, a destroyed one disappears, a change shows, sealed values written by one open in the other;
/// and a process killed (SIGKILL) in the middle of its writes leaves a consistent database that the module keeps
/// working on. The other process is a small C client (Helpers/object_client.c) while this process keeps the module
/// initialised with sessions open.</summary>
public sealed class ObjectProcessTests : ObjectTest, IClassFixture<ObjectProcessTests.Client>
{
    private readonly Client client;

    public ObjectProcessTests(ModuleFixture fixture, Client client) : base(fixture) => this.client = client;

    /// <summary>Helpers/object_client.c, compiled once for the class.</summary>
    public sealed class Client : IDisposable
    {
        internal CProgram Program { get; } = CProgram.Compile(Path.Combine("Helpers", "object_client.c"), "-I/usr/include/p11-kit-1");

        public void Dispose() => Program.Dispose();
    }

    private Dictionary<string, string?> ChildEnvironment => new() { ["SOFTOKEN_PARAMS"] = Parameters() };

    [Fact]
    public void ObjectCreatedInOneProcessIsFoundByTheNextSearchInTheOther()
    {
        var session = UserSession();
        Assert.Equal(0, ClientCount("made here"));
        Create(session, Data("made here", token: true));
        Assert.Equal(1, ClientCount("made here"));

        Assert.Empty(Find(session, Label("made there")));
        Assert.Equal("create 0x0", RunClient("create", "made there").Trim());
        var found = Assert.Single(Find(session, Label("made there")));
        Assert.Equal("written by object_client", GetString(session, found, CKA.CKA_VALUE));
        Assert.Equal(2, Find(session, Token()).Length);
    }

    [Fact]
    public void ObjectDestroyedInOneProcessIsGoneInTheOther()
    {
        var session = UserSession();
        var here = Create(session, Data("doomed", token: true));
        Assert.Equal("destroy 1 rv 0x0", RunClient("destroy", "doomed").Trim());
        Assert.Empty(Find(session, Label("doomed")));
        Assert.Equal(CKR.CKR_OBJECT_HANDLE_INVALID, GetRv(session, here, CKA.CKA_LABEL));
        Assert.Equal(CKR.CKR_OBJECT_HANDLE_INVALID, Destroy(session, here));

        Assert.Equal("create 0x0", RunClient("create", "doomed there").Trim());
        var there = Assert.Single(Find(session, Label("doomed there")));
        Assert.Equal(CKR.CKR_OK, Destroy(session, there));
        Assert.Equal(0, ClientCount("doomed there"));
    }

    [Fact]
    public void ChangeInOneProcessShowsInTheOther()
    {
        var session = UserSession();
        var handle = Create(session, Data("before", token: true));
        Assert.Equal(1, ClientCount("before"));
        Assert.Equal(CKR.CKR_OK, Set(session, handle, Label("after")));
        Assert.Equal(0, ClientCount("before"));
        Assert.Equal(1, ClientCount("after"));
    }

    [Fact]
    public void SealedValuesWrittenInOneProcessOpenInTheOther()
    {
        var session = UserSession();
        var value = RandomNumberGenerator.GetBytes(32);
        Create(session, [.. TestKeys.Aes(value), Token(), Attr.Of(CKA.CKA_SENSITIVE, false), Label("shared key")]);
        Assert.Equal($"value {Convert.ToHexString(value)} rv 0x0", RunClient("value", UserPin, "shared key").Trim());

        var output = RunClient("writeloop", UserPin, "1");
        Assert.Equal("created 0", output.Trim());
        var key = Assert.Single(Find(session, Label("kill-0")));
        Assert.Equal(Pattern(0), Get(session, key, CKA.CKA_VALUE));
    }

    [Fact]
    public void ProcessKilledWhileWritingLeavesAConsistentDatabase()
    {
        long printed = -1;
        for (int round = 0; round < 3; round++)
        {
            var last = KillWriterMidway(stopAfter: 20 + 15 * round, extraDelayMs: Random.Shared.Next(0, 15));
            printed = Math.Max(printed, last);
        }
        Assert.True(printed >= 20, $"the writer printed up to {printed}");

        // A second SQLite library in this process must not share the file with the module's: closing its descriptor
        // would drop the module's POSIX locks (fcntl locks belong to the process).
        Shutdown();
        using (var db = new TokenDatabase(DatabaseFile, write: true))
        {
            Assert.Equal("ok", db.Scalar("PRAGMA integrity_check"));
            var rows = db.Attributes();
            var objects = db.ObjectIds();
            Assert.Equal(objects, rows.Select(r => r.ObjectId).Distinct().Order().ToList());
            var shapes = rows.GroupBy(r => r.ObjectId)
                .Select(g => string.Join(",", g.Select(r => $"{r.Type:X}{(r.Sealed ? "s" : "")}").Order()))
                .Distinct().ToList();
            // Every object was written by the same template: one complete shape, CKA_VALUE sealed.
            var shape = Assert.Single(shapes);
            Assert.Contains($"{(ulong)CKA.CKA_VALUE:X}s", shape.Split(','));
            Assert.True(objects.Count > printed, $"{objects.Count} objects, last printed {printed}");
        }

        Initialize();
        var session = UserSession();
        var keys = Find(session, Class(CKO.CKO_SECRET_KEY));
        Assert.True(keys.Length > printed);
        var ids = new HashSet<long>();
        foreach (var key in keys)
        {
            var id = Get(session, key, CKA.CKA_ID);
            long i = (id[0] << 24) | (id[1] << 16) | (id[2] << 8) | id[3];
            Assert.Equal(Pattern(i), Get(session, key, CKA.CKA_VALUE));
            Assert.Contains(GetString(session, key, CKA.CKA_LABEL), new[] { $"new-{i}", $"kill-{i}" });
            ids.Add(i);
        }
        // Every round restarts at 0 and merges into the same keys (same CKA_ID and key type).
        Assert.Equal(keys.Length, ids.Count);
        for (long i = 0; i <= printed; i++) Assert.Contains(i, ids);

        // The module keeps working on the database.
        var data = Create(session, Data("after the crash", token: true));
        Assert.Equal(CKR.CKR_OK, Set(session, data, Label("still working")));
        Assert.Equal(1, ClientCount("still working"));
        Assert.Equal(CKR.CKR_OK, Destroy(session, data));
    }

    [Fact]
    public void ProcessesImportingTheSameCertificateAtOnceLeaveOneObject()
    {
        const int Count = 40;
        const int Processes = 3;
        var dir = Path.Combine(DatabaseDirectory, "certificates");
        Directory.CreateDirectory(dir);
        var certificates = Enumerable.Range(0, Count).Select(i => TestKeys.MakeCertificate($"CN=Raced {i}")).ToArray();
        for (int i = 0; i < Count; i++) File.WriteAllBytes(Path.Combine(dir, $"{i}.der"), certificates[i].Der);
        var start = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 1500;
        var runs = Enumerable.Range(0, Processes)
            .Select(_ => Task.Run(() => RunClient("importcerts", dir, Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
                start.ToString(System.Globalization.CultureInfo.InvariantCulture))))
            .ToArray();
        Task.WaitAll(runs);
        foreach (var run in runs) Assert.Equal(Count, run.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

        var session = OpenRo();
        var stored = Find(session, Class(CKO.CKO_CERTIFICATE));
        for (int i = 0; i < Count; i++)
            Assert.True(Find(session, Attr.Of(CKA.CKA_VALUE, certificates[i].Der)).Length == 1, $"certificate {i} is stored more than once");
        Assert.Equal(Count, stored.Length);
    }

    /// <summary>Starts the writer, waits until it printed "created <paramref name="stopAfter"/>", waits a little more
    /// and kills it with SIGKILL. Returns the last index it printed.</summary>
    private long KillWriterMidway(int stopAfter, int extraDelayMs)
    {
        var info = new ProcessStartInfo(client.Program.Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { ModulePath.Value, "writeloop", UserPin, "100000" }) info.ArgumentList.Add(a);
        info.Environment["SOFTOKEN_PARAMS"] = Parameters();
        using var process = Process.Start(info)!;
        long last = -1;
        try
        {
            var deadline = DateTime.UtcNow.AddMinutes(1);
            while (last < stopAfter)
            {
                Assert.True(DateTime.UtcNow < deadline, "the writer is too slow");
                var line = process.StandardOutput.ReadLine();
                if (line is null) Assert.Fail($"the writer stopped: {process.StandardError.ReadToEnd()}");
                Assert.StartsWith("created ", line);
                last = long.Parse(line["created ".Length..], System.Globalization.CultureInfo.InvariantCulture);
            }
            Thread.Sleep(extraDelayMs);
        }
        finally
        {
            process.Kill();
            process.WaitForExit();
        }
        Assert.NotEqual(0, process.ExitCode);
        return last;
    }

    private static byte[] Pattern(long i) => Enumerable.Range(0, 32).Select(j => (byte)(i * 31 + j * 7 + 1)).ToArray();

    private int ClientCount(string label)
    {
        var output = RunClient("count", label).Trim();
        Assert.EndsWith(" rv 0x0", output);
        return int.Parse(output.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    private string RunClient(params string[] arguments)
    {
        var result = client.Program.Run([ModulePath.Value, .. arguments], ChildEnvironment);
        Assert.True(result.ExitCode == 0, $"object_client {string.Join(' ', arguments)} failed: {result.Output}");
        return result.StandardOutput;
    }
}
