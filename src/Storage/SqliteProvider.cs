namespace Softoken.Storage;

/// <summary>Binds Microsoft.Data.Sqlite to the "sqlite3" provider. In the published module that is SQLite linked
/// statically into the .so (DirectPInvoke), whose symbols stay private to the module, so the host's own SQLite
/// (NSS has one) never clashes with ours; in unit tests it is the system's libsqlite3.</summary>
internal static class SqliteProvider
{
    private static int done;

    public static void EnsureInitialized()
    {
        if (Interlocked.Exchange(ref done, 1) == 0)
            SQLitePCL.raw.SetProvider(new SQLitePCL.SQLite3Provider_sqlite3());
    }
}
