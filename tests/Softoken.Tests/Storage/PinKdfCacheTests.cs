using System.Security.Cryptography;
using Softoken.Module;
using Softoken.Pkcs11;
using Softoken.Storage;
using Softoken.Tests.Module;
using Softoken.Tokens;

namespace Softoken.Tests.Storage;

/// <summary>The rules of the PBKDF2 result cache: only a PIN that opened its record is kept, keyed by PIN, salt and
/// iteration count; a wrong PIN never hits; bounded; cleared whole, and a check that started before a clear adds
/// nothing afterwards.</summary>
public sealed class PinKdfCacheTests
{
    private static byte[] Pbkdf2(ReadOnlySpan<byte> pin, byte[] salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(pin, salt, iterations, HashAlgorithmName.SHA256, PinKdfCache.SecretLength);

    [Fact]
    public void ARightPinIsKeptAndGivesBackItsPbkdf2Output()
    {
        var cache = new PinKdfCache();
        var key = PinVault.NewMasterKey();
        var record = PinVault.Seal("1234"u8, key, 1000);

        Assert.Equal(key, PinVault.Open("1234"u8, record, cache, cache.Generation));
        Assert.Equal(1, cache.Count);
        var secret = new byte[PinKdfCache.SecretLength];
        Assert.True(cache.TryGet("1234"u8, record.Salt, record.Iterations, secret));
        Assert.Equal(Pbkdf2("1234"u8, record.Salt, record.Iterations), secret);
        // Opened again through the cache: the same master key.
        Assert.Equal(key, PinVault.Open("1234"u8, record, cache, cache.Generation));
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public void AWrongPinIsNeverKeptAndNeverHits()
    {
        var cache = new PinKdfCache();
        var record = PinVault.Seal("1234"u8, PinVault.NewMasterKey(), 1000);
        Assert.Null(PinVault.Open("1235"u8, record, cache, cache.Generation));
        Assert.Equal(0, cache.Count);

        Assert.NotNull(PinVault.Open("1234"u8, record, cache, cache.Generation));
        var secret = new byte[PinKdfCache.SecretLength];
        Assert.False(cache.TryGet("1235"u8, record.Salt, record.Iterations, secret));
        Assert.False(cache.TryGet("12345"u8, record.Salt, record.Iterations, secret));
        Assert.False(cache.TryGet([], record.Salt, record.Iterations, secret));
        Assert.Null(PinVault.Open("1235"u8, record, cache, cache.Generation));
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public void SaltAndIterationCountArePartOfTheKey()
    {
        var cache = new PinKdfCache();
        var record = PinVault.Seal("pin"u8, PinVault.NewMasterKey(), 1000);
        Assert.NotNull(PinVault.Open("pin"u8, record, cache, cache.Generation));
        var secret = new byte[PinKdfCache.SecretLength];
        var otherSalt = (byte[])record.Salt.Clone();
        otherSalt[0] ^= 1;
        Assert.False(cache.TryGet("pin"u8, otherSalt, record.Iterations, secret));
        Assert.False(cache.TryGet("pin"u8, record.Salt, record.Iterations + 1, secret));
        // The length prefix keeps salt and PIN apart: moving a byte from one to the other is another key.
        Assert.False(cache.TryGet([.. record.Salt[^1..], .. "pin"u8], record.Salt[..^1], record.Iterations, secret));

        // The same PIN sealed again (new salt) is a miss that opens its own record.
        var resealed = PinVault.Seal("pin"u8, PinVault.NewMasterKey(), 1000);
        Assert.False(cache.TryGet("pin"u8, resealed.Salt, resealed.Iterations, secret));
        Assert.NotNull(PinVault.Open("pin"u8, resealed, cache, cache.Generation));
        Assert.Equal(2, cache.Count);
    }

    [Fact]
    public void TheCacheIsBoundedAndDropsTheLeastRecentlyUsed()
    {
        var cache = new PinKdfCache(capacity: 3);
        var salt = RandomNumberGenerator.GetBytes(16);
        var secret = new byte[PinKdfCache.SecretLength];
        for (int i = 0; i < 3; i++) cache.Add([(byte)i], salt, 1000, Pbkdf2([(byte)i], salt, 1000), cache.Generation);
        Assert.True(cache.TryGet([0], salt, 1000, secret)); // 0 is now the most recent; 1 the least
        cache.Add([3], salt, 1000, Pbkdf2([3], salt, 1000), cache.Generation);

        Assert.Equal(3, cache.Count);
        Assert.False(cache.TryGet([1], salt, 1000, secret));
        foreach (byte kept in new byte[] { 0, 2, 3 })
        {
            Assert.True(cache.TryGet([kept], salt, 1000, secret));
            Assert.Equal(Pbkdf2([kept], salt, 1000), secret);
        }
    }

    [Fact]
    public void ClearForgetsEverythingAndAnOlderCheckAddsNothing()
    {
        var cache = new PinKdfCache();
        var record = PinVault.Seal("1234"u8, PinVault.NewMasterKey(), 1000);
        long before = cache.Generation;
        Assert.NotNull(PinVault.Open("1234"u8, record, cache, before));
        cache.Clear();
        Assert.Equal(0, cache.Count);
        var secret = new byte[PinKdfCache.SecretLength];
        Assert.False(cache.TryGet("1234"u8, record.Salt, record.Iterations, secret));

        // A check that read its record before the clear (a PIN change racing with a login) is not remembered.
        Assert.NotNull(PinVault.Open("1234"u8, record, cache, before));
        Assert.Equal(0, cache.Count);
        Assert.NotNull(PinVault.Open("1234"u8, record, cache, cache.Generation));
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public void TwoCachesUseDifferentTagKeys()
    {
        // The tag is keyed per cache: the same PIN, salt and count give entries that another cache cannot match,
        // so nothing derived from the PIN alone finds an entry.
        var a = new PinKdfCache();
        var b = new PinKdfCache();
        var salt = RandomNumberGenerator.GetBytes(16);
        a.Add("pin"u8, salt, 1000, Pbkdf2("pin"u8, salt, 1000), a.Generation);
        var tagA = CacheTags(a).Single();
        b.Add("pin"u8, salt, 1000, Pbkdf2("pin"u8, salt, 1000), b.Generation);
        Assert.NotEqual(tagA, CacheTags(b).Single());
    }

    private static List<byte[]> CacheTags(PinKdfCache cache)
    {
        var entries = (Array)typeof(PinKdfCache).GetField("entries", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(cache)!;
        var tags = new List<byte[]>();
        foreach (var e in entries)
        {
            var t = e.GetType();
            if ((bool)t.GetField("InUse")!.GetValue(e)!) tags.Add((byte[])((byte[])t.GetField("Tag")!.GetValue(e)!).Clone());
        }
        return tags;
    }
}

/// <summary>The module's use of the cache: a repeated login hits, a PIN change (C_SetPIN, C_InitPIN, C_InitToken)
/// and C_Finalize clear it, wrong PINs still fail and count.</summary>
[Collection(ModuleCollection.Name)]
public sealed class LoginPinCacheTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("softoken-test-").FullName;

    public LoginPinCacheTests()
    {
        SoftokenModule.Initialize($"configdir='sql:{directory}' pinIterations=1000", _ => null,
            config => SqliteTokenStore.Open(config));
    }

    public void Dispose()
    {
        if (SoftokenModule.IsInitialized) SoftokenModule.Shutdown();
        Directory.Delete(directory, recursive: true);
    }

    private static SoftokenModule Module => SoftokenModule.Current;

    private static Sessions.Session ReadyToken(string soPin, string userPin)
    {
        Module.InitToken(2, System.Text.Encoding.UTF8.GetBytes(soPin), "Test"u8);
        var rw = Module.OpenSession(2, CKF.CKF_SERIAL_SESSION | CKF.CKF_RW_SESSION);
        Module.Login(rw, CKU.CKU_SO, System.Text.Encoding.UTF8.GetBytes(soPin));
        Module.InitPin(rw, System.Text.Encoding.UTF8.GetBytes(userPin));
        Module.Logout(rw);
        return rw;
    }

    [Fact]
    public void ARepeatedLoginIsCachedAndAPinChangeClearsIt()
    {
        var session = ReadyToken("so-pin", "user-1");
        Assert.Equal(0, Module.PinResults.Count);
        Module.Login(session, CKU.CKU_USER, "user-1"u8);
        Module.Logout(session);
        Assert.Equal(1, Module.PinResults.Count);
        Module.Login(session, CKU.CKU_USER, "user-1"u8);
        Assert.Equal(1, Module.PinResults.Count);

        Module.SetPin(session, "user-1"u8, "user-2"u8);
        Assert.Equal(0, Module.PinResults.Count);
        Module.Logout(session);
        Assert.Equal(CKR.CKR_PIN_INCORRECT, Assert.Throws<Pkcs11Exception>(() => Module.Login(session, CKU.CKU_USER, "user-1"u8)).Rv);
        Module.Login(session, CKU.CKU_USER, "user-2"u8);
        Module.Logout(session);
        Assert.Equal(1, Module.PinResults.Count);

        Module.Login(session, CKU.CKU_SO, "so-pin"u8);
        Assert.Equal(2, Module.PinResults.Count);
        Module.InitPin(session, "user-3"u8);
        Assert.Equal(0, Module.PinResults.Count);
        Module.Logout(session);
        Assert.Equal(CKR.CKR_PIN_INCORRECT, Assert.Throws<Pkcs11Exception>(() => Module.Login(session, CKU.CKU_USER, "user-2"u8)).Rv);
        Module.Login(session, CKU.CKU_USER, "user-3"u8);
        Module.Logout(session);
        Assert.Equal(1, Module.PinResults.Count);

        Module.CloseAllSessions(2);
        Module.InitToken(2, "so-pin"u8, "Again"u8);
        Assert.Equal(0, Module.PinResults.Count);
    }

    [Fact]
    public void WrongPinsStillFailAndCountAfterTheRightOneWasCached()
    {
        var session = ReadyToken("so-pin", "user-1");
        Module.Login(session, CKU.CKU_USER, "user-1"u8);
        Module.Logout(session);
        Assert.Equal(CKR.CKR_PIN_INCORRECT, Assert.Throws<Pkcs11Exception>(() => Module.Login(session, CKU.CKU_USER, "user-2"u8)).Rv);
        Assert.Equal(1, Module.KeyStorageSlot.Store!.Read().UserFailures);
        Assert.Equal(1, Module.PinResults.Count);
        Module.Login(session, CKU.CKU_USER, "user-1"u8);
        Assert.Equal(0, Module.KeyStorageSlot.Store!.Read().UserFailures);
    }

    [Fact]
    public void FinalizeClearsTheCache()
    {
        var session = ReadyToken("so-pin", "user-1");
        Module.Login(session, CKU.CKU_USER, "user-1"u8);
        var cache = Module.PinResults;
        Assert.Equal(1, cache.Count);
        SoftokenModule.Shutdown();
        Assert.Equal(0, cache.Count);
    }
}
