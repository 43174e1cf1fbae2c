using Net.Pkcs11Interop.Common;
using Softoken.NativeTests.Infrastructure;

namespace Softoken.NativeTests;

/// <summary>Issue 2, item 10: C_GenerateRandom and C_SeedRandom on both slots without login.</summary>
public sealed class RandomTests(ModuleFixture fixture) : InitializedModuleTest(fixture)
{
    [Theory]
    [InlineData(CryptoSlotId)]
    [InlineData(KeyStorageSlotId)]
    public void GenerateRandomWorksWithoutLogin(ulong slot)
    {
        var session = OpenSession(slot);
        var a = session.GenerateRandom(64);
        var b = session.GenerateRandom(64);
        Assert.Equal(64, a.Length);
        Assert.NotEqual(a, b);
        Assert.True(a.Distinct().Count() > 16, "64 random bytes with at most 16 distinct values");
    }

    [Fact]
    public void GenerateRandomFillsALargeBufferCompletely()
    {
        var session = OpenSession(CryptoSlotId);
        var data = new byte[1 << 20];
        Assert.Equal(CKR.CKR_OK, LowLevel.C_GenerateRandom(session.SessionId, data, (ulong)data.Length));
        // Every byte value appears in 1 MiB of random output (each is missing with probability ~e^-4096).
        Assert.Equal(256, data.Distinct().Count());
        Assert.True(data[^4096..].Distinct().Count() > 200, "the tail of the buffer was not filled");
    }

    [Fact]
    public void GenerateRandomOfZeroBytesIsOk()
    {
        var session = OpenSession(CryptoSlotId);
        Assert.Equal(CKR.CKR_OK, LowLevel.C_GenerateRandom(session.SessionId, [], 0));
        Assert.Equal(CKR.CKR_OK, Raw.Call("C_GenerateRandom", (nuint)session.SessionId, 0, 0));
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(1UL)]
    [InlineData(4095UL)]
    public void GenerateRandomIntoABadPointerIsArgumentsBad(ulong pointer)
    {
        var session = OpenSession(KeyStorageSlotId);
        Assert.Equal(CKR.CKR_ARGUMENTS_BAD, Raw.Call("C_GenerateRandom", (nuint)session.SessionId, (nuint)pointer, 16));
    }

    [Fact]
    public void GenerateRandomOnAnInvalidSessionIsSessionHandleInvalid()
    {
        Assert.Equal(CKR.CKR_SESSION_HANDLE_INVALID, LowLevel.C_GenerateRandom(0, new byte[8], 8));
        Assert.Equal(CKR.CKR_SESSION_HANDLE_INVALID, LowLevel.C_GenerateRandom(4242, new byte[8], 8));
    }

    [Theory]
    [InlineData(CryptoSlotId)]
    [InlineData(KeyStorageSlotId)]
    public void SeedRandomIsAcceptedAndTheOutputStaysUnpredictable(ulong slot)
    {
        var first = OpenSession(slot);
        var second = OpenSession(slot);
        byte[] seed = [.. Enumerable.Range(0, 32).Select(i => (byte)i)];
        first.SeedRandom(seed);
        var a = first.GenerateRandom(32);
        second.SeedRandom(seed);
        var b = second.GenerateRandom(32);
        Assert.NotEqual(a, b);
        Assert.Equal(CKR.CKR_OK, LowLevel.C_SeedRandom(first.SessionId, [], 0));
    }

    [Fact]
    public void SeedRandomWithNullSeedAndLengthIsArgumentsBad()
    {
        var session = OpenSession(CryptoSlotId);
        Assert.Equal(CKR.CKR_ARGUMENTS_BAD, Raw.Call("C_SeedRandom", (nuint)session.SessionId, 0, 16));
        Assert.Equal(CKR.CKR_ARGUMENTS_BAD, Raw.Call("C_SeedRandom", (nuint)session.SessionId, 1, 16));
        Assert.Equal(CKR.CKR_SESSION_HANDLE_INVALID, LowLevel.C_SeedRandom(0, [1], 1));
    }
}
