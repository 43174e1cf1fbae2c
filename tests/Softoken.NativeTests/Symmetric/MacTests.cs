using System.Security.Cryptography;
using System.Text;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Macs;
using Org.BouncyCastle.Crypto.Parameters;
using Softoken.NativeTests.Infrastructure;

namespace Softoken.NativeTests.Symmetric;

/// <summary>Issue 5, MACs through the .so: AES MAC / MAC_GENERAL / CMAC / CMAC_GENERAL / XCBC, DES3 MAC / CMAC,
/// HMAC and HMAC_GENERAL (RFC 4231, RFC 2202, .NET's HMACSHA3_256), C_Sign single- and multi-part, C_Verify with
/// CKR_SIGNATURE_INVALID and CKR_SIGNATURE_LEN_RANGE.</summary>
public sealed class MacTests(ModuleFixture fixture) : SymmetricTest(fixture)
{
    private static readonly int[] Cuts = [1, 0, 15, 17, 3];

    /// <summary>Signs single- and multi-part, checks both equal <paramref name="expected"/>, verifies, and checks
    /// that a changed or shortened/lengthened MAC is refused.</summary>
    private void CheckMac(ulong mechanism, byte[]? parameter, IObjectHandle key, byte[] data, string expected)
    {
        var single = Session.Sign(Mech(mechanism, parameter), key, data);
        Assert.Equal(expected, ToHex(single));
        Assert.Equal(expected, ToHex(SignMulti(mechanism, parameter, key, data, Cuts)));
        Assert.Equal(CKR.CKR_OK, RawVerify(mechanism, parameter, key, data, single));
        Assert.Equal(CKR.CKR_OK, RawVerify(mechanism, parameter, key, data, single, multiPart: true));
        var bad = (byte[])single.Clone();
        bad[^1] ^= 1;
        Assert.Equal(CKR.CKR_SIGNATURE_INVALID, RawVerify(mechanism, parameter, key, data, bad));
        Assert.Equal(CKR.CKR_SIGNATURE_INVALID, RawVerify(mechanism, parameter, key, data, bad, multiPart: true));
        Assert.Equal(CKR.CKR_SIGNATURE_LEN_RANGE, RawVerify(mechanism, parameter, key, data, single[..^1]));
        Assert.Equal(CKR.CKR_SIGNATURE_LEN_RANGE, RawVerify(mechanism, parameter, key, data, [.. single, 0]));
    }

    private static byte[] Length(ulong n) => BitConverter.GetBytes(n);

    /// <summary>RFC 4493 section 4 (= SP 800-38B D.1), examples 1 and 2.</summary>
    [Fact]
    public void AesCmacKnownAnswers()
    {
        var key = Aes(Hex("2b7e151628aed2a6abf7158809cf4f3c"));
        CheckMac((ulong)CKM.CKM_AES_CMAC, null, key, [], "bb1d6929e95937287fa37d129b756746");
        CheckMac((ulong)CKM.CKM_AES_CMAC, null, key, Hex("6bc1bee22e409f96e93d7e117393172a"), "070a16b46b4d4144f79bdd9dd04a287c");
        CheckMac((ulong)CKM.CKM_AES_CMAC_GENERAL, Length(8), key, Hex("6bc1bee22e409f96e93d7e117393172a"), "070a16b46b4d4144");
        Expect.Rv(CKR.CKR_MECHANISM_PARAM_INVALID, () => Session.Sign(Mech(CKM.CKM_AES_CMAC_GENERAL, Length(17)), key, [1]));
    }

    /// <summary>Empty input is left out: softokn then returns the zero IV (no block is enciphered), where
    /// BouncyCastle enciphers one zero block.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(16)]
    [InlineData(37)]
    public void AesMacIsTheZeroPaddedCbcMac(int length)
    {
        var keyValue = Random(16);
        var data = Random(length);
        var bc = new CbcBlockCipherMac(new AesEngine(), 128);
        bc.Init(new KeyParameter(keyValue));
        bc.BlockUpdate(data, 0, data.Length);
        var full = new byte[16];
        bc.DoFinal(full, 0);
        var key = Aes(keyValue);
        CheckMac((ulong)CKM.CKM_AES_MAC, null, key, data, ToHex(full[..8]));
        CheckMac((ulong)CKM.CKM_AES_MAC_GENERAL, Length(13), key, data, ToHex(full[..13]));
        var cmac = new CMac(new AesEngine());
        cmac.Init(new KeyParameter(keyValue));
        cmac.BlockUpdate(data, 0, data.Length);
        var c = new byte[16];
        cmac.DoFinal(c, 0);
        CheckMac((ulong)CKM.CKM_AES_CMAC, null, key, data, ToHex(c));
    }

    /// <summary>RFC 3566 section 4.6, test cases 1, 2 and 4.</summary>
    [Fact]
    public void AesXcbcKnownAnswers()
    {
        var key = Aes(Hex("000102030405060708090a0b0c0d0e0f"));
        CheckMac((ulong)CKM.CKM_AES_XCBC_MAC, null, key, [], "75f0251d528ac01c4573dfd584d79f29");
        CheckMac((ulong)CKM.CKM_AES_XCBC_MAC, null, key, Hex("000102"), "5b376580ae2f19afe7219ceef172756f");
        CheckMac((ulong)CKM.CKM_AES_XCBC_MAC, null, key, Hex("000102030405060708090a0b0c0d0e0f10111213"), "47f51b4564966215b8985c63055ed308");
        CheckMac((ulong)CKM.CKM_AES_XCBC_MAC_96, null, key, Hex("000102"), "5b376580ae2f19afe7219cee");
    }

    [Fact]
    public void Des3MacAndCmacMatchBouncyCastle()
    {
        var keyValue = Random(24);
        var key = Import((ulong)CKK.CKK_DES3, keyValue);
        var data = Random(29);
        var mac = new CbcBlockCipherMac(new DesEdeEngine(), 64);
        mac.Init(new DesEdeParameters(keyValue));
        mac.BlockUpdate(data, 0, data.Length);
        var full = new byte[8];
        mac.DoFinal(full, 0);
        CheckMac((ulong)CKM.CKM_DES3_MAC, null, key, data, ToHex(full[..4]));
        CheckMac((ulong)CKM.CKM_DES3_MAC_GENERAL, Length(7), key, data, ToHex(full[..7]));
        var cmac = new CMac(new DesEdeEngine());
        cmac.Init(new DesEdeParameters(keyValue));
        cmac.BlockUpdate(data, 0, data.Length);
        var c = new byte[8];
        cmac.DoFinal(c, 0);
        CheckMac((ulong)CKM.CKM_DES3_CMAC, null, key, data, ToHex(c));
    }

    /// <summary>RFC 4231 test cases 1, 2 and 6 (key longer than the block) for SHA-256 and SHA-512; RFC 2202 for SHA-1.</summary>
    public static TheoryData<CKM, string, string, string> Vectors => new()
    {
        { CKM.CKM_SHA256_HMAC, "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "Hi There", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7" },
        { CKM.CKM_SHA256_HMAC, "4a656665", "what do ya want for nothing?", "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843" },
        { CKM.CKM_SHA256_HMAC, string.Concat(Enumerable.Repeat("aa", 131)), "Test Using Larger Than Block-Size Key - Hash Key First", "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54" },
        { CKM.CKM_SHA512_HMAC, "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "Hi There", "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854" },
        { CKM.CKM_SHA512_HMAC, "4a656665", "what do ya want for nothing?", "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737" },
        { CKM.CKM_SHA_1_HMAC, "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "Hi There", "b617318655057264e28bc0b6fb378c8ef146be00" },
        { CKM.CKM_SHA_1_HMAC, "4a656665", "what do ya want for nothing?", "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79" },
    };

    [Theory]
    [MemberData(nameof(Vectors))]
    public void HmacKnownAnswers(CKM mechanism, string keyHex, string message, string expected)
    {
        var key = Generic(Hex(keyHex));
        var data = Encoding.ASCII.GetBytes(message);
        CheckMac((ulong)mechanism, null, key, data, expected);
        CheckMac((ulong)mechanism + 1, Length(16), key, data, expected[..32]);
    }

    [Fact]
    public void Sha3HmacMatchesDotNet()
    {
        Assert.True(HMACSHA3_256.IsSupported, "the platform OpenSSL has no SHA-3");
        var keyValue = Random(200);
        var data = Random(333);
        var key = Generic(keyValue);
        const ulong CKM_SHA3_256_HMAC = 0x2B1, CKM_SHA3_256_HMAC_GENERAL = 0x2B2;
        var expected = ToHex(HMACSHA3_256.HashData(keyValue, data));
        CheckMac(CKM_SHA3_256_HMAC, null, key, data, expected);
        CheckMac(CKM_SHA3_256_HMAC_GENERAL, Length(20), key, data, expected[..40]);
        var shortKey = Generic(Random(7));
        CheckMac(CKM_SHA3_256_HMAC, null, shortKey, data, ToHex(HMACSHA3_256.HashData(Value(shortKey), data)));
    }

    [Fact]
    public void HmacGeneralLongerThanTheHashIsParamInvalid() =>
        Expect.Rv(CKR.CKR_MECHANISM_PARAM_INVALID, () => Session.Sign(Mech(CKM.CKM_SHA256_HMAC_GENERAL, Length(33)), Generic(Random(32)), [1]));

    [Fact]
    public void SignAndVerifyUsageIsEnforced()
    {
        var noSign = Generic(Random(32), Attr(CKA.CKA_SIGN, false));
        Expect.Rv(CKR.CKR_KEY_FUNCTION_NOT_PERMITTED, () => Session.Sign(Mech(CKM.CKM_SHA256_HMAC), noSign, [1]));
        var noVerify = Generic(Random(32), Attr(CKA.CKA_VERIFY, false));
        var mechanism = LowMechanism((ulong)CKM.CKM_SHA256_HMAC, null);
        Assert.Equal(CKR.CKR_KEY_FUNCTION_NOT_PERMITTED, LowLevel.C_VerifyInit(SessionId, ref mechanism, noVerify.ObjectId));
        Expect.Rv(CKR.CKR_KEY_TYPE_INCONSISTENT, () => Session.Sign(Mech(CKM.CKM_AES_CMAC), Generic(Random(16)), [1]));
    }
}
