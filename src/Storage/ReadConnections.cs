using Microsoft.Data.Sqlite;

namespace Softoken.Storage;

/// <summary>Extra connections to the token database for searches and loads outside a write, so that threads read
/// side by side (WAL mode lets readers run alongside each other and alongside one writer) instead of queueing on
/// the writer's lock. A thread rents one for a single read and gives it back; each read is its own implicit
/// transaction, so it sees every commit made before it started, and an idle connection holds no snapshot (the WAL
/// can always be checkpointed). Connections open on first need and at most <see cref="MaxIdle"/> are kept.</summary>
internal sealed class ReadConnections(Func<SqliteConnection> open) : IDisposable
{
    private const int MaxIdle = 8;
    private readonly Stack<PreparedStatements> idle = new();
    private readonly Lock gate = new();
    private bool disposed;

    /// <summary>Runs <paramref name="read"/> on a connection no other thread is using.</summary>
    public T Read<T>(Func<PreparedStatements, T> read)
    {
        var reader = Rent();
        try
        {
            return read(reader);
        }
        finally
        {
            Return(reader);
        }
    }

    private PreparedStatements Rent()
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            if (idle.TryPop(out var reader)) return reader;
        }
        var connection = open();
        try
        {
            using var cmd = connection.CreateCommand();
            // A reader never writes: a bug that tried would fail instead of racing the writer's transactions. Its page
            // cache may grow to 16 MiB (pages are kept only once read, so a small token costs its own size): a
            // search by CKA_ID among 100,000 objects touches random index pages, and 2 MiB (SQLite's default) missed
            // often enough to cost a fifth of the call in pread.
            cmd.CommandText = "PRAGMA query_only=1; PRAGMA cache_size=-16384";
            cmd.ExecuteNonQuery();
            return new PreparedStatements(connection);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private void Return(PreparedStatements reader)
    {
        lock (gate)
        {
            if (!disposed && idle.Count < MaxIdle)
            {
                idle.Push(reader);
                return;
            }
        }
        Close(reader);
    }

    public void Dispose()
    {
        PreparedStatements[] all;
        lock (gate)
        {
            disposed = true;
            all = idle.ToArray();
            idle.Clear();
        }
        foreach (var reader in all) Close(reader);
    }

    private static void Close(PreparedStatements reader)
    {
        var connection = reader.Connection;
        reader.Dispose();
        connection.Dispose();
    }

    /// <summary>How many connections wait idle (for tests).</summary>
    internal int IdleCount
    {
        get
        {
            lock (gate) return idle.Count;
        }
    }
}
