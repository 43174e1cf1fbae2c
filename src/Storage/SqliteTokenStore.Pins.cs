using Microsoft.Data.Sqlite;
using Softoken.Pkcs11;
using Softoken.Tokens;

namespace Softoken.Storage;

internal sealed partial class SqliteTokenStore
{
    public TokenRecord Read()
    {
        lock (gate)
        {
            using var tx = SqlTransaction.ForRead(connection);
            var label = (string?)MetaValue(connection, "label") ?? "";
            bool soSet = Convert.ToInt64(MetaValue(connection, "so_pin_set") ?? 0L) != 0;
            var (so, soFailures) = ReadPin(CKU.CKU_SO);
            var (user, userFailures) = ReadPin(CKU.CKU_USER);
            return new TokenRecord(label, so ?? throw new Pkcs11Exception(CKR.CKR_DEVICE_ERROR, "SO PIN record missing"),
                soSet, user, soFailures, userFailures);
        }
    }

    public void Reinitialize(string label, PinRecord so)
    {
        lock (gate)
        {
            using var tx = SqlTransaction.ForWrite(connection);
            Execute(connection, "DELETE FROM attributes");
            Execute(connection, "DELETE FROM objects");
            Execute(connection, "DELETE FROM pins");
            WritePin(connection, CKU.CKU_SO, so);
            SetMeta(connection, "label", label);
            SetMeta(connection, "so_pin_set", 1L);
            tx.Commit();
        }
    }

    public void SetPin(CKU user, PinRecord record)
    {
        lock (gate)
        {
            using var tx = SqlTransaction.ForWrite(connection);
            WritePin(connection, user, record);
            if (user == CKU.CKU_SO) SetMeta(connection, "so_pin_set", 1L);
            tx.Commit();
        }
    }

    public int RecordFailure(CKU user)
    {
        lock (gate)
        {
            using var tx = SqlTransaction.ForWrite(connection);
            using var cmd = Command(connection,
                "UPDATE pins SET failures = failures + 1 WHERE user_type = $u RETURNING failures", ("$u", (long)user));
            var result = cmd.ExecuteScalar();
            tx.Commit();
            return result is null ? 0 : Convert.ToInt32(result);
        }
    }

    public void ResetFailures(CKU user)
    {
        lock (gate)
        {
            using var cmd = Command(connection, "UPDATE pins SET failures = 0 WHERE user_type = $u", ("$u", (long)user));
            cmd.ExecuteNonQuery();
        }
    }

    private (PinRecord? Record, int Failures) ReadPin(CKU user)
    {
        using var cmd = Command(connection,
            "SELECT salt, iterations, verifier, wrapped, is_empty, failures FROM pins WHERE user_type = $u", ("$u", (long)user));
        using var reader = cmd.ExecuteReader();
        if (!reader.Read()) return (null, 0);
        var record = new PinRecord((byte[])reader[0], reader.GetInt32(1), (byte[])reader[2], (byte[])reader[3],
            reader.GetInt64(4) != 0);
        return (record, reader.GetInt32(5));
    }

    private static void WritePin(SqliteConnection connection, CKU user, PinRecord record)
    {
        using var cmd = Command(connection, """
            INSERT INTO pins (user_type, salt, iterations, verifier, wrapped, is_empty, failures)
            VALUES ($u, $s, $i, $v, $w, $e, 0)
            ON CONFLICT(user_type) DO UPDATE SET salt = $s, iterations = $i, verifier = $v, wrapped = $w,
                is_empty = $e, failures = 0
            """,
            ("$u", (long)user), ("$s", record.Salt), ("$i", (long)record.Iterations), ("$v", record.Verifier),
            ("$w", record.WrappedMasterKey), ("$e", record.IsEmpty ? 1L : 0L));
        cmd.ExecuteNonQuery();
    }
}
