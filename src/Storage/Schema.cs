namespace Softoken.Storage;

/// <summary>The database schema, versioned in meta('schema_version'). A later version adds a migration step
/// from each older version; a database newer than this code is refused rather than misread.</summary>
internal static class Schema
{
    public const int CurrentVersion = 1;

    public const string CreateVersion1 = """
        CREATE TABLE meta (
            key   TEXT PRIMARY KEY,
            value BLOB NOT NULL
        );
        CREATE TABLE pins (
            user_type  INTEGER PRIMARY KEY,
            salt       BLOB NOT NULL,
            iterations INTEGER NOT NULL,
            verifier   BLOB NOT NULL,
            wrapped    BLOB NOT NULL,
            is_empty   INTEGER NOT NULL,
            failures   INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE objects (
            id      INTEGER PRIMARY KEY AUTOINCREMENT,
            class   INTEGER NOT NULL
        );
        """;
}
