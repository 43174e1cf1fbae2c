using System.Security.Cryptography;
using System.Text;
using Net.Pkcs11Interop.Common;
using Softoken.NativeTests.Infrastructure;

namespace Softoken.NativeTests.Symmetric;

/// <summary>CKM_NSS_HMAC_CONSTANT_TIME and CKM_NSS_SSL3_MAC_CONSTANT_TIME through the .so with
/// CK_NSS_MAC_CONSTANT_TIME_PARAMS: the data is a record's content and its MAC tag, the answer the MAC of header ||
/// content, as libsoftokn3.so 3.87 gives it (RFC 4231 test case 2's key and message; the HMAC also checked with .NET's
/// HMACSHA256 here).</summary>
public sealed class ConstantTimeMacTests(ModuleFixture fixture) : SymmetricTest(fixture)
{
    private const ulong CKM_NSS_HMAC_CONSTANT_TIME = 0xCE534363;
    private const ulong CKM_NSS_SSL3_MAC_CONSTANT_TIME = 0xCE534364;

    private static readonly byte[] Content = Encoding.ASCII.GetBytes("what do ya want for nothing?");

    private byte[] Params(ulong macAlg, ulong total, byte[] header) => Struct().Ulong(macAlg).Ulong(total).DataLen(header).Build();

    private static byte[] Record(int tag) => [.. Content, .. Enumerable.Repeat((byte)0xee, tag)];

    [Fact]
    public void HmacConstantTimeMatchesSoftoknAndHmac()
    {
        var key = Generic(Encoding.ASCII.GetBytes("Jefe"), Attr(CKA.CKA_SIGN, true), Attr(CKA.CKA_VERIFY, true));
        var header = Convert.FromHexString("00000000000000011703030021");
        var parameter = Params((ulong)CKM.CKM_SHA256_HMAC, 200, header);
        var mac = Session.Sign(Mech(CKM_NSS_HMAC_CONSTANT_TIME, parameter), key, Record(32));
        Assert.Equal("a4e7d57722d1bdca57934cf16e394f811f758ffc116601e7385c38cf6d734f5d", ToHex(mac));
        Assert.Equal(ToHex(HMACSHA256.HashData(Encoding.ASCII.GetBytes("Jefe"), (byte[])[.. header, .. Content])), ToHex(mac));
        Assert.Equal(ToHex(mac), ToHex(SignMulti(CKM_NSS_HMAC_CONSTANT_TIME, parameter, key, Record(32), 7, 30)));
        Session.Verify(Mech(CKM_NSS_HMAC_CONSTANT_TIME, parameter), key, Record(32), mac, out bool valid);
        Assert.True(valid);
        Expect.Rv(CKR.CKR_DATA_LEN_RANGE, () => Session.Sign(Mech(CKM_NSS_HMAC_CONSTANT_TIME, parameter), key, Record(3)));
        Expect.Rv(CKR.CKR_MECHANISM_PARAM_INVALID,
            () => Session.Sign(Mech(CKM_NSS_HMAC_CONSTANT_TIME, Params((ulong)CKM.CKM_SHA256_HMAC, 200, new byte[76])), key, Record(32)));
        Expect.Rv(CKR.CKR_MECHANISM_PARAM_INVALID,
            () => Session.Sign(Mech(CKM_NSS_HMAC_CONSTANT_TIME, parameter[..^1]), key, Record(32)));
    }

    [Fact]
    public void Ssl3MacConstantTimeMatchesSoftokn()
    {
        var key = Generic(Convert.FromHexString("0102030405060708090a0b0c0d0e0f1011121314"), Attr(CKA.CKA_SIGN, true), Attr(CKA.CKA_VERIFY, true));
        var parameter = Params((ulong)CKM.CKM_SSL3_SHA1_MAC, 56, Convert.FromHexString("000000000000000117001c"));
        var mac = Session.Sign(Mech(CKM_NSS_SSL3_MAC_CONSTANT_TIME, parameter), key, Record(20));
        Assert.Equal("db3cacb939175f2f2576ba1328b2108eb6208943", ToHex(mac));
        Session.Verify(Mech(CKM_NSS_SSL3_MAC_CONSTANT_TIME, parameter), key, Record(20), mac, out bool valid);
        Assert.True(valid);
        Expect.Rv(CKR.CKR_MECHANISM_PARAM_INVALID, () => Session.Sign(Mech(CKM_NSS_SSL3_MAC_CONSTANT_TIME,
            Params((ulong)CKM.CKM_SHA_1_HMAC, 56, Convert.FromHexString("000000000000000117001c"))), key, Record(20)));
    }
}
