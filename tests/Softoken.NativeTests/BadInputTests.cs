using Net.Pkcs11Interop.Common;
using Softoken.NativeTests.Infrastructure;

namespace Softoken.NativeTests;

/// <summary>Issue 2, item 11: bad input never crashes the host. NULL and garbage pointers (below 4096, never
/// dereferenced), impossible lengths and unknown handles all come back as the specification's CK_RV; the test
/// process surviving every call is part of the assertion.</summary>
public sealed class BadInputTests : InitializedModuleTest
{
    private const nuint CKM_SHA256 = 0x250;
    private readonly nuint session;
    private readonly NativeBuffer data = NativeBuffer.Of("abc"u8);
    private readonly NativeBuffer output = new(64);
    private readonly NativeBuffer length = NativeBuffer.Ulong(64);
    private readonly NativeBuffer sha256 = new(24);

    public BadInputTests(ModuleFixture fixture) : base(fixture)
    {
        session = (nuint)OpenSession(KeyStorageSlotId, readWrite: true).SessionId;
        sha256.WriteUlong(0, CKM_SHA256);
    }

    public override void Dispose()
    {
        base.Dispose();
        foreach (var buffer in new[] { data, output, length, sha256 }) buffer.Dispose();
    }

    /// <summary>Pointers a test suite passes on purpose: NULL, and addresses in the never-mapped first page.</summary>
    public static TheoryData<ulong> BadPointers => [0, 1, 8, 4095];

    [Theory]
    [MemberData(nameof(BadPointers))]
    public void BadOutputPointersAreArgumentsBad(ulong pointer)
    {
        var p = (nuint)pointer;
        AssertArgumentsBad("C_GetInfo", p);
        AssertArgumentsBad("C_GetFunctionList", p);
        AssertArgumentsBad("C_GetSlotList", 0, 0, p);
        AssertArgumentsBad("C_GetSlotInfo", 1, p);
        AssertArgumentsBad("C_GetTokenInfo", 2, p);
        AssertArgumentsBad("C_GetMechanismList", 1, 0, p);
        AssertArgumentsBad("C_GetMechanismInfo", 1, CKM_SHA256, p);
        AssertArgumentsBad("C_OpenSession", 2, (nuint)CKF.CKF_SERIAL_SESSION, 0, 0, p);
        AssertArgumentsBad("C_GetSessionInfo", session, p);
        AssertArgumentsBad("C_GetInterfaceList", 0, p);
        AssertArgumentsBad("C_GetInterface", 0, 0, p, 0);
        AssertArgumentsBad("C_WaitForSlotEvent", (nuint)CKF.CKF_DONT_BLOCK, p, 0);
    }

    /// <summary>PKCS #11 v3.0 section 5.12: C_Digest and C_DigestFinal end the operation on any answer but a
    /// length query or CKR_BUFFER_TOO_SMALL, and C_DigestUpdate on any error; bad arguments are no exception.</summary>
    [Theory]
    [MemberData(nameof(BadPointers))]
    public void BadArgumentsToDigestFunctionsAreArgumentsBadAndEndTheOperation(ulong pointer)
    {
        var p = (nuint)pointer;
        AssertDigestEndsAfter("C_Digest", session, data.Address, 3, output.Address, p);
        AssertDigestEndsAfter("C_Digest", session, data.Address, 3, 0, p);
        AssertDigestEndsAfter("C_DigestFinal", session, output.Address, p);
        AssertDigestEndsAfter("C_DigestUpdate", session, p, 3);
        if (p != 0)
        {
            AssertDigestEndsAfter("C_Digest", session, p, 3, output.Address, length.Address);
            AssertDigestEndsAfter("C_Digest", session, data.Address, 3, p, length.Address);
            AssertDigestEndsAfter("C_DigestFinal", session, p, length.Address);
        }
        AssertArgumentsBad("C_GetSlotList", 0, output.Address, p);
        AssertArgumentsBad("C_GetInterfaceList", output.Address, p);
    }

    [Theory]
    [MemberData(nameof(BadPointers))]
    public void BadInputPointersWithALengthAreArgumentsBad(ulong pointer)
    {
        var p = (nuint)pointer;
        AssertArgumentsBad("C_DigestInit", session, p);
        Assert.Equal(CKR.CKR_OK, Raw.Call("C_DigestInit", session, sha256.Address));
        AssertArgumentsBad("C_DigestUpdate", session, p, 3);
        AssertArgumentsBad("C_GenerateRandom", session, p, 16);
        AssertArgumentsBad("C_SeedRandom", session, p, 16);
        AssertArgumentsBad("C_Login", session, (nuint)CKU.CKU_USER, p, 4);
        AssertArgumentsBad("C_LoginUser", session, (nuint)CKU.CKU_USER, data.Address, 3, p, 5);
        AssertArgumentsBad("C_InitPIN", session, p, 4);
        AssertArgumentsBad("C_SetPIN", session, p, 4, data.Address, 3);
        AssertArgumentsBad("C_SetPIN", session, data.Address, 3, p, 4);
        Assert.Equal(CKR.CKR_OK, Raw.Call("C_CloseSession", session));
        AssertArgumentsBad("C_InitToken", 2, p, 4, output.Address);
        AssertArgumentsBad("C_InitToken", 2, data.Address, 3, p);
    }

    [Fact]
    public void GarbageMechanismParameterIsArgumentsBad()
    {
        using var mechanism = new NativeBuffer(24);
        mechanism.WriteUlong(0, CKM_SHA256);
        mechanism.WriteUlong(8, 16);
        mechanism.WriteUlong(16, 4);
        AssertArgumentsBad("C_DigestInit", session, mechanism.Address);
        Assert.Equal(CKR.CKR_OK, Raw.Call("C_DigestInit", session, sha256.Address));
    }

    [Theory]
    [InlineData(0x1_0000_0000UL)]
    [InlineData(0x8000_0000_0000_0000UL)]
    [InlineData(ulong.MaxValue)]
    public void ImpossibleLengthsAreArgumentsBad(ulong huge)
    {
        var n = (nuint)huge;
        Assert.Equal(CKR.CKR_OK, Raw.Call("C_DigestInit", session, sha256.Address));
        AssertArgumentsBad("C_DigestUpdate", session, data.Address, n);
        AssertArgumentsBad("C_GenerateRandom", session, output.Address, n);
        AssertArgumentsBad("C_SeedRandom", session, data.Address, n);
        AssertArgumentsBad("C_Login", session, (nuint)CKU.CKU_USER, data.Address, n);
        AssertArgumentsBad("C_SetPIN", session, data.Address, n, data.Address, 3);
    }

    [Fact]
    public void NonTerminatedOrHugeParameterStringsDoNotCrashInitialize()
    {
        Shutdown();
        // 64 KiB of non-NUL bytes followed by a NUL: longer than any parameter string the module accepts.
        var bytes = Enumerable.Repeat((byte)'x', 70_000).Append((byte)0).ToArray();
        using var text = NativeBuffer.Of(bytes);
        using var args = new NativeBuffer(48);
        args.WriteUlong(32, CKF.CKF_OS_LOCKING_OK);
        args.WriteUlong(40, (ulong)text.Address);
        Assert.Equal(CKR.CKR_ARGUMENTS_BAD, Raw.Call("C_Initialize", args.Address));
        Assert.Equal(CKR.CKR_CRYPTOKI_NOT_INITIALIZED, Raw.Call("C_Finalize", 0));
    }

    [Fact]
    public void CallsInTheWrongStateReturnTheirCodes()
    {
        Assert.Equal(CKR.CKR_OPERATION_NOT_INITIALIZED, Raw.Call("C_DigestFinal", session, output.Address, length.Address));
        Assert.Equal(CKR.CKR_USER_NOT_LOGGED_IN, Raw.Call("C_Logout", session));
        Assert.Equal(CKR.CKR_USER_NOT_LOGGED_IN, Raw.Call("C_InitPIN", session, data.Address, 3));
        Assert.Equal(CKR.CKR_CRYPTOKI_ALREADY_INITIALIZED, Raw.Call("C_Initialize", 0));
        Shutdown();
        Assert.Equal(CKR.CKR_CRYPTOKI_NOT_INITIALIZED, Raw.Call("C_GetSessionInfo", session, output.Address));
        Assert.Equal(CKR.CKR_CRYPTOKI_NOT_INITIALIZED, Raw.Call("C_CloseSession", session));
        Assert.Equal(CKR.CKR_CRYPTOKI_NOT_INITIALIZED, Raw.Call("C_GetTokenInfo", 2, 0));
    }

    private void AssertDigestEndsAfter(string function, params nuint[] arguments)
    {
        Assert.Equal(CKR.CKR_OK, Raw.Call("C_DigestInit", session, sha256.Address));
        length.WriteUlong(0, 64);
        AssertArgumentsBad(function, arguments);
        Assert.Equal(CKR.CKR_OPERATION_NOT_INITIALIZED, Raw.Call("C_DigestUpdate", session, data.Address, 3));
    }

    private static void AssertArgumentsBad(string function, params nuint[] arguments)
    {
        var rv = Raw.Call(function, arguments);
        Assert.True(rv == CKR.CKR_ARGUMENTS_BAD, $"{function}({string.Join(", ", arguments.Select(a => $"0x{a:x}"))}) answered {rv}");
    }
}
