using Softoken.Tokens;

namespace Softoken.Tests.Storage;

public sealed class PinVaultTests
{
    [Fact]
    public void RightPinOpensTheMasterKeyWrongPinDoesNot()
    {
        var key = PinVault.NewMasterKey();
        var record = PinVault.Seal("1234"u8, key, 1000);
        Assert.Equal(key, PinVault.Open("1234"u8, record));
        Assert.Null(PinVault.Open("1235"u8, record));
        Assert.Null(PinVault.Open([], record));
        Assert.False(record.IsEmpty);
        Assert.DoesNotContain(key, new[] { record.Verifier, record.WrappedMasterKey });
    }

    [Fact]
    public void SamePinTwiceGivesDifferentRecords()
    {
        var key = PinVault.NewMasterKey();
        var a = PinVault.Seal("pin"u8, key, 1000);
        var b = PinVault.Seal("pin"u8, key, 1000);
        Assert.NotEqual(a.Salt, b.Salt);
        Assert.NotEqual(a.Verifier, b.Verifier);
    }
}
