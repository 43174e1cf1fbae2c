using Microsoft.Data.Sqlite;
using Softoken.Configuration;
using Softoken.Objects;
using Softoken.Pkcs11;
using Softoken.Storage;
using Softoken.Tests.Objects;
using Softoken.Tokens;

namespace Softoken.Tests.Storage;

/// <summary>Searches and loads run on their own read connections (ReadConnections): they must see every commit that
/// happened before they started, reuse their connections, and close them all with the store.</summary>
public sealed class ConcurrentReadTests : StoreTest
{
    private static AttributeSet Key(int n, bool isPrivate = false)
    {
        var template = Attrs.AesKey(16, (CKA.CKA_TOKEN, true), (CKA.CKA_PRIVATE, isPrivate), (CKA.CKA_ID, Id(n)));
        template.Set(CKA.CKA_VALUE, Value(n));
        return ObjectBuilder.Build(template, ObjectOrigin.Created);
    }

    private static byte[] Id(int n) => BitConverter.GetBytes(n);

    private static byte[] Value(int n) => [.. Enumerable.Range(0, 16).Select(i => (byte)(n + i))];

    private static KeyValuePair<CKA, byte[]>[] ById(int n) => [new(CKA.CKA_ID, Id(n))];

    [Fact]
    public void ReadersOnOtherThreadsSeeEveryInsertThatHasReturned()
    {
        const int Count = 150;
        using var store = SqliteTokenStore.Open(Config);
        var ids = new long[Count];
        int published = 0;
        int checks = 0;
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource();
        var readers = Enumerable.Range(0, 4).Select(r => Task.Run(() =>
        {
            var random = new Random(r);
            while (!stop.IsCancellationRequested)
            {
                int visible = Volatile.Read(ref published);
                if (visible == 0) continue;
                int n = random.Next(visible);
                var found = store.Find(ById(n), includePrivate: true);
                if (found.Count != 1 || found[0] != Volatile.Read(ref ids[n])) failures.Enqueue($"find {n}: {found.Count} results");
                else if (store.Load(found[0], MasterKey)?.Attributes.Bytes(CKA.CKA_VALUE) is not { } value || !value.SequenceEqual(Value(n)))
                    failures.Enqueue($"load {n}");
                Interlocked.Increment(ref checks);
            }
        })).ToArray();
        for (int n = 0; n < Count; n++)
        {
            Volatile.Write(ref ids[n], store.Insert(Key(n), MasterKey));
            Volatile.Write(ref published, n + 1);
        }
        while (Volatile.Read(ref checks) < 2000) Thread.Sleep(1);
        stop.Cancel();
        Task.WaitAll(readers);
        Assert.Empty(failures);
    }

    [Fact]
    public void AReaderDoesNotSeeADeletedObject()
    {
        using var store = SqliteTokenStore.Open(Config);
        long id = store.Insert(Key(1), MasterKey);
        Assert.Equal([id], store.Find(ById(1), includePrivate: false));
        Assert.True(store.Delete(id));
        Assert.Empty(store.Find(ById(1), includePrivate: false));
        Assert.Null(store.Load(id, MasterKey));
    }

    [Fact]
    public void PrivateObjectsStayHiddenFromReadsWithoutTheUser()
    {
        using var store = SqliteTokenStore.Open(Config);
        long id = store.Insert(Key(7, isPrivate: true), MasterKey);
        Assert.Empty(store.Find(ById(7), includePrivate: false));
        Assert.Equal([id], store.Find(ById(7), includePrivate: true));
        Assert.Contains(CKA.CKA_VALUE, store.Load(id, null)!.Locked);
    }

    [Fact]
    public void ReadConnectionsAreReusedAndBounded()
    {
        using var store = SqliteTokenStore.Open(Config);
        store.Insert(Key(1), MasterKey);
        Assert.Equal(0, store.IdleReaders);
        for (int i = 0; i < 100; i++) Assert.Single(store.Find(ById(1), includePrivate: false));
        Assert.Equal(1, store.IdleReaders);
        // Sixteen threads of their own (the thread pool would start them slowly), released together.
        using var start = new Barrier(16);
        int found = 0;
        var threads = Enumerable.Range(0, 16).Select(_ => new Thread(() =>
        {
            start.SignalAndWait();
            for (int i = 0; i < 50; i++) Interlocked.Add(ref found, store.Find(ById(1), includePrivate: false).Count);
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.Equal(16 * 50, found);
        Assert.InRange(store.IdleReaders, 1, 8);
    }

    [Fact]
    public void DisposingTheStoreClosesEveryReadConnection()
    {
        var store = SqliteTokenStore.Open(Config);
        store.Insert(Key(1), MasterKey);
        Parallel.For(0, 8, _ => Assert.Single(store.Find(ById(1), includePrivate: false)));
        Assert.True(store.IdleReaders >= 1);
        Assert.True(File.Exists(Config.DatabasePath + "-wal"));
        store.Dispose();
        // SQLite checkpoints and deletes the WAL only when the last connection to the file closes.
        Assert.False(File.Exists(Config.DatabasePath + "-wal"));
        Assert.Throws<ObjectDisposedException>(() => store.Find(ById(1), includePrivate: false));
    }

    [Fact]
    public void AReadConnectionRefusesToWriteAndKeepsItsPageCache()
    {
        using var store = SqliteTokenStore.Open(Config);
        long id = store.Insert(Key(2), MasterKey);
        using var readers = new ReadConnections(() =>
        {
            var connection = new SqliteConnection($"Data Source={Config.DatabasePath};Pooling=False");
            connection.Open();
            return connection;
        });
        var e = Assert.Throws<SqliteException>(() => readers.Read(r =>
        {
            var delete = r.Get("DELETE FROM objects WHERE id = $id");
            delete.Parameters.AddWithValue("$id", id);
            return delete.ExecuteNonQuery();
        }));
        Assert.Equal(8, e.SqliteErrorCode); // SQLITE_READONLY: PRAGMA query_only
        Assert.Equal(-16384L, readers.Read(r => (long)r.Get("PRAGMA cache_size").ExecuteScalar()!));
        Assert.Equal([id], store.Find(ById(2), includePrivate: false));
    }

    [Fact]
    public void AReadOnlyTokenIsReadThroughItsReaders()
    {
        long id;
        using (var writable = SqliteTokenStore.Open(Config)) id = writable.Insert(Key(3), MasterKey);
        var readOnly = ModuleConfig.FromParameters($"configdir='sql:{DirectoryPath}' flags=readOnly", "test", DirectoryPath);
        using var store = SqliteTokenStore.Open(readOnly);
        Assert.True(store.ReadOnly);
        Assert.Equal([id], store.Find(ById(3), includePrivate: true));
        Assert.Equal(Value(3), store.Load(id, MasterKey)!.Attributes.Bytes(CKA.CKA_VALUE));
    }
}
