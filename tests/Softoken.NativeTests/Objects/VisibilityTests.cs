using Net.Pkcs11Interop.Common;
using Softoken.NativeTests.Infrastructure;

namespace Softoken.NativeTests.Objects;

/// <summary>Issue 3, item 4: CKA_PRIVATE objects are invisible and unreadable unless the user is logged in (also after
/// C_Logout); token objects only on the key-storage slot; token object changes need a read/write session; session
/// objects are visible to every session of the slot and disappear with the session that created them; handles stay
/// valid for the life of their object.</summary>
public sealed class VisibilityTests(ModuleFixture fixture) : ObjectTest(fixture)
{
    [Fact]
    public void PrivateObjectsAreInvisibleAndUnreadableAfterLogout()
    {
        var session = UserSession();
        var privateToken = Create(session, Data("private token", token: true, isPrivate: true));
        var privateKey = Create(session, [.. TestKeys.PrivateKey(CKK.CKK_EC), Token(), Label("private key")]);
        var publicToken = Create(session, Data("public token", token: true));
        var publicKey = Create(session, [.. TestKeys.PublicKey((ulong)CKK.CKK_EC), Token(), Label("public key")]);
        Assert.Equal(4, Find(session).Length);

        Logout(session);
        var reader = OpenRo();
        foreach (var s in new[] { session, reader })
        {
            Assert.Equal(new[] { publicToken, publicKey }.Order(), Find(s).Order());
            Assert.Equal(new[] { publicToken, publicKey }.Order(), Find(s, Token()).Order());
            Assert.Empty(Find(s, Label("private token")));
            Assert.Empty(Find(s, Class(CKO.CKO_PRIVATE_KEY)));
            Assert.Empty(Find(s, Private(true)));
            foreach (var handle in new[] { privateToken, privateKey })
            {
                Assert.Equal(CKR.CKR_OBJECT_HANDLE_INVALID, GetRv(s, handle, CKA.CKA_LABEL));
                Assert.Equal(CKR.CKR_OBJECT_HANDLE_INVALID, Set(s, handle, Label("changed")));
                Assert.Equal(CKR.CKR_OBJECT_HANDLE_INVALID, TryCopy(s, handle, out _));
                Assert.Equal(CKR.CKR_OBJECT_HANDLE_INVALID, Destroy(s, handle));
                ulong size = 0;
                Assert.Equal(CKR.CKR_OBJECT_HANDLE_INVALID, LowLevel.C_GetObjectSize(s, handle, ref size));
            }
            Assert.Equal("public token", GetString(s, publicToken, CKA.CKA_LABEL));
        }

        Login(reader);
        Assert.Equal(4, Find(session).Length);
        Assert.Equal("private token", GetString(session, privateToken, CKA.CKA_LABEL));
        Assert.Equal("private key", GetString(reader, privateKey, CKA.CKA_LABEL));
    }

    [Fact]
    public void PrivateSessionObjectsAreHiddenByLogoutAndBackAfterLogin()
    {
        var session = UserSession();
        var privateObject = Create(session, Data("private session", isPrivate: true));
        var publicObject = Create(session, Data("public session"));
        Logout(session);
        // As softokn: hidden while logged out (NSS logs out and in again to check a password and keeps its keys).
        Assert.Equal(new[] { publicObject }, Find(session, Token(false)));
        Assert.Equal(CKR.CKR_OBJECT_HANDLE_INVALID, GetRv(session, privateObject, CKA.CKA_LABEL));
        Login(session);
        Assert.Contains(privateObject, Find(session, Token(false)));
        Assert.Equal(CKR.CKR_OK, GetRv(session, privateObject, CKA.CKA_LABEL));
    }

    [Fact]
    public void PrivateTokenObjectsOfAnEarlierRunNeedALogin()
    {
        var session = UserSession();
        Create(session, Data("secret note", token: true, isPrivate: true));
        Create(session, [.. TestKeys.Aes(), Token(), Label("aes")]);
        Create(session, Data("public note", token: true));
        Restart();
        session = OpenRo();
        var found = Assert.Single(Find(session, Token()));
        Assert.Equal("public note", GetString(session, found, CKA.CKA_LABEL));
        Login(session);
        Assert.Equal(3, Find(session, Token()).Length);
        Assert.Single(Find(session, Label("secret note")));
    }

    [Fact]
    public void CryptoSlotRefusesTokenObjectsButKeepsSessionObjects()
    {
        foreach (var session in new[] { OpenRw(CryptoSlotId), OpenRo(CryptoSlotId) })
        {
            Assert.Equal(CKR.CKR_TOKEN_WRITE_PROTECTED, TryCreate(session, out _, Data("token", token: true)));
            Assert.Equal(CKR.CKR_TOKEN_WRITE_PROTECTED, TryCreate(session, out _, [.. TestKeys.Aes(), Token()]));
            // No login on slot 1: private session objects are usable there at once.
            var key = Create(session, [.. TestKeys.Aes(), Label("session key")]);
            Assert.True(GetBool(session, key, CKA.CKA_PRIVATE));
            Assert.Equal(CKR.CKR_TOKEN_WRITE_PROTECTED, TryCopy(session, key, out _, Token()));
            Assert.Contains(key, Find(session, Label("session key")));
        }
        Assert.Empty(Find(OpenRo(CryptoSlotId), Token()));
    }

    [Fact]
    public void ReadOnlySessionsCannotWriteTokenObjects()
    {
        var rw = UserSession();
        var ro = OpenRo();
        var tokenObject = Create(rw, Data("token", token: true));
        Assert.Equal(CKR.CKR_SESSION_READ_ONLY, TryCreate(ro, out _, Data("another", token: true)));
        Assert.Equal(CKR.CKR_SESSION_READ_ONLY, TryCreate(ro, out _, [.. TestKeys.Aes(), Token()]));
        Assert.Equal(CKR.CKR_SESSION_READ_ONLY, Set(ro, tokenObject, Label("renamed")));
        Assert.Equal(CKR.CKR_SESSION_READ_ONLY, Destroy(ro, tokenObject));
        Assert.Equal("token", GetString(ro, tokenObject, CKA.CKA_LABEL));

        // Session objects may be created, changed, copied and destroyed in a read-only session.
        var sessionObject = Create(ro, Data("session"));
        Assert.Equal(CKR.CKR_OK, Set(ro, sessionObject, Label("session renamed")));
        Assert.Equal(CKR.CKR_SESSION_READ_ONLY, TryCopy(ro, sessionObject, out _, Token()));
        Assert.Equal(CKR.CKR_SESSION_READ_ONLY, TryCopy(ro, tokenObject, out _));
        Assert.Equal(CKR.CKR_OK, TryCopy(ro, tokenObject, out var copy, Token(false)));
        Assert.False(GetBool(ro, copy, CKA.CKA_TOKEN));
        Assert.Equal(CKR.CKR_OK, Destroy(ro, copy));
        Assert.Equal(CKR.CKR_OK, Destroy(ro, sessionObject));
        Assert.Single(Find(rw, Token()));
    }

    [Fact]
    public void ReadOnlyDatabaseRefusesTokenWrites()
    {
        var session = UserSession();
        Create(session, Data("stored", token: true));
        Restart("flags=readOnly");
        Assert.Equal(CKR.CKR_TOKEN_WRITE_PROTECTED, OpenRawSession(KeyStorageSlotId, CKF.CKF_SERIAL_SESSION | CKF.CKF_RW_SESSION, out _));
        var ro = OpenRo();
        var stored = Assert.Single(Find(ro, Label("stored")));
        Assert.Equal(CKR.CKR_TOKEN_WRITE_PROTECTED, TryCreate(ro, out _, Data("new", token: true)));
        Assert.Equal(CKR.CKR_OK, TryCreate(ro, out _, Data("session object")));
        Assert.Contains(Destroy(ro, stored), new[] { CKR.CKR_SESSION_READ_ONLY, CKR.CKR_TOKEN_WRITE_PROTECTED });
    }

    [Fact]
    public void SessionObjectsAreSharedByTheSlotsSessionsAndDieWithTheirCreator()
    {
        var creator = UserSession();
        var other = OpenRo();
        var survivor = OpenRw();
        var mine = Create(creator, Data("mine"));
        var key = Create(creator, [.. TestKeys.Aes(), Label("mine")]);
        var theirs = Create(survivor, Data("theirs"));
        Assert.Equal(new[] { mine, key }.Order(), Find(other, Label("mine")).Order());
        Assert.Equal("mine", GetString(other, mine, CKA.CKA_LABEL));
        Assert.Equal(CKR.CKR_OK, Set(other, mine, Label("mine, renamed elsewhere")));
        Assert.Equal("mine, renamed elsewhere", GetString(creator, mine, CKA.CKA_LABEL));

        // Another slot's sessions see none of them.
        var slot1 = OpenRo(CryptoSlotId);
        Assert.Empty(Find(slot1, Class(CKO.CKO_DATA)));
        Assert.Equal(CKR.CKR_OBJECT_HANDLE_INVALID, GetRv(slot1, mine, CKA.CKA_LABEL));

        Expect.Ok(LowLevel.C_CloseSession(creator));
        Assert.Equal(new[] { theirs }, Find(other, Class(CKO.CKO_DATA)));
        Assert.Empty(Find(other, Class(CKO.CKO_SECRET_KEY)));
        Assert.Equal(CKR.CKR_OBJECT_HANDLE_INVALID, GetRv(other, mine, CKA.CKA_LABEL));
        Assert.Equal(CKR.CKR_OBJECT_HANDLE_INVALID, Destroy(other, key));
        Assert.Equal("theirs", GetString(other, theirs, CKA.CKA_LABEL));
    }

    [Fact]
    public void CloseAllSessionsDestroysEverySessionObjectAndNoTokenObject()
    {
        var a = UserSession();
        var b = OpenRo();
        Create(a, Data("session a"));
        Create(b, Data("session b"));
        Create(a, Data("token", token: true));
        var crypto = OpenRw(CryptoSlotId);
        var cryptoObject = Create(crypto, Data("slot 1"));
        Expect.Ok(LowLevel.C_CloseAllSessions(KeyStorageSlotId));

        var c = OpenRo();
        var found = Assert.Single(Find(c, Class(CKO.CKO_DATA)));
        Assert.Equal("token", GetString(c, found, CKA.CKA_LABEL));
        // The other slot's session objects stay.
        Assert.Equal("slot 1", GetString(crypto, cryptoObject, CKA.CKA_LABEL));
    }

    [Fact]
    public void HandlesStayValidForTheLifeOfTheObjectAndAreNotReused()
    {
        var session = UserSession();
        var reader = OpenRo();
        var tokenObject = Create(session, Data("stable", token: true));
        var sessionObject = Create(session, Data("stable"));
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(new[] { tokenObject, sessionObject }.Order(), Find(reader, Label("stable")).Order());
        }
        Assert.Equal(CKR.CKR_OK, Set(session, tokenObject, Attr.Of(CKA.CKA_APPLICATION, "changed")));
        var temporary = Create(session, Data("temporary", token: true));
        Assert.Equal(CKR.CKR_OK, Destroy(session, temporary));
        Assert.Equal(new[] { tokenObject, sessionObject }.Order(), Find(reader, Label("stable")).Order());
        // Logout and login keep token object handles (softokn's handles are its database ids).
        Logout(session);
        Login(session);
        Assert.Equal("stable", GetString(reader, tokenObject, CKA.CKA_LABEL));

        var created = Enumerable.Range(0, 20).Select(i => Create(session, Data($"new {i}", token: i % 2 == 0))).ToList();
        Assert.DoesNotContain(temporary, created);
        Assert.DoesNotContain(tokenObject, created);
        Assert.Equal(20, created.Distinct().Count());
    }

    [Fact]
    public void TokenObjectChangesShowInEverySessionAtOnce()
    {
        var writer = UserSession();
        var reader = OpenRo();
        var handle = Create(writer, Data("shared", token: true));
        Assert.Equal(new[] { handle }, Find(reader, Label("shared")));
        Assert.Equal(CKR.CKR_OK, Set(writer, handle, Label("shared v2")));
        Assert.Equal("shared v2", GetString(reader, handle, CKA.CKA_LABEL));
        Assert.Empty(Find(reader, Label("shared")));
        Assert.Equal(CKR.CKR_OK, Destroy(writer, handle));
        Assert.Equal(CKR.CKR_OBJECT_HANDLE_INVALID, GetRv(reader, handle, CKA.CKA_LABEL));
    }
}
