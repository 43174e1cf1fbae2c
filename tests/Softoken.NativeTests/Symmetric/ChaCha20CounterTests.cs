using Net.Pkcs11Interop.Common;
using Softoken.NativeTests.Infrastructure;

namespace Softoken.NativeTests.Symmetric;

/// <summary>CKM_CHACHA20 through the .so at initial block counters far from 0: the full 32-bit range with a 96-bit
/// nonce, and a 64-bit counter above 2^32 with a 64-bit nonce. Expected keystreams come from OpenSSL 3.0
/// (`openssl enc -chacha20 -K 000102..1f -iv COUNTER||NONCE` over zero bytes).</summary>
public sealed class ChaCha20CounterTests(ModuleFixture fixture) : SymmetricTest(fixture)
{
    private const ulong CKM_CHACHA20 = 0x1226;
    private const ulong CKK_CHACHA20 = 0x33;

    private static readonly byte[] KeyValue = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();

    private byte[] Parameter(byte[] counter, string nonce)
    {
        var n = Convert.FromHexString(nonce);
        return Struct().Data(counter).Ulong((ulong)counter.Length * 8).Data(n).Ulong((ulong)n.Length * 8).Build();
    }

    [Fact]
    public void LastTwoBlocksOfA96BitNonceMatchOpenSsl()
    {
        var key = Import(CKK_CHACHA20, KeyValue);
        var parameter = Parameter([0xfe, 0xff, 0xff, 0xff], "000000000000004a00000000");
        var single = Session.Encrypt(Mech(CKM_CHACHA20, parameter), key, new byte[128]);
        Assert.StartsWith("143d2a137837a2a369b90769dd68f5ae", ToHex(single));
        Assert.EndsWith("8fa4e76389ea4eb50a9475", ToHex(single));
        Assert.Equal(ToHex(single), ToHex(Multi(true, CKM_CHACHA20, parameter, key, new byte[128], 1, 63, 64, 65)));
        Assert.Equal(new byte[128], Session.Decrypt(Mech(CKM_CHACHA20, parameter), key, single));
    }

    [Fact]
    public void InputPastBlock2To32MinusOneIsDataLenRange()
    {
        var key = Import(CKK_CHACHA20, KeyValue);
        var parameter = Parameter([0xff, 0xff, 0xff, 0xff], "000000000000004a00000000");
        Assert.Equal(64, Session.Encrypt(Mech(CKM_CHACHA20, parameter), key, new byte[64]).Length);
        Expect.Rv(CKR.CKR_DATA_LEN_RANGE, () => Session.Encrypt(Mech(CKM_CHACHA20, parameter), key, new byte[65]));
    }

    [Fact]
    public void SixtyFourBitCounterAbove2To32MatchesOpenSsl()
    {
        var key = Import(CKK_CHACHA20, KeyValue);
        var parameter = Parameter([5, 0, 0, 0, 1, 0, 0, 0], "0001020304050607");
        var single = Session.Encrypt(Mech(CKM_CHACHA20, parameter), key, new byte[100]);
        Assert.StartsWith("2380303393d9683d80a6d56ec959bf46", ToHex(single));
        Assert.EndsWith("4c73d2a22cb7370f", ToHex(single));
        Assert.Equal(ToHex(single), ToHex(Multi(true, CKM_CHACHA20, parameter, key, new byte[100], 3, 64, 99)));
    }
}
