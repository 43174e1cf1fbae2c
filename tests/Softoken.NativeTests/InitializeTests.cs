using System.Runtime.InteropServices;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.LowLevelAPI80;
using Softoken.NativeTests.Infrastructure;

namespace Softoken.NativeTests;

/// <summary>Issue 2, item 6: C_Initialize and C_Finalize per PKCS #11 v3.0 section 5.4, through the low-level API
/// so that every field of CK_C_INITIALIZE_ARGS is under the test's control.</summary>
public sealed class InitializeTests(ModuleFixture fixture) : ModuleTest(fixture)
{
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate nuint MutexCallback(IntPtr mutex);

    /// <summary>Callbacks that would work if called; Softoken uses the OS primitives and never calls them.</summary>
    private static readonly MutexCallback Succeed = _ => 0;
    private static readonly IntPtr Callback = Marshal.GetFunctionPointerForDelegate(Succeed);

    private bool IsInitialized
    {
        get
        {
            var info = new CK_INFO();
            var rv = LowLevel.C_GetInfo(ref info);
            Assert.True(rv is CKR.CKR_OK or CKR.CKR_CRYPTOKI_NOT_INITIALIZED, $"C_GetInfo answered {rv}");
            return rv == CKR.CKR_OK;
        }
    }

    private static CK_C_INITIALIZE_ARGS Args(int callbacks, ulong flags, IntPtr reserved = default) => new()
    {
        CreateMutex = (callbacks & 1) != 0 ? Callback : IntPtr.Zero,
        DestroyMutex = (callbacks & 2) != 0 ? Callback : IntPtr.Zero,
        LockMutex = (callbacks & 4) != 0 ? Callback : IntPtr.Zero,
        UnlockMutex = (callbacks & 8) != 0 ? Callback : IntPtr.Zero,
        Flags = flags,
        Reserved = reserved,
    };

    [Fact]
    public void NullArgumentsInitialiseWithTheEnvironmentsConfiguration()
    {
        Assert.Equal(CKR.CKR_OK, LowLevel.C_Initialize(null));
        Assert.True(IsInitialized);
        Assert.True(File.Exists(DatabaseFile));
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(CKF.CKF_OS_LOCKING_OK)]
    [InlineData(CKF.CKF_LIBRARY_CANT_CREATE_OS_THREADS | CKF.CKF_OS_LOCKING_OK)]
    public void NoCallbacksAreAcceptedWithOrWithoutOsLocking(ulong flags)
    {
        Assert.Equal(CKR.CKR_OK, LowLevel.C_Initialize(Args(0, flags)));
        Assert.True(IsInitialized);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(10)]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    [InlineData(14)]
    public void SomeButNotAllMutexCallbacksAreArgumentsBad(int callbacks)
    {
        Assert.Equal(CKR.CKR_ARGUMENTS_BAD, LowLevel.C_Initialize(Args(callbacks, 0)));
        Assert.Equal(CKR.CKR_ARGUMENTS_BAD, LowLevel.C_Initialize(Args(callbacks, CKF.CKF_OS_LOCKING_OK)));
        Assert.False(IsInitialized);
    }

    [Fact]
    public void AllMutexCallbacksWithoutOsLockingOkIsCantLock()
    {
        Assert.Equal(CKR.CKR_CANT_LOCK, LowLevel.C_Initialize(Args(15, 0)));
        Assert.False(IsInitialized);
    }

    [Fact]
    public void AllMutexCallbacksWithOsLockingOkAreAccepted()
    {
        Assert.Equal(CKR.CKR_OK, LowLevel.C_Initialize(Args(15, CKF.CKF_OS_LOCKING_OK)));
        Assert.True(IsInitialized);
        Assert.Equal(CKR.CKR_OK, LowLevel.C_Finalize(IntPtr.Zero));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    [InlineData(4095)]
    public void GarbagePReservedIsArgumentsBad(long reserved)
    {
        Assert.Equal(CKR.CKR_ARGUMENTS_BAD, LowLevel.C_Initialize(Args(0, CKF.CKF_OS_LOCKING_OK, (IntPtr)reserved)));
        Assert.False(IsInitialized);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4095)]
    public void GarbageInitArgsPointerIsArgumentsBad(long pointer)
    {
        Assert.Equal(CKR.CKR_ARGUMENTS_BAD, Raw.Call("C_Initialize", (nuint)pointer));
        Assert.False(IsInitialized);
    }

    [Fact]
    public void NssParameterStringInPReservedSelectsTheDatabaseDirectory()
    {
        var other = Fixture.NewDatabaseDirectory();
        using var parameters = NativeBuffer.Utf8(
            $"configdir='sql:{other}' certPrefix='' keyPrefix='' secmod='secmod.db' flags= {FastPins}");
        Assert.Equal(CKR.CKR_OK, LowLevel.C_Initialize(Args(0, CKF.CKF_OS_LOCKING_OK, parameters.Pointer)));
        Assert.True(File.Exists(Path.Combine(other, "softoken.db")));
        Assert.False(File.Exists(DatabaseFile), "SOFTOKEN_PARAMS must not be used when pReserved has parameters");
    }

    [Fact]
    public void SecondInitializeIsAlreadyInitializedAndChangesNothing()
    {
        Assert.Equal(CKR.CKR_OK, LowLevel.C_Initialize(null));
        Assert.Equal(CKR.CKR_OK, OpenRawSession(CryptoSlotId, CKF.CKF_SERIAL_SESSION, out var session));
        Assert.Equal(CKR.CKR_CRYPTOKI_ALREADY_INITIALIZED, LowLevel.C_Initialize(null));
        Assert.Equal(CKR.CKR_CRYPTOKI_ALREADY_INITIALIZED, LowLevel.C_Initialize(Args(0, CKF.CKF_OS_LOCKING_OK)));
        var info = new CK_SESSION_INFO();
        Assert.Equal(CKR.CKR_OK, LowLevel.C_GetSessionInfo(session, ref info));
    }

    [Fact]
    public void FinalizeWithNonNullReservedIsArgumentsBadAndKeepsTheModuleInitialized()
    {
        Assert.Equal(CKR.CKR_OK, LowLevel.C_Initialize(null));
        using var something = new NativeBuffer(16);
        Assert.Equal(CKR.CKR_ARGUMENTS_BAD, LowLevel.C_Finalize(something.Pointer));
        Assert.Equal(CKR.CKR_ARGUMENTS_BAD, LowLevel.C_Finalize(1));
        Assert.True(IsInitialized);
        Assert.Equal(CKR.CKR_OK, LowLevel.C_Finalize(IntPtr.Zero));
        Assert.False(IsInitialized);
    }

    [Fact]
    public void FinalizeWhenNotInitializedIsCryptokiNotInitialized()
    {
        Assert.Equal(CKR.CKR_CRYPTOKI_NOT_INITIALIZED, LowLevel.C_Finalize(IntPtr.Zero));
        Assert.Equal(CKR.CKR_OK, LowLevel.C_Initialize(null));
        Assert.Equal(CKR.CKR_OK, LowLevel.C_Finalize(IntPtr.Zero));
        Assert.Equal(CKR.CKR_CRYPTOKI_NOT_INITIALIZED, LowLevel.C_Finalize(IntPtr.Zero));
    }

    [Fact]
    public void FinalizeThenInitializeManyTimesInOneProcess()
    {
        var second = Fixture.NewDatabaseDirectory();
        using var first = NativeBuffer.Utf8(Parameters());
        using var other = NativeBuffer.Utf8($"configdir='sql:{second}' {FastPins}");
        var serials = new HashSet<string>[] { [], [] };
        for (int round = 0; round < 60; round++)
        {
            var parameters = round % 2 == 0 ? first : other;
            Assert.Equal(CKR.CKR_OK, LowLevel.C_Initialize(Args(0, CKF.CKF_OS_LOCKING_OK, parameters.Pointer)));

            // Nothing survives C_Finalize: the previous round's session handle 1 is unknown now.
            var stale = new CK_SESSION_INFO();
            Assert.Equal(CKR.CKR_SESSION_HANDLE_INVALID, LowLevel.C_GetSessionInfo(1, ref stale));

            Assert.Equal(CKR.CKR_OK, OpenRawSession(KeyStorageSlotId, CKF.CKF_SERIAL_SESSION | CKF.CKF_RW_SESSION, out var session));
            Assert.Equal(1UL, session);
            var mechanism = CkmUtils.CreateMechanism(CKM.CKM_SHA256);
            Assert.Equal(CKR.CKR_OK, LowLevel.C_DigestInit(session, ref mechanism));
            ulong length = 32;
            var digest = new byte[32];
            Assert.Equal(CKR.CKR_OK, LowLevel.C_Digest(session, "abc"u8.ToArray(), 3, digest, ref length));
            Assert.Equal(DigestTests.Sha256Abc, Convert.ToHexStringLower(digest));

            var token = new CK_TOKEN_INFO();
            Assert.Equal(CKR.CKR_OK, LowLevel.C_GetTokenInfo(KeyStorageSlotId, ref token));
            serials[round % 2].Add(System.Text.Encoding.ASCII.GetString(token.SerialNumber));

            Assert.Equal(CKR.CKR_OK, LowLevel.C_Finalize(IntPtr.Zero));
            Assert.False(IsInitialized);
        }
        Assert.Single(serials[0]);
        Assert.Single(serials[1]);
        Assert.NotEqual(serials[0].Single(), serials[1].Single());
    }

    [Fact]
    public void LoginDoesNotSurviveReinitialization()
    {
        Initialize();
        SetUserPin("1234");
        var session = OpenSession(KeyStorageSlotId);
        session.Login(CKU.CKU_USER, "1234");
        Assert.Equal(CKS.CKS_RO_USER_FUNCTIONS, session.GetSessionInfo().State);
        Restart();
        Assert.Equal(CKS.CKS_RO_PUBLIC_SESSION, OpenSession(KeyStorageSlotId).GetSessionInfo().State);
    }
}
