using System.Security.Cryptography;
using System.Text;
using Net.Pkcs11Interop.Common;
using Softoken.NativeTests.Infrastructure;

namespace Softoken.NativeTests.Objects;

/// <summary>Issue 3, items 5 and 6: token objects persist in the SQLite database (versioned schema, files mode 0600),
/// and no plaintext key byte ever reaches the database file, its WAL or its shared-memory file: sensitive attributes
/// are sealed with AES-256-GCM under the token master key, bound to their object and attribute, and C_SetPIN /
/// C_InitPIN rewrap the master key without touching the sealed values.</summary>
public sealed class ObjectStorageTests(ModuleFixture fixture) : ObjectTest(fixture)
{
    private static readonly byte[] SecretValue = Convert.FromHexString("00112233445566778899AABBCCDDEEFF0F1E2D3C4B5A69788796A5B4C3D2E1F0");

    private static IEnumerable<(string Label, Attr[] Template)> EveryKind()
    {
        var cert = TestKeys.MakeCertificate("CN=Stored");
        yield return ("public data", Data("x", token: true).Where(a => a.Type != (ulong)CKA.CKA_LABEL).ToArray());
        yield return ("private data", [Class(CKO.CKO_DATA), Private(true), Attr.Of(CKA.CKA_VALUE, "secret data"u8.ToArray())]);
        yield return ("certificate", cert.Template(Attr.Of(CKA.CKA_ID, new byte[] { 1, 2 })));
        yield return ("trust", [Class(Ck.CKO_NSS_TRUST), Attr.Of(CKA.CKA_ISSUER, cert.Issuer), Attr.Of(CKA.CKA_SERIAL_NUMBER, cert.Serial),
            Attr.Of(Ck.CKA_TRUST_SERVER_AUTH, Ck.CKT_NSS_TRUSTED_DELEGATOR)]);
        yield return ("domain parameters", [Class(CKO.CKO_DOMAIN_PARAMETERS), Attr.Of(CKA.CKA_KEY_TYPE, CKK.CKK_DSA),
            Attr.Of(CKA.CKA_PRIME, TestKeys.Dsa.P!), Attr.Of(CKA.CKA_SUBPRIME, TestKeys.Dsa.Q!), Attr.Of(CKA.CKA_BASE, TestKeys.Dsa.G!)]);
        foreach (var keyType in new[] { (ulong)CKK.CKK_RSA, (ulong)CKK.CKK_DSA, (ulong)CKK.CKK_DH, (ulong)CKK.CKK_EC, Ck.CKK_EC_EDWARDS, Ck.CKK_EC_MONTGOMERY })
        {
            yield return ($"public {keyType:X}", TestKeys.PublicKey(keyType));
            yield return ($"private {keyType:X}", [.. TestKeys.PrivateKey(keyType), Attr.Of(CKA.CKA_SENSITIVE, false),
                Attr.Of(CKA.CKA_UNWRAP_TEMPLATE, new[] { Attr.Of(CKA.CKA_EXTRACTABLE, false) })]);
        }
        foreach (var (keyType, length) in new[] { ((ulong)CKK.CKK_AES, 32), ((ulong)CKK.CKK_DES3, 24), (Ck.CKK_SHA256_HMAC, 40), (Ck.CKK_CHACHA20, 32) })
        {
            yield return ($"secret {keyType:X}", [.. TestKeys.Secret(keyType, RandomNumberGenerator.GetBytes(length)),
                Attr.Of(CKA.CKA_SENSITIVE, false), Attr.Of(CKA.CKA_ALLOWED_MECHANISMS, new[] { CKM.CKM_AES_CBC })]);
        }
    }

    [Fact]
    public void EveryKindOfObjectSurvivesFinalizeAndInitialize()
    {
        var session = UserSession();
        var kinds = EveryKind().ToList();
        foreach (var (label, template) in kinds) Create(session, [.. template, Token(), Label(label)]);
        Restart();
        session = UserSession();
        Assert.Equal(kinds.Count, Find(session, Token()).Length);
        foreach (var (label, template) in kinds)
        {
            var handle = Assert.Single(Find(session, Label(label)));
            foreach (var a in template.Where(a => a.Value is not Attr[]))
                Assert.True(NativeTemplate.Encode(a.Value!).SequenceEqual(Get(session, handle, a.Type)), $"{label}: 0x{a.Type:X}");
            Assert.True(GetBool(session, handle, CKA.CKA_TOKEN));
        }
    }

    [Fact]
    public void DatabaseFilesAreOnlyForTheOwner()
    {
        var directory = Path.Combine(DatabaseDirectory, "created-by-the-module");
        Restart($"configdir='sql:{directory}'");
        SetUserPin(UserPin);
        var session = UserSession();
        Create(session, [.. TestKeys.Aes(), Token()]);
        var files = Directory.GetFiles(directory);
        Assert.Contains(files, f => f.EndsWith("softoken.db", StringComparison.Ordinal));
        Assert.Contains(files, f => f.EndsWith("softoken.db-wal", StringComparison.Ordinal));
        foreach (var file in files)
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(directory));
    }

    [Fact]
    public void NoPlaintextKeyByteReachesAnyDatabaseFile()
    {
        var session = UserSession();
        var rsa = TestKeys.Rsa;
        var key = Create(session, [.. TestKeys.PrivateKey(CKK.CKK_RSA), Token(), Label("scanned rsa")]);
        var secret = Create(session, [.. TestKeys.Aes(SecretValue), Token(), Label("scanned aes")]);
        var open = Create(session, [.. TestKeys.Secret((ulong)CKK.CKK_GENERIC_SECRET, SecretValue.Reverse().ToArray()), Token(),
            Attr.Of(CKA.CKA_SENSITIVE, false), Label("scanned generic")]);
        Create(session, [.. TestKeys.PrivateKey(CKK.CKK_EC), Token()]);
        // Rewrites reseal: change labels, copy, merge a re-import.
        Assert.Equal(CKR.CKR_OK, Set(session, key, Label("renamed rsa")));
        Assert.Equal(CKR.CKR_OK, Set(session, secret, Attr.Of(CKA.CKA_ID, new byte[] { 5 })));
        Assert.Equal(CKR.CKR_OK, TryCopy(session, open, out _, Label("copied generic")));
        Create(session, [.. TestKeys.Aes(SecretValue), Token(), Attr.Of(CKA.CKA_ID, new byte[] { 5 })]);

        var secrets = new (string Name, byte[] Value)[]
        {
            ("private exponent", rsa.D!), ("prime 1", rsa.P!), ("prime 2", rsa.Q!), ("exponent 1", rsa.DP!),
            ("coefficient", rsa.InverseQ!), ("AES value", SecretValue), ("generic secret", SecretValue.Reverse().ToArray()),
            ("EC private value", TestKeys.P256.D!),
        };
        AssertNotInFiles(secrets);
        // The scan does find what is stored in the clear: the public modulus.
        Assert.True(FilesContain(rsa.Modulus!), "the modulus (not secret) should be in the database");

        Shutdown();
        AssertNotInFiles(secrets);
        Assert.True(FilesContain(rsa.Modulus!), "the modulus (not secret) should be in the database");
        Initialize();
        session = UserSession();
        Assert.Equal(SecretValue.Reverse().ToArray(), Get(session, Assert.Single(Find(session, Label("scanned generic"))), CKA.CKA_VALUE));
        Assert.Single(Find(session, Label("renamed rsa")));
    }

    [Fact]
    public void PinChangesRewrapTheMasterKeyAndLeaveSealedValuesAlone()
    {
        var session = UserSession();
        var value = RandomNumberGenerator.GetBytes(32);
        Create(session, [.. TestKeys.Aes(value), Token(), Attr.Of(CKA.CKA_SENSITIVE, false), Label("aes")]);
        Create(session, [.. TestKeys.PrivateKey(CKK.CKK_RSA), Token(), Attr.Of(CKA.CKA_SENSITIVE, false), Label("rsa")]);
        Create(session, Data("private data", token: true, isPrivate: true));
        var sealedBefore = SealedRows();
        Assert.True(sealedBefore.Count >= 8, $"{sealedBefore.Count} sealed rows");
        var userPinBefore = WrappedMasterKey(CKU.CKU_USER);

        // The user changes the PIN (C_SetPIN): one key is rewrapped, no sealed value changes.
        session = OpenRw();
        Expect.Ok(LowLevel.C_SetPIN(session, "user-pin"u8.ToArray(), 8, "second-pin"u8.ToArray(), 10), "C_SetPIN");
        Assert.Equal(sealedBefore, SealedRows());
        Assert.NotEqual(userPinBefore, WrappedMasterKey(CKU.CKU_USER));
        session = OpenRw();
        Assert.Equal(CKR.CKR_PIN_INCORRECT, LowLevel.C_Login(session, CKU.CKU_USER, "user-pin"u8.ToArray(), 8));
        Login(session, "second-pin");
        Assert.Equal(value, Get(session, Assert.Single(Find(session, Label("aes"))), CKA.CKA_VALUE));
        Assert.Equal(TestKeys.Rsa.D, Get(session, Assert.Single(Find(session, Label("rsa"))), CKA.CKA_PRIVATE_EXPONENT));

        // The SO resets the user PIN (C_InitPIN): again only the wrapped master key changes.
        Expect.Ok(LowLevel.C_CloseAllSessions(KeyStorageSlotId));
        session = OpenRw();
        Expect.Ok(LowLevel.C_Login(session, CKU.CKU_SO, [], 0), "SO login");
        Expect.Ok(LowLevel.C_InitPIN(session, "third-pin"u8.ToArray(), 9), "C_InitPIN");
        Assert.Equal(sealedBefore, SealedRows());
        session = OpenRw();
        Login(session, "third-pin");
        Assert.Equal(value, Get(session, Assert.Single(Find(session, Label("aes"))), CKA.CKA_VALUE));
        Assert.Equal("value of private data"u8.ToArray(), Get(session, Assert.Single(Find(session, Label("private data"))), CKA.CKA_VALUE));
    }

    [Fact]
    public void SealedValuesMovedToAnotherObjectOrAttributeFailToOpen()
    {
        var session = UserSession();
        var a = Create(session, [.. TestKeys.Aes(RandomNumberGenerator.GetBytes(32)), Token(), Attr.Of(CKA.CKA_SENSITIVE, false), Label("a")]);
        var b = Create(session, [.. TestKeys.Aes(RandomNumberGenerator.GetBytes(32)), Token(), Attr.Of(CKA.CKA_SENSITIVE, false), Label("b")]);
        var c = Create(session, [.. TestKeys.PrivateKey(CKK.CKK_RSA), Token(), Attr.Of(CKA.CKA_SENSITIVE, false), Label("c")]);
        var valueB = Get(session, b, CKA.CKA_VALUE);
        Shutdown();
        using (var db = new TokenDatabase(DatabaseFile, write: true))
        {
            var rows = db.Attributes();
            long IdOf(string label) => rows.Single(r => r.Type == (ulong)CKA.CKA_LABEL && r.Value.SequenceEqual(Encoding.UTF8.GetBytes(label))).ObjectId;
            byte[] Sealed(long id, CKA type) => rows.Single(r => r.ObjectId == id && r.Type == (ulong)type && r.Sealed).Value;
            // Object a gets b's sealed value; c's prime 1 gets its own prime 2.
            Assert.Equal(1, db.Execute("UPDATE attributes SET value = $v WHERE object_id = $o AND type = $t",
                ("$v", Sealed(IdOf("b"), CKA.CKA_VALUE)), ("$o", IdOf("a")), ("$t", (long)CKA.CKA_VALUE)));
            Assert.Equal(1, db.Execute("UPDATE attributes SET value = $v WHERE object_id = $o AND type = $t",
                ("$v", Sealed(IdOf("c"), CKA.CKA_PRIME_2)), ("$o", IdOf("c")), ("$t", (long)CKA.CKA_PRIME_1)));
        }
        Initialize();
        session = UserSession();
        a = Assert.Single(Find(session, Label("a")));
        b = Assert.Single(Find(session, Label("b")));
        c = Assert.Single(Find(session, Label("c")));
        var read = TryGet(session, a, (ulong)CKA.CKA_VALUE, out var rv);
        Assert.NotEqual(CKR.CKR_OK, rv);
        Assert.Null(read);
        Assert.NotEqual(CKR.CKR_OK, GetRv(session, c, CKA.CKA_PRIME_1));
        Assert.Equal(valueB, Get(session, b, CKA.CKA_VALUE));
    }

    [Fact]
    public void SchemaIsVersionedAndIndexedForTheSearchesConsumersMake()
    {
        var session = UserSession();
        Create(session, Data("indexed", token: true));
        Shutdown();
        using var db = new TokenDatabase(DatabaseFile);
        Assert.Equal(1L, Convert.ToInt64(db.Scalar("SELECT value FROM meta WHERE key = 'schema_version'")));
        Assert.Contains("attributes_by_value", db.Column("SELECT name FROM sqlite_master WHERE type = 'index'"));
        Assert.Equal("wal", Convert.ToString(db.Scalar("PRAGMA journal_mode")));
    }

    /// <summary>The sealed attribute rows, read with the module finalised (a second SQLite library in this process
    /// must not share the file with the module's: closing its descriptor would drop the module's POSIX locks). The
    /// module is initialised again afterwards, with no session open.</summary>
    private List<string> SealedRows() => WithModuleClosed(db =>
        db.Attributes().Where(r => r.Sealed).Select(r => $"{r.ObjectId}/{r.Type:X}/{Convert.ToHexString(r.Value)}").ToList());

    private byte[] WrappedMasterKey(CKU user) =>
        WithModuleClosed(db => (byte[])db.Scalar($"SELECT wrapped FROM pins WHERE user_type = {(long)user}")!);

    private T WithModuleClosed<T>(Func<TokenDatabase, T> read)
    {
        Shutdown();
        try
        {
            using var db = new TokenDatabase(DatabaseFile);
            return read(db);
        }
        finally
        {
            Initialize();
        }
    }

    private byte[][] DatabaseFiles() =>
        Directory.GetFiles(DatabaseDirectory).Where(f => Path.GetFileName(f).StartsWith("softoken.db", StringComparison.Ordinal))
            .Select(File.ReadAllBytes).ToArray();

    private bool FilesContain(byte[] needle) => DatabaseFiles().Any(f => f.AsSpan().IndexOf(needle) >= 0);

    /// <summary>Looks for each secret, whole and in 12-byte windows, raw and as upper and lower case hex.</summary>
    private void AssertNotInFiles((string Name, byte[] Value)[] secrets)
    {
        var files = DatabaseFiles();
        Assert.Contains(files, f => f.Length > 0);
        foreach (var (name, value) in secrets)
        {
            var needles = new List<byte[]> { value };
            for (int offset = 0; offset + 12 <= value.Length; offset += Math.Max(1, (value.Length - 12) / 4))
                needles.Add(value.AsSpan(offset, 12).ToArray());
            foreach (var needle in needles.ToArray())
            {
                needles.Add(Encoding.ASCII.GetBytes(Convert.ToHexString(needle)));
                needles.Add(Encoding.ASCII.GetBytes(Convert.ToHexString(needle).ToLowerInvariant()));
            }
            foreach (var needle in needles)
                Assert.False(files.Any(f => f.AsSpan().IndexOf(needle) >= 0), $"{name} found in a database file");
        }
    }
}
