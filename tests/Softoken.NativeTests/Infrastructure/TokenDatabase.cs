using Microsoft.Data.Sqlite;

namespace Softoken.NativeTests.Infrastructure;

/// <summary>The token database file opened by the test process as an independent SQLite client (the system's
/// libsqlite3), to look at what the module stored: attribute rows, sealed values, integrity.</summary>
internal sealed class TokenDatabase : IDisposable
{
    private static readonly Lazy<bool> Provider = new(() =>
    {
        SQLitePCL.raw.SetProvider(new SQLitePCL.SQLite3Provider_sqlite3());
        return true;
    });

    private readonly SqliteConnection connection;

    public TokenDatabase(string file, bool write = false)
    {
        _ = Provider.Value;
        connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = file,
            Mode = write ? SqliteOpenMode.ReadWrite : SqliteOpenMode.ReadOnly,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString());
        connection.Open();
    }

    public sealed record AttributeRow(long ObjectId, ulong Type, byte[] Value, bool Sealed);

    public List<AttributeRow> Attributes()
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT object_id, type, value, sealed FROM attributes ORDER BY object_id, type";
        using var reader = command.ExecuteReader();
        var rows = new List<AttributeRow>();
        while (reader.Read())
            rows.Add(new AttributeRow(reader.GetInt64(0), (ulong)reader.GetInt64(1), (byte[])reader[2], reader.GetInt64(3) != 0));
        return rows;
    }

    public List<long> ObjectIds()
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id FROM objects ORDER BY id";
        using var reader = command.ExecuteReader();
        var ids = new List<long>();
        while (reader.Read()) ids.Add(reader.GetInt64(0));
        return ids;
    }

    public object? Scalar(string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    public List<string> Column(string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read()) values.Add(Convert.ToString(reader[0], System.Globalization.CultureInfo.InvariantCulture)!);
        return values;
    }

    public int Execute(string sql, params (string Name, object Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return command.ExecuteNonQuery();
    }

    public void Dispose() => connection.Dispose();
}
