using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using Net.Pkcs11Interop.LowLevelAPI80;
using Softoken.NativeTests.Infrastructure;

namespace Softoken.NativeTests;

/// <summary>Issue 2, item 8: C_OpenSession, C_CloseSession, C_CloseAllSessions, C_GetSessionInfo (login state shows
/// in every session at once), invalid handles, and the SO / read-only rules of PKCS #11 v3.0 section 5.6.</summary>
public sealed class SessionTests(ModuleFixture fixture) : InitializedModuleTest(fixture)
{
    private const string UserPin = "user-pin";

    [Theory]
    [InlineData(CryptoSlotId, 0UL)]
    [InlineData(CryptoSlotId, CKF.CKF_RW_SESSION)]
    [InlineData(KeyStorageSlotId, 0UL)]
    [InlineData(KeyStorageSlotId, CKF.CKF_RW_SESSION)]
    public void OpenSessionWithoutSerialSessionIsParallelNotSupported(ulong slot, ulong flags)
    {
        Assert.Equal(CKR.CKR_SESSION_PARALLEL_NOT_SUPPORTED, OpenRawSession(slot, flags, out _));
        Assert.Equal(0UL, Slot(slot).GetTokenInfo().SessionCount);
    }

    [Theory]
    [InlineData(CryptoSlotId)]
    [InlineData(KeyStorageSlotId)]
    public void ReadOnlyAndReadWriteSessionsReportTheirSlotStateAndFlags(ulong slot)
    {
        var ro = OpenSession(slot).GetSessionInfo();
        Assert.Equal(slot, ro.SlotId);
        Assert.Equal(CKS.CKS_RO_PUBLIC_SESSION, ro.State);
        Assert.Equal((ulong)CKF.CKF_SERIAL_SESSION, ro.SessionFlags.Flags);
        Assert.Equal(0UL, ro.DeviceError);

        var rw = OpenSession(slot, readWrite: true).GetSessionInfo();
        Assert.Equal(slot, rw.SlotId);
        Assert.Equal(CKS.CKS_RW_PUBLIC_SESSION, rw.State);
        Assert.Equal(CKF.CKF_SERIAL_SESSION | CKF.CKF_RW_SESSION, rw.SessionFlags.Flags);
    }

    [Fact]
    public void ClosedSessionHandleIsInvalid()
    {
        Assert.Equal(CKR.CKR_OK, OpenRawSession(KeyStorageSlotId, CKF.CKF_SERIAL_SESSION, out var session));
        Assert.Equal(CKR.CKR_OK, LowLevel.C_CloseSession(session));
        var info = new CK_SESSION_INFO();
        Assert.Equal(CKR.CKR_SESSION_HANDLE_INVALID, LowLevel.C_GetSessionInfo(session, ref info));
        Assert.Equal(CKR.CKR_SESSION_HANDLE_INVALID, LowLevel.C_CloseSession(session));
        Assert.Equal(CKR.CKR_SESSION_HANDLE_INVALID, LowLevel.C_Logout(session));
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(987654UL)]
    [InlineData(ulong.MaxValue)]
    public void UnknownSessionHandleIsSessionHandleInvalidEverywhere(ulong handle)
    {
        var info = new CK_SESSION_INFO();
        var mechanism = CkmUtils.CreateMechanism(CKM.CKM_SHA256);
        ulong length = 32;
        Assert.Equal(CKR.CKR_SESSION_HANDLE_INVALID, LowLevel.C_GetSessionInfo(handle, ref info));
        Assert.Equal(CKR.CKR_SESSION_HANDLE_INVALID, LowLevel.C_CloseSession(handle));
        Assert.Equal(CKR.CKR_SESSION_HANDLE_INVALID, LowLevel.C_Login(handle, CKU.CKU_USER, "1234"u8.ToArray(), 4));
        Assert.Equal(CKR.CKR_SESSION_HANDLE_INVALID, LowLevel.C_Logout(handle));
        Assert.Equal(CKR.CKR_SESSION_HANDLE_INVALID, LowLevel.C_InitPIN(handle, "1234"u8.ToArray(), 4));
        Assert.Equal(CKR.CKR_SESSION_HANDLE_INVALID, LowLevel.C_SetPIN(handle, "1234"u8.ToArray(), 4, "5678"u8.ToArray(), 4));
        Assert.Equal(CKR.CKR_SESSION_HANDLE_INVALID, LowLevel.C_DigestInit(handle, ref mechanism));
        Assert.Equal(CKR.CKR_SESSION_HANDLE_INVALID, LowLevel.C_Digest(handle, [1], 1, new byte[32], ref length));
        Assert.Equal(CKR.CKR_SESSION_HANDLE_INVALID, LowLevel.C_DigestUpdate(handle, [1], 1));
        Assert.Equal(CKR.CKR_SESSION_HANDLE_INVALID, LowLevel.C_DigestFinal(handle, new byte[32], ref length));
        Assert.Equal(CKR.CKR_SESSION_HANDLE_INVALID, LowLevel.C_GenerateRandom(handle, new byte[8], 8));
        Assert.Equal(CKR.CKR_SESSION_HANDLE_INVALID, LowLevel.C_SeedRandom(handle, [1], 1));
        Assert.Equal(CKR.CKR_SESSION_HANDLE_INVALID, Raw.Call("C_SessionCancel", (nuint)handle, 0));
    }

    [Fact]
    public void HandlesAreNeverZeroAndNotReusedWhileInitialised()
    {
        var seen = new HashSet<ulong>();
        for (int i = 0; i < 100; i++)
        {
            Assert.Equal(CKR.CKR_OK, OpenRawSession(1 + (ulong)(i % 2), CKF.CKF_SERIAL_SESSION, out var session));
            Assert.NotEqual(0UL, session);
            Assert.True(seen.Add(session), $"handle {session} handed out twice");
            Assert.Equal(CKR.CKR_OK, LowLevel.C_CloseSession(session));
        }
    }

    [Fact]
    public void CloseAllSessionsClosesOnlyThatSlotsSessions()
    {
        var crypto = new[] { OpenSession(CryptoSlotId), OpenSession(CryptoSlotId, readWrite: true) };
        var keys = new[] { OpenSession(KeyStorageSlotId), OpenSession(KeyStorageSlotId, readWrite: true) };
        KeyStorageSlot.CloseAllSessions();
        foreach (var s in keys) Expect.Rv(CKR.CKR_SESSION_HANDLE_INVALID, s.GetSessionInfo);
        foreach (var s in crypto) Assert.Equal(CryptoSlotId, s.GetSessionInfo().SlotId);
        Assert.Equal(2UL, CryptoSlot.GetTokenInfo().SessionCount);
        Assert.Equal(0UL, KeyStorageSlot.GetTokenInfo().SessionCount);
        CryptoSlot.CloseAllSessions();
        Assert.Equal(0UL, CryptoSlot.GetTokenInfo().SessionCount);
        Assert.Equal(CKR.CKR_OK, LowLevel.C_CloseAllSessions(CryptoSlotId));
    }

    [Fact]
    public void UserLoginAndLogoutShowInEverySessionAtOnce()
    {
        SetUserPin(UserPin);
        var ro = OpenSession(KeyStorageSlotId);
        var rw = OpenSession(KeyStorageSlotId, readWrite: true);
        var other = OpenSession(KeyStorageSlotId);
        var crypto = OpenSession(CryptoSlotId);

        ro.Login(CKU.CKU_USER, UserPin);
        Assert.Equal(CKS.CKS_RO_USER_FUNCTIONS, ro.GetSessionInfo().State);
        Assert.Equal(CKS.CKS_RW_USER_FUNCTIONS, rw.GetSessionInfo().State);
        Assert.Equal(CKS.CKS_RO_USER_FUNCTIONS, other.GetSessionInfo().State);
        Assert.Equal(CKS.CKS_RO_PUBLIC_SESSION, crypto.GetSessionInfo().State);
        Assert.Equal(CKS.CKS_RW_USER_FUNCTIONS, OpenSession(KeyStorageSlotId, readWrite: true).GetSessionInfo().State);

        rw.Logout();
        Assert.Equal(CKS.CKS_RO_PUBLIC_SESSION, ro.GetSessionInfo().State);
        Assert.Equal(CKS.CKS_RW_PUBLIC_SESSION, rw.GetSessionInfo().State);
        Assert.Equal(CKS.CKS_RO_PUBLIC_SESSION, other.GetSessionInfo().State);
    }

    [Fact]
    public void SoLoginShowsAsReadWriteSoFunctionsInEverySession()
    {
        var a = OpenSession(KeyStorageSlotId, readWrite: true);
        var b = OpenSession(KeyStorageSlotId, readWrite: true);
        b.Login(CKU.CKU_SO, "");
        Assert.Equal(CKS.CKS_RW_SO_FUNCTIONS, a.GetSessionInfo().State);
        Assert.Equal(CKS.CKS_RW_SO_FUNCTIONS, b.GetSessionInfo().State);
        Assert.Equal(CKS.CKS_RW_SO_FUNCTIONS, OpenSession(KeyStorageSlotId, readWrite: true).GetSessionInfo().State);
        a.Logout();
        Assert.Equal(CKS.CKS_RW_PUBLIC_SESSION, b.GetSessionInfo().State);
    }

    [Fact]
    public void ClosingTheLastSessionOfTheSlotLogsOut()
    {
        SetUserPin(UserPin);
        var first = OpenSession(KeyStorageSlotId);
        var second = OpenSession(KeyStorageSlotId);
        first.Login(CKU.CKU_USER, UserPin);
        first.CloseSession();
        Assert.Equal(CKS.CKS_RO_USER_FUNCTIONS, second.GetSessionInfo().State);
        second.CloseSession();
        var fresh = OpenSession(KeyStorageSlotId);
        Assert.Equal(CKS.CKS_RO_PUBLIC_SESSION, fresh.GetSessionInfo().State);
        fresh.Login(CKU.CKU_USER, UserPin);
        KeyStorageSlot.CloseAllSessions();
        Assert.Equal(CKS.CKS_RO_PUBLIC_SESSION, OpenSession(KeyStorageSlotId).GetSessionInfo().State);
    }

    [Fact]
    public void SoLoginWithAReadOnlySessionOpenIsSessionReadOnlyExists()
    {
        // Once the token has an SO PIN; a brand-new token waives the rule for NSS's bootstrap (SoLoginTests).
        KeyStorageSlot.InitToken("so-pin", "label");
        var rw = OpenSession(KeyStorageSlotId, readWrite: true);
        var ro = OpenSession(KeyStorageSlotId);
        Expect.Rv(CKR.CKR_SESSION_READ_ONLY_EXISTS, () => rw.Login(CKU.CKU_SO, "so-pin"));
        Expect.Rv(CKR.CKR_SESSION_READ_ONLY_EXISTS, () => ro.Login(CKU.CKU_SO, "so-pin"));
        ro.CloseSession();
        rw.Login(CKU.CKU_SO, "so-pin");
    }

    [Fact]
    public void ReadOnlySessionWhileTheSoIsLoggedInIsSessionReadWriteSoExists()
    {
        var rw = OpenSession(KeyStorageSlotId, readWrite: true);
        rw.Login(CKU.CKU_SO, "");
        Assert.Equal(CKR.CKR_SESSION_READ_WRITE_SO_EXISTS, OpenRawSession(KeyStorageSlotId, CKF.CKF_SERIAL_SESSION, out _));
        Assert.Equal(CKR.CKR_OK, OpenRawSession(KeyStorageSlotId, CKF.CKF_SERIAL_SESSION | CKF.CKF_RW_SESSION, out _));
        Assert.Equal(CKR.CKR_OK, OpenRawSession(CryptoSlotId, CKF.CKF_SERIAL_SESSION, out _));
    }

    [Fact]
    public void LoggingInTwiceIsUserAlreadyLoggedIn()
    {
        SetUserPin(UserPin);
        var session = OpenSession(KeyStorageSlotId, readWrite: true);
        session.Login(CKU.CKU_USER, UserPin);
        Expect.Rv(CKR.CKR_USER_ALREADY_LOGGED_IN, () => session.Login(CKU.CKU_USER, UserPin));
        var readOnly = OpenSession(KeyStorageSlotId);
        Expect.Rv(CKR.CKR_USER_ALREADY_LOGGED_IN, () => readOnly.Login(CKU.CKU_USER, UserPin));
        readOnly.CloseSession();
        session.Logout();
        session.Login(CKU.CKU_SO, "");
        Expect.Rv(CKR.CKR_USER_ALREADY_LOGGED_IN, () => session.Login(CKU.CKU_SO, ""));
    }

    [Fact]
    public void LoggingInAsTheOtherUserIsUserAnotherAlreadyLoggedIn()
    {
        SetUserPin(UserPin);
        var session = OpenSession(KeyStorageSlotId, readWrite: true);
        session.Login(CKU.CKU_USER, UserPin);
        Expect.Rv(CKR.CKR_USER_ANOTHER_ALREADY_LOGGED_IN, () => session.Login(CKU.CKU_SO, ""));
        session.Logout();
        session.Login(CKU.CKU_SO, "");
        Expect.Rv(CKR.CKR_USER_ANOTHER_ALREADY_LOGGED_IN, () => session.Login(CKU.CKU_USER, UserPin));
    }

    [Fact]
    public void LogoutWithoutLoginIsUserNotLoggedIn()
    {
        SetUserPin(UserPin);
        var session = OpenSession(KeyStorageSlotId);
        Expect.Rv(CKR.CKR_USER_NOT_LOGGED_IN, session.Logout);
        session.Login(CKU.CKU_USER, UserPin);
        session.Logout();
        Expect.Rv(CKR.CKR_USER_NOT_LOGGED_IN, session.Logout);
    }

    [Theory]
    [InlineData(3UL)]
    [InlineData(0x80000001UL)]
    [InlineData(ulong.MaxValue)]
    public void UnknownUserTypeIsUserTypeInvalid(ulong userType)
    {
        Assert.Equal(CKR.CKR_OK, OpenRawSession(KeyStorageSlotId, CKF.CKF_SERIAL_SESSION, out var session));
        Assert.Equal(CKR.CKR_USER_TYPE_INVALID, Raw.Call("C_Login", (nuint)session, (nuint)userType, 0, 0));
    }
}
