using Softoken.Mechanisms.Parameters;
using Softoken.Pkcs11;
using static Softoken.Tests.Crypto.Sym;

namespace Softoken.Tests.Crypto;

/// <summary>CMAC against NIST SP 800-38B Appendix D, AES-XCBC-MAC against RFC 3566, and CBC-MAC (CKM_*_MAC and
/// CKM_*_MAC_GENERAL) against its definition.</summary>
public sealed class BlockMacTests
{
    private const string Message64 =
        "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710";

    [Theory]
    // D.1 AES-128: Mlen 0, 128, 320, 512.
    [InlineData(0, "bb1d6929e95937287fa37d129b756746")]
    [InlineData(16, "070a16b46b4d4144f79bdd9dd04a287c")]
    [InlineData(40, "dfa66747de9ae63030ca32611497c827")]
    [InlineData(64, "51f0bebf7e3b9d92fc49741779363cfe")]
    public void AesCmacMatchesSp800_38B(int length, string expected)
    {
        var key = Aes("2b7e151628aed2a6abf7158809cf4f3c");
        var message = Hex(Message64)[..length];
        Assert.Equal(Hex(expected), Sign(CKM.CKM_AES_CMAC, MechanismParameter.None, key, message));
        Assert.Equal(Hex(expected), Sign(CKM.CKM_AES_CMAC, MechanismParameter.None, key, message, 1, 16, 17));
        Assert.True(Verify(CKM.CKM_AES_CMAC, MechanismParameter.None, key, message, Hex(expected)));
        Assert.Equal(Hex(expected)[..5], Sign(CKM.CKM_AES_CMAC_GENERAL, new UlongParameter(5), key, message));
    }

    [Theory]
    // D.4 three-key TDEA: Mlen 0, 64, 160, 256.
    [InlineData(0, "b7a688e122ffaf95")]
    [InlineData(8, "8e8f293136283797")]
    [InlineData(20, "743ddbe0ce2dc2ed")]
    [InlineData(32, "33e6b1092400eae5")]
    public void Des3CmacMatchesSp800_38B(int length, string expected)
    {
        var key = Key(CKK.CKK_DES3, Hex("8aa83bf8cbda1062 0bc1bf19fbb6cd58 bc313d4a371ca8b5"));
        var message = Hex(Message64)[..length];
        Assert.Equal(Hex(expected), Sign(CKM.CKM_DES3_CMAC, MechanismParameter.None, key, message, 3, 9));
        Assert.Equal(Hex(expected)[..4], Sign(CKM.CKM_DES3_CMAC_GENERAL, new UlongParameter(4), key, message));
    }

    [Theory]
    // RFC 3566 section 4, test cases 1 to 7 (key 000102...0f; message 000102... of the given length, or zeros).
    [InlineData(0, "75f0251d528ac01c4573dfd584d79f29")]
    [InlineData(3, "5b376580ae2f19afe7219ceef172756f")]
    [InlineData(16, "d2a246fa349b68a79998a4394ff7a263")]
    [InlineData(20, "47f51b4564966215b8985c63055ed308")]
    [InlineData(32, "f54f0ec8d2b9f3d36807734bd5283fd4")]
    [InlineData(34, "becbb3bccdb518a30677d5481fb6b4d8")]
    [InlineData(1000, "f0dafee895db30253761103b5d84528f")]
    public void AesXcbcMatchesRfc3566(int length, string expected)
    {
        var key = Aes("000102030405060708090a0b0c0d0e0f");
        var message = length == 1000 ? new byte[1000] : Enumerable.Range(0, length).Select(i => (byte)i).ToArray();
        Assert.Equal(Hex(expected), Sign(CKM.CKM_AES_XCBC_MAC, MechanismParameter.None, key, message));
        Assert.Equal(Hex(expected), Sign(CKM.CKM_AES_XCBC_MAC, MechanismParameter.None, key, message, 1, 16, 17, 33));
        Assert.Equal(Hex(expected)[..12], Sign(CKM.CKM_AES_XCBC_MAC_96, MechanismParameter.None, key, message, 16));
        Assert.True(Verify(CKM.CKM_AES_XCBC_MAC_96, MechanismParameter.None, key, message, Hex(expected)[..12]));
        Assert.Equal(CKR.CKR_KEY_SIZE_RANGE, Error(() => Sign(CKM.CKM_AES_XCBC_MAC, MechanismParameter.None, Aes(new string('0', 64)), message)));
    }

    public static TheoryData<string, string, string, int> CbcMacs => new()
    {
        { nameof(CKM.CKM_AES_MAC), nameof(CKK.CKK_AES), "2b7e151628aed2a6abf7158809cf4f3c", 16 },
        { nameof(CKM.CKM_DES_MAC), nameof(CKK.CKK_DES), "0123456789abcdef", 8 },
        { nameof(CKM.CKM_DES3_MAC), nameof(CKK.CKK_DES3), "0123456789abcdef23456789abcdef01456789abcdef0123", 8 },
        { nameof(CKM.CKM_DES3_MAC), nameof(CKK.CKK_DES2), "0123456789abcdef23456789abcdef01", 8 },
        { nameof(CKM.CKM_CAMELLIA_MAC), nameof(CKK.CKK_CAMELLIA), "0123456789abcdeffedcba9876543210", 16 },
        { nameof(CKM.CKM_SEED_MAC), nameof(CKK.CKK_SEED), "000102030405060708090a0b0c0d0e0f", 16 },
    };

    [Theory]
    [MemberData(nameof(CbcMacs))]
    public void CbcMacIsTheLastCbcBlockOfZeroPaddedData(string mechanismName, string keyType, string keyHex, int block)
    {
        var mechanism = Enum.Parse<CKM>(mechanismName);
        var general = Enum.Parse<CKM>(mechanismName + "_GENERAL");
        var cbc = Enum.Parse<CKM>(mechanismName.Replace("_MAC", "_CBC"));
        var key = Key(Enum.Parse<CKK>(keyType), Hex(keyHex));
        foreach (int length in new[] { 1, block - 1, block, block + 1, 3 * block, 3 * block + 5 })
        {
            var data = Message(length);
            var padded = data.Concat(new byte[(block - length % block) % block]).ToArray();
            var last = Encrypt(cbc, new BytesParameter(new byte[block]), key, padded)[^block..];
            Assert.Equal(last[..(block / 2)], Sign(mechanism, MechanismParameter.None, key, data, 1, block + 2));
            Assert.Equal(last[..3], Sign(general, new UlongParameter(3), key, data, block - 1));
            Assert.Equal(last, Sign(general, new UlongParameter((ulong)block), key, data));
            Assert.True(Verify(mechanism, MechanismParameter.None, key, data, last[..(block / 2)]));
            var wrong = last[..(block / 2)];
            wrong[0] ^= 0x80;
            Assert.False(Verify(mechanism, MechanismParameter.None, key, data, wrong));
            Assert.Equal(CKR.CKR_SIGNATURE_LEN_RANGE, Error(() => Verify(mechanism, MechanismParameter.None, key, data, last)));
        }
        // No data at all: the MAC is the zero IV, as in softokn.
        Assert.Equal(new byte[block / 2], Sign(mechanism, MechanismParameter.None, key, []));
        Assert.Equal(CKR.CKR_MECHANISM_PARAM_INVALID, Error(() => Sign(general, new UlongParameter((ulong)block + 1), key, [])));
        Assert.Equal(CKR.CKR_MECHANISM_PARAM_INVALID, Error(() => Sign(general, new UlongParameter(0), key, [])));
        Assert.Equal(CKR.CKR_MECHANISM_PARAM_INVALID, Error(() => Sign(mechanism, new UlongParameter(4), key, [])));
    }

    [Fact]
    public void MacsCheckTheKeyType()
    {
        var des = Key(CKK.CKK_DES, Hex("0123456789abcdef"));
        Assert.Equal(CKR.CKR_KEY_TYPE_INCONSISTENT, Error(() => Sign(CKM.CKM_AES_CMAC, MechanismParameter.None, des, [])));
        Assert.Equal(CKR.CKR_KEY_TYPE_INCONSISTENT, Error(() => Sign(CKM.CKM_AES_MAC, MechanismParameter.None, des, [])));
        Assert.Equal(CKR.CKR_KEY_SIZE_RANGE, Error(() => Sign(CKM.CKM_AES_CMAC, MechanismParameter.None, Aes("00112233"), [])));
    }
}
