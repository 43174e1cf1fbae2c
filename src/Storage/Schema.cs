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
            id         INTEGER PRIMARY KEY AUTOINCREMENT,
            is_private INTEGER NOT NULL
        );
        -- One row per attribute (kryoptic's entity-attribute-value shape). vhash is the first 8 bytes of the
        -- SHA-256 of a plaintext value, so every search by value is an index seek however long the value is
        -- (certificate DER included); sealed values have no vhash and never match a search.
        CREATE TABLE attributes (
            object_id INTEGER NOT NULL,
            type      INTEGER NOT NULL,
            value     BLOB NOT NULL,
            sealed    INTEGER NOT NULL,
            vhash     INTEGER,
            PRIMARY KEY (object_id, type)
        ) WITHOUT ROWID;
        CREATE INDEX attributes_by_value ON attributes (type, vhash);
        """;
}
