using System.Runtime.InteropServices;
using Net.Pkcs11Interop.Common;
using Softoken.NativeTests.Infrastructure;

namespace Softoken.NativeTests;

/// <summary>Issue 2, item 5: C_GetFunctionList (2.40), C_GetInterfaceList / C_GetInterface ("PKCS 11" 3.0, the
/// default, 3.2 and 2.40), every function present, and what the functions later issues implement answer now.</summary>
public sealed class ExportsTests(ModuleFixture fixture) : ModuleTest(fixture)
{
    private const int InterfaceSize = 24;

    [Fact]
    public void EveryFunctionOfThe32ListIsExportedByName()
    {
        Assert.Equal(104, Pkcs11Functions.All.Length);
        foreach (var (name, _) in Pkcs11Functions.All)
        {
            Assert.True(Raw.TryGetExport(name, out var address) && address != IntPtr.Zero, $"{name} is not exported");
        }
    }

    [Fact]
    public void GetFunctionListGivesVersion240WithEveryFunctionInSpecificationOrder()
    {
        Expect.Ok(LowLevel.C_GetFunctionList(out var list));
        AssertFunctionList(list, 2, 40, Pkcs11Functions.Version240Count);
    }

    [Fact]
    public void GetFunctionListWithNullArgumentIsArgumentsBad() =>
        Assert.Equal(CKR.CKR_ARGUMENTS_BAD, Raw.Call("C_GetFunctionList", 0));

    [Fact]
    public void GetInterfaceListOffersPkcs11Version30ThenVersion32ThenVersion240ThenNssKem()
    {
        using var count = NativeBuffer.Ulong(0);
        Assert.Equal(CKR.CKR_OK, Raw.Call("C_GetInterfaceList", 0, count.Address));
        Assert.Equal(4UL, count.ReadUlong());

        using var list = new NativeBuffer(4 * InterfaceSize);
        Assert.Equal(CKR.CKR_OK, Raw.Call("C_GetInterfaceList", list.Address, count.Address));
        Assert.Equal(4UL, count.ReadUlong());
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(i < 3 ? "PKCS 11" : "Vendor NSS KEM Interface", Marshal.PtrToStringUTF8(list.ReadPointer(i * InterfaceSize)));
            Assert.Equal(0UL, list.ReadUlong(i * InterfaceSize + 16));
        }
        var kem = list.ReadPointer(3 * InterfaceSize + 8);
        Assert.Equal(new byte[] { 1, 0 }, new[] { Marshal.ReadByte(kem), Marshal.ReadByte(kem, 1) });
        Assert.NotEqual(IntPtr.Zero, Marshal.ReadIntPtr(kem, 8));
        Assert.NotEqual(IntPtr.Zero, Marshal.ReadIntPtr(kem, 16));
        AssertFunctionList(list.ReadPointer(8), 3, 0, Pkcs11Functions.Version30Count);
        AssertFunctionList(list.ReadPointer(InterfaceSize + 8), 3, 2, Pkcs11Functions.Version32Count);
        AssertFunctionList(list.ReadPointer(2 * InterfaceSize + 8), 2, 40, Pkcs11Functions.Version240Count);
    }

    [Fact]
    public void GetInterfaceListFollowsTheOutputBufferConvention()
    {
        using var count = NativeBuffer.Ulong(3);
        using var list = new NativeBuffer(4 * InterfaceSize, NativeBuffer.Canary);
        Assert.Equal(CKR.CKR_BUFFER_TOO_SMALL, Raw.Call("C_GetInterfaceList", list.Address, count.Address));
        Assert.Equal(4UL, count.ReadUlong());
        Assert.All(list.Read(), b => Assert.Equal(NativeBuffer.Canary, b));
        Assert.Equal(CKR.CKR_ARGUMENTS_BAD, Raw.Call("C_GetInterfaceList", list.Address, 0));
        Assert.Equal(CKR.CKR_ARGUMENTS_BAD, Raw.Call("C_GetInterfaceList", 0, 0));
    }

    [Fact]
    public void GetInterfaceByNameAndVersion()
    {
        Assert.Equal((3, 0, 92), Interface("PKCS 11", (3, 0)));
        Assert.Equal((3, 2, 104), Interface("PKCS 11", (3, 2)));
        Assert.Equal((2, 40, 68), Interface("PKCS 11", (2, 40)));
    }

    [Fact]
    public void GetInterfaceDefaultIsVersion30()
    {
        Assert.Equal((3, 0, 92), Interface(null, null));
        Assert.Equal((3, 0, 92), Interface("PKCS 11", null));
        Assert.Equal((2, 40, 68), Interface(null, (2, 40)));
    }

    [Theory]
    [InlineData("PKCS 12", 3, 0)]
    [InlineData("PKCS 11 ", 3, 0)]
    [InlineData("Vendor NSS", 3, 0)]
    [InlineData("PKCS 11", 2, 20)]
    [InlineData("PKCS 11", 3, 1)]
    [InlineData("PKCS 11", 3, 3)]
    public void GetInterfaceWithUnknownNameOrVersionIsArgumentsBad(string name, byte major, byte minor)
    {
        using var nameBuffer = NativeBuffer.Utf8(name);
        using var version = NativeBuffer.Of([major, minor]);
        using var result = new NativeBuffer(8);
        Assert.Equal(CKR.CKR_ARGUMENTS_BAD, Raw.Call("C_GetInterface", nameBuffer.Address, version.Address, result.Address, 0));
    }

    [Fact]
    public void GetInterfaceWithFlagsNotOfferedOrNullResultIsArgumentsBad()
    {
        const nuint CKF_INTERFACE_FORK_SAFE = 1;
        using var result = new NativeBuffer(8);
        Assert.Equal(CKR.CKR_ARGUMENTS_BAD, Raw.Call("C_GetInterface", 0, 0, result.Address, CKF_INTERFACE_FORK_SAFE));
        Assert.Equal(CKR.CKR_ARGUMENTS_BAD, Raw.Call("C_GetInterface", 0, 0, 0, 0));
        Assert.Equal(CKR.CKR_ARGUMENTS_BAD, Raw.Call("C_GetInterface", 1, 0, result.Address, 0));
    }

    [Fact]
    public void BeforeInitializeEveryOtherFunctionAnswersCryptokiNotInitialized()
    {
        foreach (var (name, _) in Pkcs11Functions.All)
        {
            if (Pkcs11Functions.UsableBeforeInitialize.Contains(name)) continue;
            Assert.True(Pkcs11Functions.CallWithZeros(Raw, name) == CKR.CKR_CRYPTOKI_NOT_INITIALIZED,
                $"{name} before C_Initialize answered {Pkcs11Functions.CallWithZeros(Raw, name)}");
        }
    }

    [Fact]
    public void AfterInitializeFunctionsOfLaterIssuesAnswerFunctionNotSupported()
    {
        Initialize();
        foreach (var name in Pkcs11Functions.NotYetImplemented)
        {
            var rv = Pkcs11Functions.CallWithZeros(Raw, name);
            Assert.True(rv == CKR.CKR_FUNCTION_NOT_SUPPORTED, $"{name} answered {rv}");
        }
    }

    [Fact]
    public void AfterFinalizeFunctionsAnswerCryptokiNotInitializedAgain()
    {
        Initialize();
        Shutdown();
        foreach (var name in new[] { "C_GetInfo", "C_GetSlotList", "C_OpenSession", "C_Finalize", "C_EncryptInit", "C_SignMessage" })
        {
            Assert.Equal(CKR.CKR_CRYPTOKI_NOT_INITIALIZED, Pkcs11Functions.CallWithZeros(Raw, name));
        }
    }

    [Fact]
    public void GetInfoDescribesTheLibraryWithBlankPaddedStrings()
    {
        Initialize();
        using var info = new NativeBuffer(88, NativeBuffer.Canary);
        Assert.Equal(CKR.CKR_OK, Raw.Call("C_GetInfo", info.Address));
        var bytes = info.Read();
        Assert.Equal(new byte[] { 3, 0 }, bytes[..2]);
        Assert.Equal("Softoken Project".PadRight(32), System.Text.Encoding.UTF8.GetString(bytes, 2, 32));
        Assert.Equal(0UL, info.ReadUlong(40));
        Assert.Equal("Softoken software PKCS #11 token".PadRight(32), System.Text.Encoding.UTF8.GetString(bytes, 48, 32));

        var high = Library.GetInfo();
        Assert.Equal("3.0", high.CryptokiVersion);
        Assert.Equal("Softoken Project", high.ManufacturerId);
    }

    [Fact]
    public void LegacyParallelFunctionsAnswerFunctionNotParallel()
    {
        Initialize();
        var session = CryptoSlot.OpenSession(SessionType.ReadOnly);
        Assert.Equal(CKR.CKR_FUNCTION_NOT_PARALLEL, LowLevel.C_GetFunctionStatus(session.SessionId));
        Assert.Equal(CKR.CKR_FUNCTION_NOT_PARALLEL, LowLevel.C_CancelFunction(session.SessionId));
        Assert.Equal(CKR.CKR_SESSION_HANDLE_INVALID, LowLevel.C_GetFunctionStatus(0));
        Assert.Equal(CKR.CKR_SESSION_HANDLE_INVALID, LowLevel.C_CancelFunction(12345));
    }

    [Fact]
    public void WaitForSlotEventNeverHasAnEvent()
    {
        Initialize();
        ulong slot = 0;
        Assert.Equal(CKR.CKR_NO_EVENT, LowLevel.C_WaitForSlotEvent(CKF.CKF_DONT_BLOCK, ref slot, IntPtr.Zero));
        Assert.Equal(CKR.CKR_FUNCTION_NOT_SUPPORTED, LowLevel.C_WaitForSlotEvent(0, ref slot, IntPtr.Zero));
        Assert.Equal(CKR.CKR_ARGUMENTS_BAD, LowLevel.C_WaitForSlotEvent(CKF.CKF_DONT_BLOCK, ref slot, 4096));
        Assert.Equal(CKR.CKR_ARGUMENTS_BAD, Raw.Call("C_WaitForSlotEvent", CKF.CKF_DONT_BLOCK, 0, 0));
    }

    /// <summary>Calls C_GetInterface and returns the version and length of the function list it gives.</summary>
    private static (int Major, int Minor, int Functions) Interface(string? name, (byte Major, byte Minor)? version)
    {
        using var nameBuffer = name is null ? null : NativeBuffer.Utf8(name);
        using var versionBuffer = version is null ? null : NativeBuffer.Of([version.Value.Major, version.Value.Minor]);
        using var result = new NativeBuffer(8);
        var rv = Raw.Call("C_GetInterface", nameBuffer?.Address ?? 0, versionBuffer?.Address ?? 0, result.Address, 0);
        Assert.Equal(CKR.CKR_OK, rv);
        var iface = result.ReadPointer();
        Assert.Equal("PKCS 11", Marshal.PtrToStringUTF8(Marshal.ReadIntPtr(iface)));
        var list = Marshal.ReadIntPtr(iface, 8);
        int major = Marshal.ReadByte(list), minor = Marshal.ReadByte(list, 1);
        int functions = (major, minor) switch
        {
            (3, 2) => Pkcs11Functions.Version32Count,
            (3, 0) => Pkcs11Functions.Version30Count,
            _ => Pkcs11Functions.Version240Count,
        };
        AssertFunctionList(list, major, minor, functions);
        return (major, minor, functions);
    }

    /// <summary>A CK_FUNCTION_LIST[_3_0|_3_2]: the version, then one pointer per function, each the export of the same
    /// name.</summary>
    private static void AssertFunctionList(IntPtr list, int major, int minor, int count)
    {
        Assert.NotEqual(IntPtr.Zero, list);
        Assert.Equal(major, Marshal.ReadByte(list));
        Assert.Equal(minor, Marshal.ReadByte(list, 1));
        for (int i = 0; i < count; i++)
        {
            var name = Pkcs11Functions.All[i].Name;
            Assert.True(Raw.TryGetExport(name, out var export));
            Assert.True(Marshal.ReadIntPtr(list, IntPtr.Size * (i + 1)) == export, $"entry {i} is not {name}");
        }
    }
}
