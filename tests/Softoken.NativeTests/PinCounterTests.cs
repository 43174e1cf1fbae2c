using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using Softoken.NativeTests.Infrastructure;

namespace Softoken.NativeTests;

/// <summary>Issue 2, item 9: failed logins are counted in the database; CKF_*_PIN_COUNT_LOW, _FINAL_TRY and _LOCKED
/// tell the truth; after maxPinTries failures (default 10) the PIN is locked until the SO sets a new user PIN; the
/// same for the SO PIN.</summary>
public sealed class PinCounterTests(ModuleFixture fixture) : InitializedModuleTest(fixture, "maxPinTries=3")
{
    private const string SoPin = "so-pin";
    private const string UserPin = "user-pin";
    private const ulong UserCounterFlags = CKF.CKF_USER_PIN_COUNT_LOW | CKF.CKF_USER_PIN_FINAL_TRY | CKF.CKF_USER_PIN_LOCKED;
    private const ulong SoCounterFlags = CKF.CKF_SO_PIN_COUNT_LOW | CKF.CKF_SO_PIN_FINAL_TRY | CKF.CKF_SO_PIN_LOCKED;

    private ulong UserCounter => TokenFlags(KeyStorageSlotId) & UserCounterFlags;

    private ulong SoCounter => TokenFlags(KeyStorageSlotId) & SoCounterFlags;

    [Fact]
    public void UserPinCountsDownToLockedAndTheSoUnlocksIt()
    {
        SetUserPin(UserPin);
        var session = OpenSession(KeyStorageSlotId);
        Assert.Equal(0UL, UserCounter);

        Expect.Rv(CKR.CKR_PIN_INCORRECT, () => session.Login(CKU.CKU_USER, "wrong-1"));
        Assert.Equal((ulong)CKF.CKF_USER_PIN_COUNT_LOW, UserCounter);
        Expect.Rv(CKR.CKR_PIN_INCORRECT, () => session.Login(CKU.CKU_USER, "wrong-2"));
        Assert.NotEqual(0UL, UserCounter & CKF.CKF_USER_PIN_FINAL_TRY);
        Assert.Equal(0UL, UserCounter & CKF.CKF_USER_PIN_LOCKED);
        Expect.Rv(CKR.CKR_PIN_INCORRECT, () => session.Login(CKU.CKU_USER, "wrong-3"));
        Assert.Equal((ulong)CKF.CKF_USER_PIN_LOCKED, UserCounter);

        Expect.Rv(CKR.CKR_PIN_LOCKED, () => session.Login(CKU.CKU_USER, UserPin));
        Expect.Rv(CKR.CKR_PIN_LOCKED, () => session.Login(CKU.CKU_USER, "wrong-4"));
        Assert.Equal((ulong)CKF.CKF_USER_PIN_LOCKED, UserCounter);
        Assert.Equal(0UL, SoCounter);
        session.CloseSession();

        var rw = OpenSession(KeyStorageSlotId, readWrite: true);
        Expect.Rv(CKR.CKR_PIN_LOCKED, () => rw.SetPin(UserPin, "new-pin"));
        rw.Login(CKU.CKU_SO, "");
        rw.InitPin("new-pin");
        rw.Logout();
        Assert.Equal(0UL, UserCounter);
        rw.Login(CKU.CKU_USER, "new-pin");
    }

    [Fact]
    public void ASuccessfulLoginResetsTheCounter()
    {
        SetUserPin(UserPin);
        var session = OpenSession(KeyStorageSlotId);
        Expect.Rv(CKR.CKR_PIN_INCORRECT, () => session.Login(CKU.CKU_USER, "wrong"));
        Expect.Rv(CKR.CKR_PIN_INCORRECT, () => session.Login(CKU.CKU_USER, "wrong"));
        session.Login(CKU.CKU_USER, UserPin);
        Assert.Equal(0UL, UserCounter);
        session.Logout();
        Expect.Rv(CKR.CKR_PIN_INCORRECT, () => session.Login(CKU.CKU_USER, "wrong"));
        Expect.Rv(CKR.CKR_PIN_INCORRECT, () => session.Login(CKU.CKU_USER, "wrong"));
        session.Login(CKU.CKU_USER, UserPin);
    }

    [Fact]
    public void AfterTheRightPinWasCachedWrongPinsStillFailCountAndLockIt()
    {
        // A repeated login with the right PIN is served from the PBKDF2 result cache; that must change nothing for
        // other PINs, nor let the cached PIN past a lock.
        SetUserPin(UserPin);
        var session = OpenSession(KeyStorageSlotId);
        for (int i = 0; i < 3; i++)
        {
            session.Login(CKU.CKU_USER, UserPin);
            session.Logout();
        }
        Expect.Rv(CKR.CKR_PIN_INCORRECT, () => session.Login(CKU.CKU_USER, UserPin + "x"));
        Assert.Equal((ulong)CKF.CKF_USER_PIN_COUNT_LOW, UserCounter);
        Expect.Rv(CKR.CKR_PIN_INCORRECT, () => session.Login(CKU.CKU_USER, UserPin[..^1]));
        Assert.NotEqual(0UL, UserCounter & CKF.CKF_USER_PIN_FINAL_TRY);
        Expect.Rv(CKR.CKR_PIN_INCORRECT, () => session.Login(CKU.CKU_USER, ""));
        Assert.Equal((ulong)CKF.CKF_USER_PIN_LOCKED, UserCounter);
        Expect.Rv(CKR.CKR_PIN_LOCKED, () => session.Login(CKU.CKU_USER, UserPin));
        Assert.Equal(CKS.CKS_RO_PUBLIC_SESSION, session.GetSessionInfo().State);
    }

    [Fact]
    public void ACachedPinNoLongerLogsInAfterC_SetPin()
    {
        SetUserPin(UserPin);
        var rw = OpenSession(KeyStorageSlotId, readWrite: true);
        rw.Login(CKU.CKU_USER, UserPin);
        rw.Logout();
        rw.Login(CKU.CKU_USER, UserPin);
        rw.SetPin(UserPin, "changed-pin");
        rw.Logout();
        Expect.Rv(CKR.CKR_PIN_INCORRECT, () => rw.Login(CKU.CKU_USER, UserPin));
        rw.Login(CKU.CKU_USER, "changed-pin");
    }

    [Fact]
    public void FailuresAreStoredInTheDatabaseAndSurviveReinitialization()
    {
        SetUserPin(UserPin);
        Expect.Rv(CKR.CKR_PIN_INCORRECT, () => OpenSession(KeyStorageSlotId).Login(CKU.CKU_USER, "wrong"));
        Restart("maxPinTries=3");
        Assert.Equal((ulong)CKF.CKF_USER_PIN_COUNT_LOW, UserCounter);
        Expect.Rv(CKR.CKR_PIN_INCORRECT, () => OpenSession(KeyStorageSlotId).Login(CKU.CKU_USER, "wrong"));
        Expect.Rv(CKR.CKR_PIN_INCORRECT, () => OpenSession(KeyStorageSlotId).Login(CKU.CKU_USER, "wrong"));
        Restart("maxPinTries=3");
        Assert.Equal((ulong)CKF.CKF_USER_PIN_LOCKED, UserCounter);
        Expect.Rv(CKR.CKR_PIN_LOCKED, () => OpenSession(KeyStorageSlotId).Login(CKU.CKU_USER, UserPin));
    }

    [Fact]
    public void DefaultMaxPinTriesIsTen()
    {
        Restart();
        SetUserPin(UserPin);
        var session = OpenSession(KeyStorageSlotId);
        for (int i = 1; i <= 8; i++)
        {
            Expect.Rv(CKR.CKR_PIN_INCORRECT, () => session.Login(CKU.CKU_USER, "wrong"));
            Assert.Equal((ulong)CKF.CKF_USER_PIN_COUNT_LOW, UserCounter);
        }
        Expect.Rv(CKR.CKR_PIN_INCORRECT, () => session.Login(CKU.CKU_USER, "wrong"));
        Assert.NotEqual(0UL, UserCounter & CKF.CKF_USER_PIN_FINAL_TRY);
        Expect.Rv(CKR.CKR_PIN_INCORRECT, () => session.Login(CKU.CKU_USER, "wrong"));
        Assert.Equal((ulong)CKF.CKF_USER_PIN_LOCKED, UserCounter);
        Expect.Rv(CKR.CKR_PIN_LOCKED, () => session.Login(CKU.CKU_USER, UserPin));
    }

    [Fact]
    public void WithMaxPinTriesOneEveryAttemptIsTheFinalTry()
    {
        Restart("maxPinTries=1");
        SetUserPin(UserPin);
        Assert.Equal((ulong)CKF.CKF_USER_PIN_FINAL_TRY, UserCounter);
        var session = OpenSession(KeyStorageSlotId);
        session.Login(CKU.CKU_USER, UserPin);
        session.Logout();
        Assert.Equal((ulong)CKF.CKF_USER_PIN_FINAL_TRY, UserCounter);
        Expect.Rv(CKR.CKR_PIN_INCORRECT, () => session.Login(CKU.CKU_USER, "wrong"));
        Assert.Equal((ulong)CKF.CKF_USER_PIN_LOCKED, UserCounter);
        Expect.Rv(CKR.CKR_PIN_LOCKED, () => session.Login(CKU.CKU_USER, UserPin));
    }

    [Fact]
    public void MaxPinTriesZeroNeverLocks()
    {
        Restart("maxPinTries=0");
        SetUserPin(UserPin);
        var session = OpenSession(KeyStorageSlotId);
        for (int i = 0; i < 15; i++) Expect.Rv(CKR.CKR_PIN_INCORRECT, () => session.Login(CKU.CKU_USER, "wrong"));
        Assert.Equal(0UL, UserCounter & (CKF.CKF_USER_PIN_FINAL_TRY | CKF.CKF_USER_PIN_LOCKED));
        session.Login(CKU.CKU_USER, UserPin);
    }

    [Fact]
    public void SoPinCountsDownToLockedIndependentlyOfTheUserPin()
    {
        KeyStorageSlot.InitToken(SoPin, "label");
        SetUserPin(UserPin, SoPin);
        var session = OpenSession(KeyStorageSlotId, readWrite: true);
        Expect.Rv(CKR.CKR_PIN_INCORRECT, () => session.Login(CKU.CKU_SO, "wrong"));
        Assert.Equal((ulong)CKF.CKF_SO_PIN_COUNT_LOW, SoCounter);
        Expect.Rv(CKR.CKR_PIN_INCORRECT, () => session.Login(CKU.CKU_SO, "wrong"));
        Assert.NotEqual(0UL, SoCounter & CKF.CKF_SO_PIN_FINAL_TRY);
        Expect.Rv(CKR.CKR_PIN_INCORRECT, () => session.Login(CKU.CKU_SO, "wrong"));
        Assert.Equal((ulong)CKF.CKF_SO_PIN_LOCKED, SoCounter);
        Assert.Equal(0UL, UserCounter);

        Expect.Rv(CKR.CKR_PIN_LOCKED, () => session.Login(CKU.CKU_SO, SoPin));
        session.Login(CKU.CKU_USER, UserPin);
        session.Logout();
        session.CloseSession();
        Expect.Rv(CKR.CKR_PIN_LOCKED, () => KeyStorageSlot.InitToken(SoPin, "again"));
    }

    [Fact]
    public void WrongSoPinInInitTokenCounts()
    {
        KeyStorageSlot.InitToken(SoPin, "label");
        Expect.Rv(CKR.CKR_PIN_INCORRECT, () => KeyStorageSlot.InitToken("wrong", "label"));
        Assert.Equal((ulong)CKF.CKF_SO_PIN_COUNT_LOW, SoCounter);
        KeyStorageSlot.InitToken(SoPin, "label");
        Assert.Equal(0UL, SoCounter);
    }
}
