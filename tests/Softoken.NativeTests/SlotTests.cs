using System.Globalization;
using System.Text;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using Net.Pkcs11Interop.LowLevelAPI80;
using Softoken.NativeTests.Infrastructure;

namespace Softoken.NativeTests;

/// <summary>Issue 2, item 7: two slots with fixed IDs, as softokn: 1 the generic crypto services (write-protected,
/// no login), 2 the key-storage token (persistent, login), with their info strings, flags, serial, PIN limits,
/// session counts and clock.</summary>
public sealed class SlotTests(ModuleFixture fixture) : InitializedModuleTest(fixture)
{
    private const ulong CK_UNAVAILABLE_INFORMATION = ulong.MaxValue;
    private const ulong CK_EFFECTIVELY_INFINITE = 0;

    [Fact]
    public void SlotListIsSlotOneThenSlotTwo()
    {
        Assert.Equal([1UL, 2UL], Library.GetSlotList(SlotsType.WithTokenPresent).Select(s => s.SlotId));
        Assert.Equal([1UL, 2UL], Library.GetSlotList(SlotsType.WithOrWithoutTokenPresent).Select(s => s.SlotId));
    }

    [Fact]
    public void SlotListFollowsTheOutputBufferConvention()
    {
        ulong count = 0;
        Assert.Equal(CKR.CKR_OK, LowLevel.C_GetSlotList(true, null, ref count));
        Assert.Equal(2UL, count);
        count = 1;
        var list = new ulong[1];
        Assert.Equal(CKR.CKR_BUFFER_TOO_SMALL, LowLevel.C_GetSlotList(false, list, ref count));
        Assert.Equal(2UL, count);
        Assert.Equal(0UL, list[0]);
        Assert.Equal(CKR.CKR_ARGUMENTS_BAD, Raw.Call("C_GetSlotList", 0, 0, 0));
    }

    [Fact]
    public void CryptoSlotDescribesTheGenericCryptoServices()
    {
        var info = CryptoSlot.GetSlotInfo();
        Assert.Equal("Softoken Internal Cryptographic Services", info.SlotDescription);
        Assert.Equal("Softoken Project", info.ManufacturerId);
        Assert.Equal((ulong)CKF.CKF_TOKEN_PRESENT, info.SlotFlags.Flags);
    }

    [Fact]
    public void KeyStorageSlotDescribesTheUserKeyServices()
    {
        var info = KeyStorageSlot.GetSlotInfo();
        Assert.Equal("Softoken User Private Key and Certificate Services", info.SlotDescription);
        Assert.Equal("Softoken Project", info.ManufacturerId);
        Assert.Equal((ulong)CKF.CKF_TOKEN_PRESENT, info.SlotFlags.Flags);
    }

    [Fact]
    public void CryptoTokenIsWriteProtectedAndNeedsNoLogin()
    {
        var info = CryptoSlot.GetTokenInfo();
        Assert.Equal("Softoken Generic Crypto Services", info.Label);
        Assert.Equal("Softoken Project", info.ManufacturerId);
        Assert.Equal("Softoken", info.Model);
        Assert.Equal(CKF.CKF_RNG | CKF.CKF_CLOCK_ON_TOKEN | CKF.CKF_TOKEN_INITIALIZED | CKF.CKF_DUAL_CRYPTO_OPERATIONS | CKF.CKF_WRITE_PROTECTED,
            info.TokenFlags.Flags);
        AssertCommonTokenFields(info);
    }

    [Fact]
    public void NewKeyStorageTokenNeedsLoginAndHasNoUserPin()
    {
        var info = KeyStorageSlot.GetTokenInfo();
        Assert.Equal("Softoken Certificate DB", info.Label);
        Assert.Equal("Softoken Project", info.ManufacturerId);
        Assert.Equal("Softoken", info.Model);
        Assert.Equal(CKF.CKF_RNG | CKF.CKF_CLOCK_ON_TOKEN | CKF.CKF_TOKEN_INITIALIZED | CKF.CKF_DUAL_CRYPTO_OPERATIONS | CKF.CKF_LOGIN_REQUIRED,
            info.TokenFlags.Flags);
        AssertCommonTokenFields(info);
    }

    [Theory]
    [InlineData(CryptoSlotId)]
    [InlineData(KeyStorageSlotId)]
    public void TokenInfoStringsAreBlankPaddedUtf8(ulong slot)
    {
        var info = new CK_TOKEN_INFO();
        Assert.Equal(CKR.CKR_OK, LowLevel.C_GetTokenInfo(slot, ref info));
        foreach (var field in new[] { info.Label, info.ManufacturerId, info.Model, info.SerialNumber })
        {
            Assert.DoesNotContain((byte)0, field);
        }
        var label = slot == CryptoSlotId ? "Softoken Generic Crypto Services" : "Softoken Certificate DB";
        Assert.Equal(label.PadRight(32), Encoding.UTF8.GetString(info.Label));
        Assert.Equal("Softoken Project".PadRight(32), Encoding.UTF8.GetString(info.ManufacturerId));
        Assert.Equal("Softoken".PadRight(16), Encoding.UTF8.GetString(info.Model));
    }

    [Theory]
    [InlineData(CryptoSlotId)]
    [InlineData(KeyStorageSlotId)]
    public void UtcTimeIsTheCurrentTime(ulong slot)
    {
        var info = new CK_TOKEN_INFO();
        Assert.Equal(CKR.CKR_OK, LowLevel.C_GetTokenInfo(slot, ref info));
        var text = Encoding.ASCII.GetString(info.UtcTime);
        Assert.Matches("^[0-9]{14}00$", text);
        var time = DateTime.ParseExact(text[..14], "yyyyMMddHHmmss", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
        Assert.InRange(time, DateTime.UtcNow.AddMinutes(-2), DateTime.UtcNow.AddMinutes(2));
    }

    [Fact]
    public void SerialIsStableForOneDatabaseAndUniqueAcrossDatabases()
    {
        var serial = KeyStorageSlot.GetTokenInfo().SerialNumber;
        Assert.Matches("^[0-9A-F]{16}$", serial);
        Assert.NotEqual(CryptoSlot.GetTokenInfo().SerialNumber, serial);

        Restart();
        Assert.Equal(serial, KeyStorageSlot.GetTokenInfo().SerialNumber);
        KeyStorageSlot.InitToken("so-pin", "Renamed");
        Assert.Equal(serial, KeyStorageSlot.GetTokenInfo().SerialNumber);
        Assert.Equal("Renamed", KeyStorageSlot.GetTokenInfo().Label);

        var others = new HashSet<string> { serial };
        for (int i = 0; i < 3; i++)
        {
            Shutdown();
            Env.Set("SOFTOKEN_PARAMS", $"configdir='sql:{Fixture.NewDatabaseDirectory()}' {FastPins}");
            var library = Factories.Pkcs11LibraryFactory.LoadPkcs11Library(Factories, Softoken.TestSupport.ModulePath.Value, AppType.MultiThreaded);
            AdoptLibrary(library);
            Assert.True(others.Add(KeyStorageSlot.GetTokenInfo().SerialNumber), "two databases share a serial");
        }
    }

    [Fact]
    public void SessionCountsArePerSlotAndFollowOpenAndClose()
    {
        var ro1 = OpenSession(KeyStorageSlotId);
        var ro2 = OpenSession(KeyStorageSlotId);
        var rw = OpenSession(KeyStorageSlotId, readWrite: true);
        var crypto = OpenSession(CryptoSlotId, readWrite: true);
        AssertCounts(KeyStorageSlotId, 3, 1);
        AssertCounts(CryptoSlotId, 1, 1);
        rw.CloseSession();
        AssertCounts(KeyStorageSlotId, 2, 0);
        ro1.CloseSession();
        ro2.CloseSession();
        crypto.CloseSession();
        AssertCounts(KeyStorageSlotId, 0, 0);
        AssertCounts(CryptoSlotId, 0, 0);
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(3UL)]
    [InlineData(ulong.MaxValue)]
    public void UnknownSlotIsSlotIdInvalid(ulong slot)
    {
        var slotInfo = new CK_SLOT_INFO();
        var tokenInfo = new CK_TOKEN_INFO();
        var mechanismInfo = new CK_MECHANISM_INFO();
        ulong count = 0;
        Assert.Equal(CKR.CKR_SLOT_ID_INVALID, LowLevel.C_GetSlotInfo(slot, ref slotInfo));
        Assert.Equal(CKR.CKR_SLOT_ID_INVALID, LowLevel.C_GetTokenInfo(slot, ref tokenInfo));
        Assert.Equal(CKR.CKR_SLOT_ID_INVALID, LowLevel.C_GetMechanismList(slot, null, ref count));
        Assert.Equal(CKR.CKR_SLOT_ID_INVALID, LowLevel.C_GetMechanismInfo(slot, CKM.CKM_SHA256, ref mechanismInfo));
        Assert.Equal(CKR.CKR_SLOT_ID_INVALID, OpenRawSession(slot, CKF.CKF_SERIAL_SESSION, out _));
        Assert.Equal(CKR.CKR_SLOT_ID_INVALID, LowLevel.C_CloseAllSessions(slot));
        var label = Encoding.ASCII.GetBytes("label".PadRight(32));
        Assert.Equal(CKR.CKR_SLOT_ID_INVALID, LowLevel.C_InitToken(slot, "1234"u8.ToArray(), 4, label));
    }

    [Theory]
    [InlineData(CKU.CKU_USER)]
    [InlineData(CKU.CKU_SO)]
    [InlineData(CKU.CKU_CONTEXT_SPECIFIC)]
    public void LoginOnTheCryptoSlotIsUserTypeInvalid(CKU user)
    {
        var session = OpenSession(CryptoSlotId, readWrite: true);
        Expect.Rv(CKR.CKR_USER_TYPE_INVALID, () => session.Login(user, ""));
        Expect.Rv(CKR.CKR_USER_TYPE_INVALID, () => session.Login(user, "1234"));
        Expect.Rv(CKR.CKR_USER_NOT_LOGGED_IN, session.Logout);
    }

    [Fact]
    public void CryptoTokenCannotBeInitialised() =>
        Expect.Rv(CKR.CKR_TOKEN_WRITE_PROTECTED, () => CryptoSlot.InitToken("so-pin", "label"));

    private void AssertCounts(ulong slot, ulong sessions, ulong readWrite)
    {
        var info = Slot(slot).GetTokenInfo();
        Assert.Equal(sessions, info.SessionCount);
        Assert.Equal(readWrite, info.RwSessionCount);
    }

    private static void AssertCommonTokenFields(ITokenInfo info)
    {
        Assert.Equal(CK_EFFECTIVELY_INFINITE, info.MaxSessionCount);
        Assert.Equal(CK_EFFECTIVELY_INFINITE, info.MaxRwSessionCount);
        Assert.Equal(0UL, info.SessionCount);
        Assert.Equal(0UL, info.RwSessionCount);
        Assert.Equal(0UL, info.MinPinLen);
        Assert.Equal(255UL, info.MaxPinLen);
        Assert.Equal(CK_UNAVAILABLE_INFORMATION, info.TotalPublicMemory);
        Assert.Equal(CK_UNAVAILABLE_INFORMATION, info.FreePublicMemory);
        Assert.Equal(CK_UNAVAILABLE_INFORMATION, info.TotalPrivateMemory);
        Assert.Equal(CK_UNAVAILABLE_INFORMATION, info.FreePrivateMemory);
        Assert.Equal(16, info.SerialNumber.Length);
    }
}
