using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Softoken.Objects;
using Softoken.Pkcs11;
using Softoken.Tokens;

namespace Softoken.Storage;

internal sealed partial class SqliteTokenStore
{
    public long Insert(AttributeSet attributes, byte[]? masterKey)
    {
        lock (gate)
        {
            using var tx = SqlTransaction.ForWrite(connection);
            long id = InsertCore(attributes, masterKey);
            tx.Commit();
            return id;
        }
    }

    public long Import(AttributeSet attributes, IReadOnlyList<KeyValuePair<CKA, byte[]>> duplicate, bool includePrivate,
        Func<StoredObject, AttributeSet?> merge, byte[]? masterKey)
    {
        lock (gate)
        {
            // BEGIN IMMEDIATE holds the write lock from the search to the write: no other thread or process can store
            // the same object in between.
            using var tx = SqlTransaction.ForWrite(connection);
            long id;
            if (FindCore(writerStatements, duplicate, includePrivate) is [var existingId, ..]
                && LoadCore(writerStatements, existingId, masterKey) is { } existing
                && merge(existing) is { } merged)
            {
                using (merged) ReplaceCore(existingId, merged, masterKey);
                id = existingId;
            }
            else
            {
                id = InsertCore(attributes, masterKey);
            }
            tx.Commit();
            return id;
        }
    }

    private long InsertCore(AttributeSet attributes, byte[]? masterKey)
    {
        using var insert = Command(connection, "INSERT INTO objects (is_private) VALUES ($p) RETURNING id",
            ("$p", attributes.Bool(CKA.CKA_PRIVATE) ? 1L : 0L));
        long id = Convert.ToInt64(insert.ExecuteScalar());
        WriteAttributes(id, attributes, masterKey);
        return id;
    }

    public StoredObject? Load(long id, byte[]? masterKey) => readers.Read(r => LoadCore(r, id, masterKey));

    private static StoredObject? LoadCore(PreparedStatements statements, long id, byte[]? masterKey)
    {
        var cmd = statements.Get("SELECT type, value, sealed FROM attributes WHERE object_id = $id");
        cmd.Parameters.AddWithValue("$id", id);
        using var reader = cmd.ExecuteReader();
        var attributes = new AttributeSet();
        HashSet<CKA>? locked = null;
        while (reader.Read())
        {
            var type = (CKA)(ulong)reader.GetInt64(0);
            var value = (byte[])reader[1];
            if (reader.GetInt64(2) == 0)
            {
                attributes.Set(type, value);
            }
            else if (masterKey is null)
            {
                (locked ??= []).Add(type);
            }
            else
            {
                attributes.Set(type, AttributeSealer.Open(masterKey, id, type, value));
            }
        }
        if (attributes.Count == 0 && locked is null) return null;
        return new StoredObject(id, attributes, locked ?? (IReadOnlySet<CKA>)new HashSet<CKA>());
    }

    public bool Replace(long id, AttributeSet attributes, byte[]? masterKey)
    {
        lock (gate)
        {
            using var tx = SqlTransaction.ForWrite(connection);
            if (!ReplaceCore(id, attributes, masterKey)) return false;
            tx.Commit();
            return true;
        }
    }

    private bool ReplaceCore(long id, AttributeSet attributes, byte[]? masterKey)
    {
        using var update = Command(connection, "UPDATE objects SET is_private = $p WHERE id = $id",
            ("$p", attributes.Bool(CKA.CKA_PRIVATE) ? 1L : 0L), ("$id", id));
        if (update.ExecuteNonQuery() == 0) return false;
        using var delete = Command(connection, "DELETE FROM attributes WHERE object_id = $id", ("$id", id));
        delete.ExecuteNonQuery();
        WriteAttributes(id, attributes, masterKey);
        return true;
    }

    public bool Delete(long id)
    {
        lock (gate)
        {
            using var tx = SqlTransaction.ForWrite(connection);
            using var attrs = Command(connection, "DELETE FROM attributes WHERE object_id = $id", ("$id", id));
            attrs.ExecuteNonQuery();
            using var obj = Command(connection, "DELETE FROM objects WHERE id = $id", ("$id", id));
            bool existed = obj.ExecuteNonQuery() > 0;
            tx.Commit();
            return existed;
        }
    }

    public IReadOnlyList<long> Find(IReadOnlyList<KeyValuePair<CKA, byte[]>> criteria, bool includePrivate) =>
        readers.Read(r => FindCore(r, criteria, includePrivate));

    private static List<long> FindCore(PreparedStatements statements, IReadOnlyList<KeyValuePair<CKA, byte[]>> criteria,
        bool includePrivate)
    {
        var ordered = criteria.OrderBy(c => Selectivity(c.Key)).ToArray();
        var cmd = statements.Get(FindSql(ordered.Length, includePrivate));
        for (int i = 0; i < ordered.Length; i++)
        {
            cmd.Parameters.AddWithValue($"$t{i}", (long)ordered[i].Key);
            cmd.Parameters.AddWithValue($"$h{i}", ValueHash(ordered[i].Value));
            cmd.Parameters.AddWithValue($"$v{i}", ordered[i].Value);
        }
        using var reader = cmd.ExecuteReader();
        var ids = new List<long>();
        while (reader.Read()) ids.Add(reader.GetInt64(0));
        return ids;
    }

    /// <summary>Drives the search from the most selective criterion (the caller orders them, and binds $tN, $hN and
    /// $vN) through the (type, vhash) index, then checks the others by primary key; CROSS JOIN keeps SQLite from
    /// reordering (PKCS #11 searches are equality only). The text depends only on the number of criteria and on
    /// <paramref name="includePrivate"/>, so its prepared statement is reused.</summary>
    private static string FindSql(int count, bool includePrivate)
    {
        var privacy = includePrivate ? "" : " AND o.is_private = 0";
        if (count == 0) return "SELECT o.id FROM objects o WHERE 1 = 1" + privacy + " ORDER BY o.id";
        var sql = new StringBuilder("SELECT a0.object_id FROM attributes a0");
        for (int i = 1; i < count; i++) sql.Append($" CROSS JOIN attributes a{i}");
        sql.Append(" CROSS JOIN objects o WHERE ");
        for (int i = 0; i < count; i++)
        {
            if (i > 0) sql.Append($"a{i}.object_id = a0.object_id AND ");
            sql.Append($"a{i}.type = $t{i} AND a{i}.vhash = $h{i} AND a{i}.value = $v{i} AND a{i}.sealed = 0 AND ");
        }
        sql.Append("o.id = a0.object_id").Append(privacy).Append(" ORDER BY a0.object_id");
        return sql.ToString();
    }

    /// <summary>Lower is more selective: identifiers first, classes and flags last.</summary>
    private static int Selectivity(CKA type) => type switch
    {
        CKA.CKA_ID or CKA.CKA_SERIAL_NUMBER or CKA.CKA_VALUE or CKA.CKA_UNIQUE_ID or CKA.CKA_MODULUS
            or CKA.CKA_EC_POINT or CKA.CKA_CERT_SHA1_HASH => 0,
        CKA.CKA_LABEL or CKA.CKA_SUBJECT or CKA.CKA_ISSUER => 1,
        CKA.CKA_CLASS or CKA.CKA_KEY_TYPE or CKA.CKA_CERTIFICATE_TYPE => 3,
        _ when AttributeKinds.Of(type) == AttributeKind.Bool => 4,
        _ => 2,
    };

    private void WriteAttributes(long id, AttributeSet attributes, byte[]? masterKey)
    {
        using var cmd = Command(connection,
            "INSERT INTO attributes (object_id, type, value, sealed, vhash) VALUES ($id, $t, $v, $s, $h)");
        var pId = cmd.Parameters.AddWithValue("$id", id);
        var pType = cmd.Parameters.Add("$t", SqliteType.Integer);
        var pValue = cmd.Parameters.Add("$v", SqliteType.Blob);
        var pSealed = cmd.Parameters.Add("$s", SqliteType.Integer);
        var pHash = cmd.Parameters.Add("$h", SqliteType.Integer);
        foreach (var (type, value) in attributes)
        {
            bool seal = SealingPolicy.MustSeal(attributes, type);
            if (seal && masterKey is null) throw new Pkcs11Exception(CKR.CKR_USER_NOT_LOGGED_IN, $"{type} must be sealed");
            pType.Value = (long)type;
            pValue.Value = seal ? AttributeSealer.Seal(masterKey, id, type, value) : value;
            pSealed.Value = seal ? 1L : 0L;
            pHash.Value = seal ? DBNull.Value : ValueHash(value);
            cmd.ExecuteNonQuery();
        }
    }

    private static long ValueHash(byte[] value)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(value, digest);
        return BinaryPrimitives.ReadInt64LittleEndian(digest);
    }
}
