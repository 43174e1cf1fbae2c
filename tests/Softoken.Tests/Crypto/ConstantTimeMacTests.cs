using System.Security.Cryptography;
using System.Text;
using Softoken.Mechanisms.Parameters;
using Softoken.Pkcs11;
using static Softoken.Tests.Crypto.Sym;

namespace Softoken.Tests.Crypto;

/// <summary>CKM_NSS_HMAC_CONSTANT_TIME and CKM_NSS_SSL3_MAC_CONSTANT_TIME: the data is a record's content followed by
/// a MAC tag, and the result is the MAC of header || content, checked two ways: against HMAC / the SSL 3.0
/// construction computed here with .NET's HMAC and hash classes (RFC 4231 test case 2's key "Jefe" and message as the
/// content, a tag of 0xee bytes), and against what libsoftokn3.so 3.87 (Debian 12) returns for the same C_SignInit /
/// C_Sign (tools/softokn_kat.c prints those).</summary>
public sealed class ConstantTimeMacTests
{
    private static readonly byte[] Jefe = Encoding.ASCII.GetBytes("Jefe");
    private static readonly byte[] Body = Encoding.ASCII.GetBytes("what do ya want for nothing?");
    private static readonly byte[] TlsHeader = Convert.FromHexString("00000000000000011703030021");
    private static readonly byte[] Ssl3Header = Convert.FromHexString("000000000000000117001c");
    private static readonly byte[] MacSecret20 = Convert.FromHexString("0102030405060708090a0b0c0d0e0f1011121314");

    private static MacConstantTimeParameter Params(CKM macAlg, byte[] header, ulong total = 200) => new(macAlg, total, header);

    /// <summary>The content, then a tag-sized run of 0xee.</summary>
    private static byte[] Record(int tagLength) => [.. Body, .. Enumerable.Repeat((byte)0xee, tagLength)];

    private static byte[] Hmac(HashAlgorithmName hash, byte[] key, byte[] data) => hash.Name switch
    {
        "MD5" => HMACMD5.HashData(key, data),
        "SHA1" => HMACSHA1.HashData(key, data),
        "SHA256" => HMACSHA256.HashData(key, data),
        "SHA384" => HMACSHA384.HashData(key, data),
        _ => HMACSHA512.HashData(key, data),
    };

    public static TheoryData<ulong, string, string> HmacCases => new()
    {
        { (ulong)0x211, "MD5", "eb5785eff14bd5ac37f294ce364f8601" },
        { (ulong)0x221, "SHA1", "a6735245809f58df5b98a3842b7643e0587b8b0b" },
        { (ulong)0x251, "SHA256", "a4e7d57722d1bdca57934cf16e394f811f758ffc116601e7385c38cf6d734f5d" },
        { (ulong)0x261, "SHA384", "f356133a9161678fc82b342cb3aa5db3761a50f8512be211cf42436ab80b8dc2af9481d68eeaed3d6956a87be5355742" },
        {
            (ulong)0x271, "SHA512",
            "da1f35f248f8931312d7508e68af3d038ebf014e53ddc340cdde01d9474bcb09b8fd6d6173fa1e9319d31e0f3f03fc31c4c8cba02ba7a1e8ad416228f532d314"
        },
        { (ulong)0x380, "MD5", "eb5785eff14bd5ac37f294ce364f8601" },
        { (ulong)0x381, "SHA1", "a6735245809f58df5b98a3842b7643e0587b8b0b" },
    };

    [Theory]
    [MemberData(nameof(HmacCases))]
    public void HmacConstantTimeIsHmacOfHeaderAndData(ulong macAlg, string hash, string softokn)
    {
        var key = Key(CKK.CKK_GENERIC_SECRET, Jefe);
        var parameter = Params((CKM)macAlg, TlsHeader);
        var record = Record(softokn.Length / 2);
        var mac = Sign(CKM.CKM_NSS_HMAC_CONSTANT_TIME, parameter, key, record);
        Assert.Equal(Hmac(new HashAlgorithmName(hash), Jefe, [.. TlsHeader, .. Body]), mac);
        Assert.Equal(softokn, Convert.ToHexString(mac).ToLowerInvariant());
        Assert.Equal(mac, Sign(CKM.CKM_NSS_HMAC_CONSTANT_TIME, parameter, key, record, 1, 13, 27, 40));
        Assert.True(Verify(CKM.CKM_NSS_HMAC_CONSTANT_TIME, parameter, key, record, mac));
        mac[0] ^= 1;
        Assert.False(Verify(CKM.CKM_NSS_HMAC_CONSTANT_TIME, parameter, key, record, mac));
        Assert.Equal(CKR.CKR_DATA_LEN_RANGE, Error(() => Sign(CKM.CKM_NSS_HMAC_CONSTANT_TIME, parameter, key, record[..(mac.Length - 1)])));
    }

    [Fact]
    public void TheBodyTotalLengthDoesNotChangeTheMac()
    {
        // softokn 3.87: the same MAC for totals 200, 60 (the data length) and 40; a record that is only a tag; no header.
        var key = Key(CKK.CKK_GENERIC_SECRET, Jefe);
        foreach (ulong total in new ulong[] { 200, 60, 40, 70_000 })
            Assert.Equal("a4e7d57722d1bdca57934cf16e394f811f758ffc116601e7385c38cf6d734f5d",
                Convert.ToHexString(Sign(CKM.CKM_NSS_HMAC_CONSTANT_TIME, Params(CKM.CKM_SHA256_HMAC, TlsHeader, total), key, Record(32))).ToLowerInvariant());
        Assert.Equal("7e667ba25eb33cb85b2afca1882765d38d271e526eb6efaf66a15ff428a403c4",
            Convert.ToHexString(Sign(CKM.CKM_NSS_HMAC_CONSTANT_TIME, Params(CKM.CKM_SHA256_HMAC, TlsHeader, 300), key, Record(32)[28..])).ToLowerInvariant());
        Assert.Equal("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
            Convert.ToHexString(Sign(CKM.CKM_NSS_HMAC_CONSTANT_TIME, Params(CKM.CKM_SHA256_HMAC, [], 300), key, Record(32))).ToLowerInvariant());
    }

    private static byte[] Ssl3(HashAlgorithmName hash, byte[] secret, byte[] data)
    {
        int pad = hash == HashAlgorithmName.MD5 ? 48 : 40;
        byte[] inner = CryptographicOperations.HashData(hash, [.. secret, .. Enumerable.Repeat((byte)0x36, pad), .. data]);
        return CryptographicOperations.HashData(hash, [.. secret, .. Enumerable.Repeat((byte)0x5c, pad), .. inner]);
    }

    [Fact]
    public void Ssl3MacConstantTimeIsTheSsl3MacOfHeaderAndData()
    {
        // Totals within SSL 3.0's one-block padding window: there softokn's answer is the SSL 3.0 MAC.
        var sha1Key = Key(CKK.CKK_GENERIC_SECRET, MacSecret20);
        var sha1 = Params(CKM.CKM_SSL3_SHA1_MAC, Ssl3Header, 56);
        var mac = Sign(CKM.CKM_NSS_SSL3_MAC_CONSTANT_TIME, sha1, sha1Key, Record(20));
        Assert.Equal(Ssl3(HashAlgorithmName.SHA1, MacSecret20, [.. Ssl3Header, .. Body]), mac);
        Assert.Equal("db3cacb939175f2f2576ba1328b2108eb6208943", Convert.ToHexString(mac).ToLowerInvariant());
        Assert.True(Verify(CKM.CKM_NSS_SSL3_MAC_CONSTANT_TIME, sha1, sha1Key, Record(20), mac));
        var md5Secret = MacSecret20[..16];
        var md5 = Sign(CKM.CKM_NSS_SSL3_MAC_CONSTANT_TIME, Params(CKM.CKM_SSL3_MD5_MAC, Ssl3Header, 56), Key(CKK.CKK_GENERIC_SECRET, md5Secret), Record(16), 5);
        Assert.Equal(Ssl3(HashAlgorithmName.MD5, md5Secret, [.. Ssl3Header, .. Body]), md5);
        Assert.Equal("8a7f7f4fa33b335556893af4305bd934", Convert.ToHexString(md5).ToLowerInvariant());
        // 20 + 40 + 15 = 75 bytes: the largest header softokn takes with a 20-byte secret.
        byte[] header15 = [.. Ssl3Header, 0xaa, 0xbb, 0xcc, 0xdd];
        Assert.Equal("97743877c590513034d89cafcf6765d6f6219d3c", Convert.ToHexString(
            Sign(CKM.CKM_NSS_SSL3_MAC_CONSTANT_TIME, Params(CKM.CKM_SSL3_SHA1_MAC, header15, 56), sha1Key, Record(20))).ToLowerInvariant());
    }

    [Fact]
    public void ParameterAndKeyLimitsAreSoftokns()
    {
        var key = Key(CKK.CKK_GENERIC_SECRET, Jefe);
        var longKey = Key(CKK.CKK_GENERIC_SECRET, new byte[65]);
        CKR Fails(CKM mechanism, MacConstantTimeParameter p, Softoken.Objects.AttributeSet k) => Error(() => Sign(mechanism, p, k, Record(64)));
        Assert.Equal(CKR.CKR_MECHANISM_PARAM_INVALID, Fails(CKM.CKM_NSS_HMAC_CONSTANT_TIME, Params(CKM.CKM_SHA256_HMAC, new byte[76]), key));
        Assert.Equal(32, Sign(CKM.CKM_NSS_HMAC_CONSTANT_TIME, Params(CKM.CKM_SHA256_HMAC, new byte[75]), key, Record(32)).Length);
        Assert.Equal(CKR.CKR_KEY_SIZE_RANGE, Fails(CKM.CKM_NSS_HMAC_CONSTANT_TIME, Params(CKM.CKM_SHA256_HMAC, TlsHeader), longKey));
        Assert.Equal(CKR.CKR_MECHANISM_PARAM_INVALID, Fails(CKM.CKM_NSS_HMAC_CONSTANT_TIME, Params(CKM.CKM_SHA3_256_HMAC, TlsHeader), key));
        Assert.Equal(CKR.CKR_MECHANISM_PARAM_INVALID, Fails(CKM.CKM_NSS_HMAC_CONSTANT_TIME, Params(CKM.CKM_SHA256_HMAC, TlsHeader, 1UL << 40), key));
        var sha1Key = Key(CKK.CKK_GENERIC_SECRET, MacSecret20);
        Assert.Equal(CKR.CKR_MECHANISM_PARAM_INVALID, Fails(CKM.CKM_NSS_SSL3_MAC_CONSTANT_TIME, Params(CKM.CKM_SHA_1_HMAC, Ssl3Header), sha1Key));
        Assert.Equal(CKR.CKR_MECHANISM_PARAM_INVALID, Fails(CKM.CKM_NSS_SSL3_MAC_CONSTANT_TIME, Params(CKM.CKM_SSL3_SHA1_MAC, new byte[16]), sha1Key));
        Assert.Equal(CKR.CKR_MECHANISM_PARAM_INVALID, Error(() => Sign(CKM.CKM_NSS_HMAC_CONSTANT_TIME, new UlongParameter(0x251), key, Record(32))));
    }
}
