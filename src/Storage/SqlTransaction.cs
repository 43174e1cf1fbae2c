using Microsoft.Data.Sqlite;

namespace Softoken.Storage;

/// <summary>A transaction driven by plain BEGIN/COMMIT statements, so that the store's commands need no
/// transaction object. <c>BEGIN IMMEDIATE</c> takes the write lock up front (waiting out other processes under
/// the busy timeout) instead of failing on upgrade; disposing without <see cref="Commit"/> rolls back.</summary>
internal sealed class SqlTransaction : IDisposable
{
    private readonly SqliteConnection connection;
    private bool open;

    private SqlTransaction(SqliteConnection connection, bool write)
    {
        this.connection = connection;
        Run(write ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED");
        open = true;
    }

    public static SqlTransaction ForWrite(SqliteConnection connection) => new(connection, write: true);

    public static SqlTransaction ForRead(SqliteConnection connection) => new(connection, write: false);

    public void Commit()
    {
        Run("COMMIT");
        open = false;
    }

    public void Dispose()
    {
        if (!open) return;
        open = false;
        try
        {
            Run("ROLLBACK");
        }
        catch (SqliteException)
        {
            // SQLite may already have rolled back (for example after SQLITE_FULL); nothing is left to undo.
        }
    }

    private void Run(string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }
}
