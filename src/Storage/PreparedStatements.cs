using Microsoft.Data.Sqlite;

namespace Softoken.Storage;

/// <summary>The hot reads' commands (find, load) of one connection, each kept with its prepared statement for the
/// life of the connection: parsing and planning the SQL cost more than running it. Used by one thread at a time
/// (the writer under the store's lock, a reader while rented).</summary>
internal sealed class PreparedStatements(SqliteConnection connection) : IDisposable
{
    private const int MaxStatements = 64;
    private readonly Dictionary<string, SqliteCommand> statements = new(StringComparer.Ordinal);

    public SqliteConnection Connection => connection;

    /// <summary>The command for <paramref name="sql"/> with its parameters cleared; the caller binds them and must
    /// not dispose the command.</summary>
    public SqliteCommand Get(string sql)
    {
        if (statements.TryGetValue(sql, out var cmd))
        {
            cmd.Parameters.Clear();
            return cmd;
        }
        if (statements.Count >= MaxStatements) Clear();
        cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        statements[sql] = cmd;
        return cmd;
    }

    public void Dispose() => Clear();

    private void Clear()
    {
        foreach (var cmd in statements.Values) cmd.Dispose();
        statements.Clear();
    }
}
