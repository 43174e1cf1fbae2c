using System.Text;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using Softoken.NativeTests.Infrastructure;

namespace Softoken.NativeTests;

/// <summary>Issue 2, item 9: C_InitToken, C_InitPIN, C_SetPIN and C_Login / C_Logout for CKU_SO, CKU_USER and
/// CKU_CONTEXT_SPECIFIC on the key-storage slot, starting with NSS's bootstrap of a new database.</summary>
public sealed class PinTests(ModuleFixture fixture) : InitializedModuleTest(fixture)
{
    private const string SoPin = "so-pin-1";
    private const string UserPin = "user-pin-1";

    [Fact]
    public void NssBootstrapSoLogsInWithTheEmptyPinAndSetsTheFirstUserPin()
    {
        var flags = TokenFlags(KeyStorageSlotId);
        Assert.NotEqual(0UL, flags & CKF.CKF_LOGIN_REQUIRED);
        Assert.Equal(0UL, flags & CKF.CKF_USER_PIN_INITIALIZED);

        var session = OpenSession(KeyStorageSlotId, readWrite: true);
        session.Login(CKU.CKU_SO, "");
        Assert.Equal(CKS.CKS_RW_SO_FUNCTIONS, session.GetSessionInfo().State);
        session.InitPin(UserPin);
        session.Logout();

        flags = TokenFlags(KeyStorageSlotId);
        Assert.NotEqual(0UL, flags & CKF.CKF_USER_PIN_INITIALIZED);
        Assert.NotEqual(0UL, flags & CKF.CKF_LOGIN_REQUIRED);
        session.Login(CKU.CKU_USER, UserPin);
        Assert.Equal(CKS.CKS_RW_USER_FUNCTIONS, session.GetSessionInfo().State);
    }

    [Fact]
    public void NssBootstrapNeedsAReadWriteSession()
    {
        var session = OpenSession(KeyStorageSlotId);
        Expect.Rv(CKR.CKR_SESSION_READ_ONLY_EXISTS, () => session.Login(CKU.CKU_SO, ""));
    }

    [Fact]
    public void SoLoginOnANewTokenWithAWrongPinIsPinIncorrect()
    {
        var session = OpenSession(KeyStorageSlotId, readWrite: true);
        Expect.Rv(CKR.CKR_PIN_INCORRECT, () => session.Login(CKU.CKU_SO, "not-empty"));
        Assert.Equal(CKS.CKS_RW_PUBLIC_SESSION, session.GetSessionInfo().State);
    }

    [Fact]
    public void UserLoginBeforeAUserPinExistsIsUserPinNotInitialized()
    {
        var session = OpenSession(KeyStorageSlotId);
        Expect.Rv(CKR.CKR_USER_PIN_NOT_INITIALIZED, () => session.Login(CKU.CKU_USER, ""));
        Expect.Rv(CKR.CKR_USER_PIN_NOT_INITIALIZED, () => session.Login(CKU.CKU_USER, "1234"));
    }

    [Fact]
    public void UserLoginWithAWrongPinIsPinIncorrect()
    {
        SetUserPin(UserPin);
        var session = OpenSession(KeyStorageSlotId);
        Expect.Rv(CKR.CKR_PIN_INCORRECT, () => session.Login(CKU.CKU_USER, "wrong"));
        Expect.Rv(CKR.CKR_PIN_INCORRECT, () => session.Login(CKU.CKU_USER, ""));
        Expect.Rv(CKR.CKR_PIN_INCORRECT, () => session.Login(CKU.CKU_USER, UserPin + " "));
        Assert.Equal(CKS.CKS_RO_PUBLIC_SESSION, session.GetSessionInfo().State);
    }

    [Fact]
    public void InitPinNeedsTheSoLoggedInOnAReadWriteSession()
    {
        var rw = OpenSession(KeyStorageSlotId, readWrite: true);
        Expect.Rv(CKR.CKR_USER_NOT_LOGGED_IN, () => rw.InitPin(UserPin));
        var ro = OpenSession(KeyStorageSlotId);
        Expect.Rv(CKR.CKR_SESSION_READ_ONLY, () => ro.InitPin(UserPin));
        ro.CloseSession();

        SetUserPin(UserPin);
        rw.Login(CKU.CKU_USER, UserPin);
        Expect.Rv(CKR.CKR_USER_NOT_LOGGED_IN, () => rw.InitPin("another"));
        rw.Logout();
        rw.Login(CKU.CKU_SO, "");
        rw.InitPin("another");
        rw.Logout();
        rw.Login(CKU.CKU_USER, "another");
    }

    [Fact]
    public void InitPinOnTheCryptoSlotIsRefused()
    {
        var session = OpenSession(CryptoSlotId, readWrite: true);
        Expect.Rv(CKR.CKR_USER_NOT_LOGGED_IN, () => session.InitPin(UserPin));
    }

    [Fact]
    public void PinsShorterThanMinPWLenOrLongerThanMaxAreRefused()
    {
        Restart("minPWLen=6");
        var session = OpenSession(KeyStorageSlotId, readWrite: true);
        session.Login(CKU.CKU_SO, "");
        Expect.Rv(CKR.CKR_PIN_LEN_RANGE, () => session.InitPin("12345"));
        Expect.Rv(CKR.CKR_PIN_LEN_RANGE, () => session.InitPin(new string('x', 256)));
        session.InitPin("123456");
        session.Logout();
        Expect.Rv(CKR.CKR_PIN_LEN_RANGE, () => session.SetPin("123456", "12345"));
        session.SetPin("123456", new string('y', 255));
        session.Login(CKU.CKU_USER, new string('y', 255));
        session.Logout();
        session.CloseSession();
        Expect.Rv(CKR.CKR_PIN_LEN_RANGE, () => KeyStorageSlot.InitToken("short", "label"));
        KeyStorageSlot.InitToken("long-enough", "label");
    }

    [Fact]
    public void AnEmptyUserPinMeansNoLoginIsRequiredUnlessPasswordRequired()
    {
        SetUserPin("");
        var flags = TokenFlags(KeyStorageSlotId);
        Assert.Equal(0UL, flags & CKF.CKF_LOGIN_REQUIRED);
        Assert.NotEqual(0UL, flags & CKF.CKF_USER_PIN_INITIALIZED);
        var session = OpenSession(KeyStorageSlotId);
        session.Login(CKU.CKU_USER, "");
        session.Logout();

        Restart("flags=passwordRequired");
        Assert.NotEqual(0UL, TokenFlags(KeyStorageSlotId) & CKF.CKF_LOGIN_REQUIRED);
    }

    [Fact]
    public void SetPinChangesTheUserPinFromAPublicOrUserSession()
    {
        SetUserPin(UserPin);
        var session = OpenSession(KeyStorageSlotId, readWrite: true);
        session.SetPin(UserPin, "second");
        Expect.Rv(CKR.CKR_PIN_INCORRECT, () => session.Login(CKU.CKU_USER, UserPin));
        session.Login(CKU.CKU_USER, "second");
        session.SetPin("second", "third");
        Assert.Equal(CKS.CKS_RW_USER_FUNCTIONS, session.GetSessionInfo().State);
        session.Logout();
        session.Login(CKU.CKU_USER, "third");
    }

    [Fact]
    public void SetPinWithAWrongOldPinIsPinIncorrectAndCounts()
    {
        SetUserPin(UserPin);
        var session = OpenSession(KeyStorageSlotId, readWrite: true);
        Expect.Rv(CKR.CKR_PIN_INCORRECT, () => session.SetPin("wrong", "second"));
        Assert.NotEqual(0UL, TokenFlags(KeyStorageSlotId) & CKF.CKF_USER_PIN_COUNT_LOW);
        session.Login(CKU.CKU_USER, UserPin);
    }

    [Fact]
    public void SetPinOnAReadOnlySessionIsSessionReadOnly()
    {
        SetUserPin(UserPin);
        var session = OpenSession(KeyStorageSlotId);
        Expect.Rv(CKR.CKR_SESSION_READ_ONLY, () => session.SetPin(UserPin, "second"));
        session.Login(CKU.CKU_USER, UserPin);
        Expect.Rv(CKR.CKR_SESSION_READ_ONLY, () => session.SetPin(UserPin, "second"));
    }

    [Fact]
    public void SetPinOnTheCryptoSlotIsTokenWriteProtected()
    {
        var session = OpenSession(CryptoSlotId, readWrite: true);
        Expect.Rv(CKR.CKR_TOKEN_WRITE_PROTECTED, () => session.SetPin("", "new-pin"));
    }

    [Fact]
    public void SetPinBeforeAUserPinExistsIsUserPinNotInitialized()
    {
        var session = OpenSession(KeyStorageSlotId, readWrite: true);
        Expect.Rv(CKR.CKR_USER_PIN_NOT_INITIALIZED, () => session.SetPin("", "first"));
    }

    [Fact]
    public void SetPinAsTheSoChangesTheSoPin()
    {
        KeyStorageSlot.InitToken(SoPin, "label");
        var session = OpenSession(KeyStorageSlotId, readWrite: true);
        session.Login(CKU.CKU_SO, SoPin);
        session.SetPin(SoPin, "so-pin-2");
        session.Logout();
        Expect.Rv(CKR.CKR_PIN_INCORRECT, () => session.Login(CKU.CKU_SO, SoPin));
        session.Login(CKU.CKU_SO, "so-pin-2");
        session.InitPin(UserPin);
        session.Logout();
        session.Login(CKU.CKU_USER, UserPin);
    }

    [Fact]
    public void InitTokenSetsTheSoPinAndTheLabel()
    {
        KeyStorageSlot.InitToken(SoPin, "My Keys");
        var info = KeyStorageSlot.GetTokenInfo();
        Assert.Equal("My Keys", info.Label);
        Assert.NotEqual(0UL, info.TokenFlags.Flags & CKF.CKF_TOKEN_INITIALIZED);
        var session = OpenSession(KeyStorageSlotId, readWrite: true);
        Expect.Rv(CKR.CKR_PIN_INCORRECT, () => session.Login(CKU.CKU_SO, ""));
        session.Login(CKU.CKU_SO, SoPin);
    }

    [Fact]
    public void InitTokenKeepsAUtf8Label()
    {
        const string label = "Schlüssel ✓ Ŧest";
        Assert.True(Encoding.UTF8.GetByteCount(label) <= 32);
        KeyStorageSlot.InitToken(SoPin, label);
        Assert.Equal(label, KeyStorageSlot.GetTokenInfo().Label);
    }

    [Fact]
    public void InitTokenWithASessionOpenIsSessionExists()
    {
        var session = OpenSession(KeyStorageSlotId);
        Expect.Rv(CKR.CKR_SESSION_EXISTS, () => KeyStorageSlot.InitToken(SoPin, "label"));
        session.CloseSession();
        _ = OpenSession(CryptoSlotId);
        KeyStorageSlot.InitToken(SoPin, "label");
    }

    [Fact]
    public void InitTokenWithAWrongSoPinIsPinIncorrectOnceTheSoPinIsSet()
    {
        KeyStorageSlot.InitToken(SoPin, "first");
        Expect.Rv(CKR.CKR_PIN_INCORRECT, () => KeyStorageSlot.InitToken("other", "second"));
        Expect.Rv(CKR.CKR_PIN_INCORRECT, () => KeyStorageSlot.InitToken("", "second"));
        Assert.Equal("first", KeyStorageSlot.GetTokenInfo().Label);
        KeyStorageSlot.InitToken(SoPin, "second");
        Assert.Equal("second", KeyStorageSlot.GetTokenInfo().Label);
    }

    [Fact]
    public void InitTokenRemovesTheUserPin()
    {
        SetUserPin(UserPin);
        KeyStorageSlot.InitToken(SoPin, "fresh");
        var flags = TokenFlags(KeyStorageSlotId);
        Assert.Equal(0UL, flags & CKF.CKF_USER_PIN_INITIALIZED);
        Assert.NotEqual(0UL, flags & CKF.CKF_LOGIN_REQUIRED);
        Expect.Rv(CKR.CKR_USER_PIN_NOT_INITIALIZED, () => OpenSession(KeyStorageSlotId).Login(CKU.CKU_USER, UserPin));
    }

    [Fact]
    public void InitTokenWithoutALabelIsArgumentsBad()
    {
        using var pin = NativeBuffer.Utf8(SoPin);
        Assert.Equal(CKR.CKR_ARGUMENTS_BAD, Raw.Call("C_InitToken", (nuint)KeyStorageSlotId, pin.Address, (nuint)SoPin.Length, 0));
    }

    [Fact]
    public void ContextSpecificLoginNeedsAUserAndAnOperation()
    {
        SetUserPin(UserPin);
        var session = OpenSession(KeyStorageSlotId);
        Expect.Rv(CKR.CKR_USER_NOT_LOGGED_IN, () => session.Login(CKU.CKU_CONTEXT_SPECIFIC, UserPin));
        session.Login(CKU.CKU_USER, UserPin);
        Expect.Rv(CKR.CKR_OPERATION_NOT_INITIALIZED, () => session.Login(CKU.CKU_CONTEXT_SPECIFIC, UserPin));
        Assert.Equal(CKS.CKS_RO_USER_FUNCTIONS, session.GetSessionInfo().State);
    }

    [Fact]
    public void ContextSpecificLoginAsTheSoIsUserNotLoggedIn()
    {
        var session = OpenSession(KeyStorageSlotId, readWrite: true);
        session.Login(CKU.CKU_SO, "");
        Expect.Rv(CKR.CKR_USER_NOT_LOGGED_IN, () => session.Login(CKU.CKU_CONTEXT_SPECIFIC, ""));
    }

    [Fact]
    public void LoginUserWithAUserNameLogsIn()
    {
        SetUserPin(UserPin);
        var session = OpenSession(KeyStorageSlotId);
        using var pin = NativeBuffer.Utf8(UserPin);
        using var name = NativeBuffer.Utf8("anyone");
        Assert.Equal(CKR.CKR_PIN_INCORRECT, Raw.Call("C_LoginUser", (nuint)session.SessionId, (nuint)CKU.CKU_USER,
            name.Address, 6, name.Address, 6));
        Assert.Equal(CKR.CKR_OK, Raw.Call("C_LoginUser", (nuint)session.SessionId, (nuint)CKU.CKU_USER,
            pin.Address, (nuint)UserPin.Length, name.Address, 6));
        Assert.Equal(CKS.CKS_RO_USER_FUNCTIONS, session.GetSessionInfo().State);
    }

    [Fact]
    public void PinsAreStoredOnlyAsHashes()
    {
        const string distinctive = "Zq8#pinInPlainText!";
        KeyStorageSlot.InitToken("So-" + distinctive, "label");
        SetUserPin(distinctive, "So-" + distinctive);
        Shutdown();
        foreach (var file in Directory.GetFiles(DatabaseDirectory))
        {
            var bytes = File.ReadAllBytes(file);
            Assert.Equal(-1, bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(distinctive)));
        }
    }
}
