using Softoken.Mechanisms.Parameters;
using Softoken.Pkcs11;
using static Softoken.Tests.Crypto.Sym;

namespace Softoken.Tests.Crypto;

/// <summary>AES-GCM against the test cases of McGrew and Viega, "The Galois/Counter Mode of Operation" (the GCM
/// specification submitted to NIST), and AES-CCM against NIST SP 800-38C Appendix C.</summary>
public sealed class AesAeadTests
{
    private const string GcmKey = "feffe9928665731c6d6a8f9467308308";

    private const string GcmPlain =
        "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39";

    private const string GcmAad = "feedfacedeadbeeffeedfacedeadbeefabaddad2";

    public static TheoryData<string, string, string, string, string, string> GcmCases => new()
    {
        // Test case 1: zero key, empty plaintext.
        { "00000000000000000000000000000000", "000000000000000000000000", "", "", "", "58e2fccefa7e3061367f1d57a4e7455a" },
        // Test case 2: one zero block.
        { "00000000000000000000000000000000", "000000000000000000000000", "00000000000000000000000000000000", "",
            "0388dace60b6a392f328c2b971b2fe78", "ab6e47d42cec13bdf53a67b21257bddf" },
        // Test case 3: 64 bytes, no AAD.
        { GcmKey, "cafebabefacedbaddecaf888", GcmPlain + "1aafd255", "",
            "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985",
            "4d5c2af327cd64a62cf35abd2ba6fab4" },
        // Test case 4: 60 bytes with AAD.
        { GcmKey, "cafebabefacedbaddecaf888", GcmPlain, GcmAad,
            "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
            "5bc94fbc3221a5db94fae95ae7121a47" },
        // Test case 5: 8-byte IV.
        { GcmKey, "cafebabefacedbad", GcmPlain, GcmAad,
            "61353b4c2806934a777ff51fa22a4755699b2a714fcdc6f83766e5f97b6c742373806900e49f24b22b097544d4896b424989b5e1ebac0f07c23f4598",
            "3612d2e79e3b0785561be14aaca2fccb" },
        // Test case 6: 60-byte IV.
        { GcmKey,
            "9313225df88406e555909c5aff5269aa6a7a9538534f7da1e4c303d2a318a728c3c0c95156809539fcf0e2429a6b525416aedbf5a0de6a57a637b39b",
            GcmPlain, GcmAad,
            "8ce24998625615b603a033aca13fb894be9112a5c3a211a8ba262a3cca7e2ca701e4a9a4fba43c90ccdcb281d48c7c6fd62875d2aca417034c34aee5",
            "619cc5aefffe0bfa462af43c1699d050" },
    };

    [Theory]
    [MemberData(nameof(GcmCases))]
    public void GcmMatchesTheSpecification(string key, string iv, string plain, string aad, string cipher, string tag)
    {
        var parameter = new GcmParameter(Hex(iv), 8 * (ulong)Hex(iv).Length, Hex(aad), 128);
        var expected = Hex(cipher + tag);
        Assert.Equal(expected, Encrypt(CKM.CKM_AES_GCM, parameter, Aes(key), Hex(plain)));
        Assert.Equal(expected, EncryptParts(CKM.CKM_AES_GCM, parameter, Aes(key), Hex(plain), 1, 17, 31));
        Assert.Equal(Hex(plain), Decrypt(CKM.CKM_AES_GCM, parameter, Aes(key), expected));
        Assert.Equal(Hex(plain), DecryptParts(CKM.CKM_AES_GCM, parameter, Aes(key), expected, 5, 70));
    }

    [Fact]
    public void GcmTruncatedTagsAndTheV240Layout()
    {
        // Test case 4 with a 96-bit tag is the first 12 bytes of the full tag; the v2.40 structure has no ulIvBits.
        var parameter = new GcmParameter(Hex("cafebabefacedbaddecaf888"), null, Hex(GcmAad), 96);
        var result = Encrypt(CKM.CKM_AES_GCM, parameter, Aes(GcmKey), Hex(GcmPlain));
        Assert.Equal(Hex("5bc94fbc3221a5db94fae95a"), result[^12..]);
    }

    [Fact]
    public void GcmRejectsAWrongTagWithoutReleasingPlaintext()
    {
        var parameter = new GcmParameter(Hex("cafebabefacedbaddecaf888"), 96, Hex(GcmAad), 128);
        var sealedData = Encrypt(CKM.CKM_AES_GCM, parameter, Aes(GcmKey), Hex(GcmPlain));
        sealedData[^1] ^= 1;
        Assert.Equal(CKR.CKR_ENCRYPTED_DATA_INVALID, Error(() => Decrypt(CKM.CKM_AES_GCM, parameter, Aes(GcmKey), sealedData)));
        using var op = Decryptor(CKM.CKM_AES_GCM, parameter, Aes(GcmKey));
        Assert.Equal(0, op.UpdateLength(40));
        Assert.Equal(0, op.Update(sealedData.AsSpan(0, 40), []));
        Assert.Equal(0, op.Update(sealedData.AsSpan(40), []));
        Assert.Equal(CKR.CKR_ENCRYPTED_DATA_INVALID, Error(() => op.Final(new byte[op.FinalLength()])));
        var aadChanged = new GcmParameter(Hex("cafebabefacedbaddecaf888"), 96, Hex("00"), 128);
        sealedData[^1] ^= 1;
        Assert.Equal(CKR.CKR_ENCRYPTED_DATA_INVALID, Error(() => Decrypt(CKM.CKM_AES_GCM, aadChanged, Aes(GcmKey), sealedData)));
        Assert.Equal(CKR.CKR_ENCRYPTED_DATA_LEN_RANGE, Error(() => Decrypt(CKM.CKM_AES_GCM, parameter, Aes(GcmKey), new byte[15])));
    }

    [Fact]
    public void GcmLargeMessagesUseThePlatformAndAgree()
    {
        var data = Message(100_000);
        var parameter = new GcmParameter(Hex("cafebabefacedbaddecaf888"), 96, Hex(GcmAad), 128);
        var whole = Encrypt(CKM.CKM_AES_GCM, parameter, Aes(GcmKey), data);
        Assert.Equal(whole, EncryptParts(CKM.CKM_AES_GCM, parameter, Aes(GcmKey), data, 1, 5000, 70001));
        Assert.Equal(data, Decrypt(CKM.CKM_AES_GCM, parameter, Aes(GcmKey), whole));
        whole[12345] ^= 0x40;
        Assert.Equal(CKR.CKR_ENCRYPTED_DATA_INVALID, Error(() => Decrypt(CKM.CKM_AES_GCM, parameter, Aes(GcmKey), whole)));
    }

    [Theory]
    [InlineData("", 128UL)]
    [InlineData("cafebabefacedbaddecaf888", 24UL)]
    [InlineData("cafebabefacedbaddecaf888", 100UL)]
    [InlineData("cafebabefacedbaddecaf888", 136UL)]
    public void GcmParameterErrors(string iv, ulong tagBits)
    {
        var parameter = new GcmParameter(Hex(iv), null, [], tagBits);
        Assert.Equal(CKR.CKR_MECHANISM_PARAM_INVALID, Error(() => Encryptor(CKM.CKM_AES_GCM, parameter, Aes(GcmKey))));
    }

    [Fact]
    public void GcmIvBitsMustAgreeWithTheIv()
    {
        var parameter = new GcmParameter(Hex("cafebabefacedbaddecaf888"), 64, [], 128);
        Assert.Equal(CKR.CKR_MECHANISM_PARAM_INVALID, Error(() => Encryptor(CKM.CKM_AES_GCM, parameter, Aes(GcmKey))));
        Assert.Equal(CKR.CKR_MECHANISM_PARAM_INVALID, Error(() => Encryptor(CKM.CKM_AES_GCM, Iv("00"), Aes(GcmKey))));
    }

    public static TheoryData<string, string, string, int, string> CcmCases => new()
    {
        // SP 800-38C C.1: 7-byte nonce, 8 bytes AAD, 4 bytes payload, 32-bit tag.
        { "10111213141516", "0001020304050607", "20212223", 4, "7162015b4dac255d" },
        // C.2: 8-byte nonce, 16 bytes AAD, 16 bytes payload, 48-bit tag.
        { "1011121314151617", "000102030405060708090a0b0c0d0e0f", "202122232425262728292a2b2c2d2e2f", 6,
            "d2a1f0e051ea5f62081a7792073d593d1fc64fbfaccd" },
        // C.3: 12-byte nonce, 20 bytes AAD, 24 bytes payload, 64-bit tag.
        { "101112131415161718191a1b", "000102030405060708090a0b0c0d0e0f10111213",
            "202122232425262728292a2b2c2d2e2f3031323334353637", 8, "e3b201a9f5b71a7a9b1ceaeccd97e70b6176aad9a4428aa5484392fbc1b09951" },
    };

    [Theory]
    [MemberData(nameof(CcmCases))]
    public void CcmMatchesSp800_38C(string nonce, string aad, string plain, int tagLength, string expected)
    {
        var key = Aes("404142434445464748494a4b4c4d4e4f");
        var parameter = new CcmParameter((ulong)Hex(plain).Length, Hex(nonce), Hex(aad), (ulong)tagLength);
        Assert.Equal(Hex(expected), Encrypt(CKM.CKM_AES_CCM, parameter, key, Hex(plain)));
        Assert.Equal(Hex(expected), EncryptParts(CKM.CKM_AES_CCM, parameter, key, Hex(plain), 1, 3));
        Assert.Equal(Hex(plain), Decrypt(CKM.CKM_AES_CCM, parameter, key, Hex(expected)));
        Assert.Equal(Hex(plain), DecryptParts(CKM.CKM_AES_CCM, parameter, key, Hex(expected), 2, 9));
        var tampered = Hex(expected);
        tampered[0] ^= 1;
        Assert.Equal(CKR.CKR_ENCRYPTED_DATA_INVALID, Error(() => Decrypt(CKM.CKM_AES_CCM, parameter, key, tampered)));
    }

    [Fact]
    public void CcmChecksTheDeclaredLengthAndParameters()
    {
        var key = Aes("404142434445464748494a4b4c4d4e4f");
        var parameter = new CcmParameter(5, Hex("10111213141516"), [], 4);
        Assert.Equal(CKR.CKR_DATA_LEN_RANGE, Error(() => Encrypt(CKM.CKM_AES_CCM, parameter, key, new byte[4])));
        Assert.Equal(CKR.CKR_ENCRYPTED_DATA_LEN_RANGE, Error(() => Decrypt(CKM.CKM_AES_CCM, parameter, key, new byte[8])));
        foreach (var bad in new[]
        {
            new CcmParameter(4, Hex("101112131415"), [], 4), new CcmParameter(4, new byte[14], [], 4),
            new CcmParameter(4, Hex("10111213141516"), [], 5), new CcmParameter(4, Hex("10111213141516"), [], 18),
        })
            Assert.Equal(CKR.CKR_MECHANISM_PARAM_INVALID, Error(() => Encryptor(CKM.CKM_AES_CCM, bad, key)));
    }
}
