using Microsoft.Data.Sqlite;
using Softoken.Configuration;
using Softoken.Objects;
using Softoken.Pkcs11;
using Softoken.Storage;
using Softoken.Tests.Objects;
using Softoken.Tokens;

namespace Softoken.Tests.Storage;

public sealed class SqliteTokenStoreTests : StoreTest
{
    private static AttributeSet SecretKey(byte[] value, string label, bool token = true)
    {
        var template = Attrs.AesKey(value.Length, (CKA.CKA_TOKEN, token), (CKA.CKA_LABEL, label), (CKA.CKA_ID, new byte[] { 0xA1, 0xB2 }));
        template.Set(CKA.CKA_VALUE, (byte[])value.Clone());
        return ObjectBuilder.Build(template, ObjectOrigin.Created);
    }

    [Fact]
    public void DatabaseFileIsCreatedOwnerOnly()
    {
        using var store = SqliteTokenStore.Open(Config);
        var mode = File.GetUnixFileMode(Config.DatabasePath);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, mode);
        Assert.Equal(16, store.Serial.Length);
    }

    [Fact]
    public void SerialIsStableAcrossOpens()
    {
        string serial;
        using (var first = SqliteTokenStore.Open(Config)) serial = first.Serial;
        using var second = SqliteTokenStore.Open(Config);
        Assert.Equal(serial, second.Serial);
    }

    [Fact]
    public void StoredObjectRoundTripsAndSecretIsSealed()
    {
        var secret = "0123456789abcdefFEDCBA9876543210"u8.ToArray();
        using var store = SqliteTokenStore.Open(Config);
        long id = store.Insert(SecretKey(secret, "k1"), MasterKey);
        var loaded = store.Load(id, MasterKey)!;
        Assert.Equal(secret, loaded.Attributes.Bytes(CKA.CKA_VALUE));
        Assert.Empty(loaded.Locked);
        var locked = store.Load(id, null)!;
        Assert.Null(locked.Attributes.Bytes(CKA.CKA_VALUE));
        Assert.Contains(CKA.CKA_VALUE, locked.Locked);
        store.Dispose();
        SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(DirectoryPath))
        {
            var bytes = File.ReadAllBytes(file);
            Assert.Equal(-1, bytes.AsSpan().IndexOf(secret));
        }
    }

    [Fact]
    public void InsertWithoutMasterKeyIsRefusedForSecrets()
    {
        using var store = SqliteTokenStore.Open(Config);
        var e = Assert.Throws<Pkcs11Exception>(() => store.Insert(SecretKey(new byte[16], "k"), null));
        Assert.Equal(CKR.CKR_USER_NOT_LOGGED_IN, e.Rv);
        Assert.Empty(store.Find([], includePrivate: true));
    }

    [Fact]
    public void SealedValuesCannotBeSwappedBetweenObjects()
    {
        using (var store = SqliteTokenStore.Open(Config))
        {
            store.Insert(SecretKey(new byte[16], "a"), MasterKey);
            store.Insert(SecretKey(Enumerable.Repeat((byte)9, 16).ToArray(), "b"), MasterKey);
        }
        using (var raw = new SqliteConnection($"Data Source={Config.DatabasePath};Pooling=False"))
        {
            raw.Open();
            using var cmd = raw.CreateCommand();
            cmd.CommandText = $"UPDATE attributes SET value = (SELECT value FROM attributes WHERE object_id = 2 AND type = {(long)CKA.CKA_VALUE}) WHERE object_id = 1 AND type = {(long)CKA.CKA_VALUE}";
            Assert.Equal(1, cmd.ExecuteNonQuery());
        }
        using var reopened = SqliteTokenStore.Open(Config);
        var e = Assert.Throws<Pkcs11Exception>(() => reopened.Load(1, MasterKey));
        Assert.Equal(CKR.CKR_DEVICE_ERROR, e.Rv);
    }

    [Fact]
    public void FindUsesEveryCriterionAndHidesPrivateObjects()
    {
        using var store = SqliteTokenStore.Open(Config);
        var publicData = ObjectBuilder.Build(Attrs.Of((CKA.CKA_CLASS, CKO.CKO_DATA), (CKA.CKA_TOKEN, true),
            (CKA.CKA_LABEL, "same"), (CKA.CKA_VALUE, new byte[] { 1 })), ObjectOrigin.Created);
        var privateData = ObjectBuilder.Build(Attrs.Of((CKA.CKA_CLASS, CKO.CKO_DATA), (CKA.CKA_TOKEN, true),
            (CKA.CKA_PRIVATE, true), (CKA.CKA_LABEL, "same"), (CKA.CKA_VALUE, new byte[] { 2 })), ObjectOrigin.Created);
        long a = store.Insert(publicData, MasterKey);
        long b = store.Insert(privateData, MasterKey);
        var label = new KeyValuePair<CKA, byte[]>(CKA.CKA_LABEL, "same"u8.ToArray());
        Assert.Equal([a, b], store.Find([label], includePrivate: true));
        Assert.Equal([a], store.Find([label], includePrivate: false));
        Assert.Equal([a], store.Find([label, new(CKA.CKA_VALUE, [1])], includePrivate: true));
        Assert.Empty(store.Find([label, new(CKA.CKA_VALUE, [2])], includePrivate: true));
        Assert.Empty(store.Find([new(CKA.CKA_LABEL, "other"u8.ToArray())], includePrivate: true));
    }

    [Fact]
    public void ImportMergesIntoTheMatchingObjectOrInsertsOne()
    {
        using var store = SqliteTokenStore.Open(Config);
        var label = new KeyValuePair<CKA, byte[]>(CKA.CKA_LABEL, "k1"u8.ToArray());
        long first = store.Import(SecretKey(new byte[16], "k1"), [label], includePrivate: true, _ => null, MasterKey);
        // A match whose merge gives null is left alone: a second object is stored.
        long second = store.Import(SecretKey(new byte[16], "k1"), [label], includePrivate: true, _ => null, MasterKey);
        Assert.NotEqual(first, second);
        long merged = store.Import(SecretKey(new byte[16], "k1"), [label], includePrivate: true, existing =>
        {
            var update = existing.Attributes.Clone();
            update.Set(CKA.CKA_LABEL, "merged"u8.ToArray());
            return update;
        }, MasterKey);
        Assert.Equal(first, merged);
        Assert.Equal("merged"u8.ToArray(), store.Load(first, MasterKey)!.Attributes.Bytes(CKA.CKA_LABEL));
        Assert.Equal(new byte[16], store.Load(first, MasterKey)!.Attributes.Bytes(CKA.CKA_VALUE));
        // Private objects are not matched unless asked for.
        long hidden = store.Import(SecretKey(new byte[16], "k1"), [label], includePrivate: false, _ => throw new InvalidOperationException(), MasterKey);
        Assert.Equal(3, new[] { first, second, hidden }.Distinct().Count());
    }

    [Fact]
    public void SecondConnectionSeesChangesAtOnce()
    {
        using var first = SqliteTokenStore.Open(Config);
        using var second = SqliteTokenStore.Open(Config);
        long id = first.Insert(SecretKey(new byte[16], "shared"), MasterKey);
        Assert.Equal([id], second.Find([new(CKA.CKA_LABEL, "shared"u8.ToArray())], includePrivate: true));
        Assert.True(second.Delete(id));
        Assert.Null(first.Load(id, MasterKey));
        Assert.Equal(1, second.RecordFailure(CKU.CKU_SO));
        Assert.Equal(1, first.Read().SoFailures);
    }

    [Fact]
    public void NewerSchemaIsRefused()
    {
        using (SqliteTokenStore.Open(Config)) { }
        using (var raw = new SqliteConnection($"Data Source={Config.DatabasePath};Pooling=False"))
        {
            raw.Open();
            using var cmd = raw.CreateCommand();
            cmd.CommandText = "UPDATE meta SET value = 99 WHERE key = 'schema_version'";
            cmd.ExecuteNonQuery();
        }
        Assert.Equal(CKR.CKR_FUNCTION_FAILED, Assert.Throws<Pkcs11Exception>(() => SqliteTokenStore.Open(Config)).Rv);
    }
}
