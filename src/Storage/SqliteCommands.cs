using Microsoft.Data.Sqlite;

namespace Softoken.Storage;

internal sealed partial class SqliteTokenStore
{
    private static SqliteCommand Command(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters) cmd.Parameters.AddWithValue(name, value);
        return cmd;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var cmd = Command(connection, sql);
        cmd.ExecuteNonQuery();
    }

    private static object? MetaValue(SqliteConnection connection, string key)
    {
        using var cmd = Command(connection, "SELECT value FROM meta WHERE key = $k", ("$k", key));
        var value = cmd.ExecuteScalar();
        return value is DBNull ? null : value;
    }

    private static void SetMeta(SqliteConnection connection, string key, object value)
    {
        using var cmd = Command(connection,
            "INSERT INTO meta (key, value) VALUES ($k, $v) ON CONFLICT(key) DO UPDATE SET value = $v", ("$k", key), ("$v", value));
        cmd.ExecuteNonQuery();
    }

    private static bool TableExists(SqliteConnection connection, string table)
    {
        using var cmd = Command(connection, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = $t", ("$t", table));
        return Convert.ToInt64(cmd.ExecuteScalar()) > 0;
    }
}
