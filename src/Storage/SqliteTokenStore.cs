using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Softoken.Configuration;
using Softoken.Pkcs11;
using Softoken.Tokens;

namespace Softoken.Storage;

/// <summary>The key-storage token in one SQLite file (WAL mode, busy timeout), shared safely by several
/// processes. Nothing is cached: every read asks the database. Opening an existing database writes nothing.
/// Writes, PIN records and read-then-write sequences go through one connection under <c>gate</c>; plain searches
/// and loads through <see cref="ReadConnections"/>, so threads reading the token do not queue behind each other.</summary>
internal sealed partial class SqliteTokenStore : ITokenStore
{
    private const int BusyTimeoutMs = 15_000;
    private readonly SqliteConnection connection;
    private readonly PreparedStatements writerStatements;
    private readonly ReadConnections readers;
    private readonly Lock gate = new();

    private SqliteTokenStore(SqliteConnection connection, string connectionString, string serial, bool readOnly)
    {
        this.connection = connection;
        writerStatements = new PreparedStatements(connection);
        readers = new ReadConnections(() => OpenConnection(connectionString));
        Serial = serial;
        ReadOnly = readOnly;
    }

    public string Serial { get; }

    public bool ReadOnly { get; }

    /// <summary>Read connections waiting for the next search or load (for tests).</summary>
    internal int IdleReaders => readers.IdleCount;

    /// <summary>Opens the token database named by <paramref name="config"/>, creating it (mode 0600, in a 0700
    /// directory) when it does not exist and the configuration allows writing.</summary>
    public static SqliteTokenStore Open(ModuleConfig config)
    {
        SqliteProvider.EnsureInitialized();
        string path = config.DatabasePath;
        bool create = !File.Exists(path);
        if (create && config.ReadOnly)
            throw new Pkcs11Exception(CKR.CKR_FUNCTION_FAILED, $"no token database at {path} and readOnly was given");
        if (create) CreateEmptyFile(path);
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = config.ReadOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWrite,
            Pooling = false,
            DefaultTimeout = BusyTimeoutMs / 1000,
        }.ToString();
        var connection = OpenConnection(connectionString);
        try
        {
            // WAL with synchronous=NORMAL: every commit is atomic and survives a killed process; only a power cut
            // can lose the last commits (never consistency). It saves an fsync per object change.
            Execute(connection, "PRAGMA synchronous=NORMAL");
            // A file without the schema was created an instant ago by another process that has not committed it
            // yet: initialise it (or wait for the other one's schema) exactly as a new database.
            if (create || (!config.ReadOnly && !TableExists(connection, "meta"))) Initialize(connection, config);
            int version = Convert.ToInt32(MetaValue(connection, "schema_version") ?? 0L);
            if (version != Schema.CurrentVersion)
                throw new Pkcs11Exception(CKR.CKR_FUNCTION_FAILED, $"token database schema {version} is not supported");
            var serial = (string?)MetaValue(connection, "serial") ?? throw new Pkcs11Exception(CKR.CKR_FUNCTION_FAILED);
            return new SqliteTokenStore(connection, connectionString, serial, config.ReadOnly);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        readers.Dispose();
        lock (gate)
        {
            writerStatements.Dispose();
            connection.Dispose();
        }
    }

    private static SqliteConnection OpenConnection(string connectionString)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
            Execute(connection, $"PRAGMA busy_timeout={BusyTimeoutMs}");
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static void CreateEmptyFile(string path)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(dir))
        {
            if (OperatingSystem.IsWindows()) Directory.CreateDirectory(dir);
            else Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        try
        {
            using var _ = new FileStream(path, options);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process created it first; its initialisation wins (see Initialize).
        }
    }

    /// <summary>Creates the schema once. Two processes racing to create the database are serialised by
    /// BEGIN IMMEDIATE; the second one finds the schema in place and leaves it.</summary>
    private static void Initialize(SqliteConnection connection, ModuleConfig config)
    {
        Execute(connection, "PRAGMA journal_mode=WAL");
        using var tx = SqlTransaction.ForWrite(connection);
        if (TableExists(connection, "meta")) return;
        Execute(connection, Schema.CreateVersion1);
        SetMeta(connection, "schema_version", (long)Schema.CurrentVersion);
        SetMeta(connection, "serial", Convert.ToHexString(RandomNumberGenerator.GetBytes(8)));
        SetMeta(connection, "label", config.DbTokenDescription);
        SetMeta(connection, "so_pin_set", 0L);
        var masterKey = PinVault.NewMasterKey();
        try
        {
            // The NSS bootstrap: a new token accepts an SO login with the empty PIN, so C_InitPIN can set the
            // first user PIN.
            WritePin(connection, CKU.CKU_SO, PinVault.Seal([], masterKey, config.PinIterations));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(masterKey);
        }
        tx.Commit();
    }
}
