using Softoken.Mechanisms.Parameters;
using Softoken.Pkcs11;
using static Softoken.Tests.Crypto.Sym;

namespace Softoken.Tests.Crypto;

/// <summary>AES block modes against NIST SP 800-38A, Appendix F (the four-block example plaintext).</summary>
public sealed class AesModeTests
{
    private const string Key128 = "2b7e151628aed2a6abf7158809cf4f3c";
    private const string Key256 = "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4";
    private const string Iv = "000102030405060708090a0b0c0d0e0f";

    private static readonly byte[] Plain = Hex(
        "6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51" +
        "30c81c46a35ce411e5fbc1191a0a52ef f69f2445df4f9b17ad2b417be66c3710");

    public static TheoryData<string, string, string?, string> Sp800_38A => new()
    {
        // F.1.1 ECB-AES128.Encrypt, F.1.5 ECB-AES256.Encrypt
        { "CKM_AES_ECB", Key128, null,
            "3ad77bb40d7a3660a89ecaf32466ef97 f5d3d58503b9699de785895a96fdbaaf 43b1cd7f598ece23881b00e3ed030688 7b0c785e27e8ad3f8223207104725dd4" },
        { "CKM_AES_ECB", Key256, null,
            "f3eed1bdb5d2a03c064b5a7e3db181f8 591ccb10d410ed26dc5ba74a31362870 b6ed21b99ca6f4f9f153e7b1beafed1d 23304b7a39f9f3ff067d8d8f9e24ecc7" },
        // F.2.1 CBC-AES128.Encrypt, F.2.5 CBC-AES256.Encrypt
        { "CKM_AES_CBC", Key128, Iv,
            "7649abac8119b246cee98e9b12e9197d 5086cb9b507219ee95db113a917678b2 73bed6b8e3c1743b7116e69e22229516 3ff1caa1681fac09120eca307586e1a7" },
        { "CKM_AES_CBC", Key256, Iv,
            "f58c4c04d6e5f1ba779eabfb5f7bfbd6 9cfc4e967edb808d679f777bc6702c7d 39f23369a9d9bacfa530e26304231461 b2eb05e2c39be9fcda6c19078c6a9d1b" },
        // F.3.13 CFB128-AES128.Encrypt
        { "CKM_AES_CFB128", Key128, Iv,
            "3b3fd92eb72dad20333449f8e83cfb4a c8a64537a0b3a93fcde3cdad9f1ce58b 26751f67a3cbb140b1808cf187a4f4df c04b05357c5d1c0eeac4c66f9ff7f2e6" },
        // F.4.1 OFB-AES128.Encrypt
        { "CKM_AES_OFB", Key128, Iv,
            "3b3fd92eb72dad20333449f8e83cfb4a 7789508d16918f03f53c52dac54ed825 9740051e9c5fecf64344f7a82260edcc 304c6528f659c77866a510d9c1d6ae5e" },
    };

    [Theory]
    [MemberData(nameof(Sp800_38A))]
    public void BlockModesMatchSp800_38A(string name, string key, string? iv, string expected)
    {
        var mechanism = Enum.Parse<CKM>(name);
        MechanismParameter parameter = iv is null ? MechanismParameter.None : Iv(iv);
        Assert.Equal(Hex(expected), Encrypt(mechanism, parameter, Aes(key), Plain));
        Assert.Equal(Plain, Decrypt(mechanism, parameter, Aes(key), Hex(expected)));
    }

    [Fact]
    public void Cfb8MatchesSp800_38A()
    {
        // F.3.7 CFB8-AES128.Encrypt: 18 one-byte segments.
        var plain = Hex("6bc1bee22e409f96e93d7e117393172aae2d");
        var cipher = Hex("3b79424c9c0dd436bace9e0ed4586a4f32b9");
        Assert.Equal(cipher, Encrypt(CKM.CKM_AES_CFB8, Iv(Iv), Aes(Key128), plain));
        Assert.Equal(plain, DecryptParts(CKM.CKM_AES_CFB8, Iv(Iv), Aes(Key128), cipher, 5, 11));
    }

    [Theory]
    [InlineData(Key128, "874d6191b620e3261bef6864990db6ce 9806f66b7970fdff8617187bb9fffdff 5ae4df3edbd5d35e5b4f09020db03eab 1e031dda2fbe03d1792170a0f3009cee")]
    [InlineData(Key256, "601ec313775789a5b7a7f504bbf3d228 f443e3ca4d62b59aca84e990cacaf5c5 2b0930daa23de94ce87017ba2d84988d dfc9c58db67aada613c2dd08457941a6")]
    public void CtrMatchesSp800_38A(string key, string expected)
    {
        // F.5.1 CTR-AES128.Encrypt, F.5.5 CTR-AES256.Encrypt: initial counter block f0f1...ff, full 128-bit counter.
        var parameter = new AesCtrParameter(128, Hex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff"));
        Assert.Equal(Hex(expected), Encrypt(CKM.CKM_AES_CTR, parameter, Aes(key), Plain));
        Assert.Equal(Hex(expected), EncryptParts(CKM.CKM_AES_CTR, parameter, Aes(key), Plain, 1, 17, 40));
        Assert.Equal(Plain, Decrypt(CKM.CKM_AES_CTR, parameter, Aes(key), Hex(expected)));
    }

    [Fact]
    public void CtrCountsOnlyTheLowCounterBits()
    {
        // With 8 counter bits the counter ff wraps to 00 inside its byte and the byte above stays put.
        var key = Aes(Key128);
        var parameter = new AesCtrParameter(8, Hex("000102030405060708090a0b0c0d0eff"));
        var stream = Encrypt(CKM.CKM_AES_CTR, parameter, key, new byte[32]);
        var blocks = Encrypt(CKM.CKM_AES_ECB, MechanismParameter.None, key,
            Hex("000102030405060708090a0b0c0d0eff 000102030405060708090a0b0c0d0e00"));
        Assert.Equal(blocks, stream);
    }

    [Fact]
    public void CtrRefusesToReuseCounterValues()
    {
        // Two counter bits allow four blocks; the fifth would repeat the first keystream block.
        var parameter = new AesCtrParameter(2, new byte[16]);
        Assert.Equal(64, Encrypt(CKM.CKM_AES_CTR, parameter, Aes(Key128), new byte[64]).Length);
        Assert.Equal(CKR.CKR_DATA_LEN_RANGE, Error(() => Encrypt(CKM.CKM_AES_CTR, parameter, Aes(Key128), new byte[65])));
        using var op = Encryptor(CKM.CKM_AES_CTR, parameter, Aes(Key128));
        MultiPart(op, new byte[60]);
    }

    [Theory]
    [InlineData(0, new byte[] { 16 })]
    [InlineData(1, new byte[] { 15 })]
    [InlineData(15, new byte[] { 1 })]
    [InlineData(16, new byte[] { 16 })]
    [InlineData(17, new byte[] { 15 })]
    public void CbcPadPadsWithPkcs7(int length, byte[] padding)
    {
        var plain = Message(length);
        var padded = plain.Concat(Enumerable.Repeat(padding[0], padding[0])).ToArray();
        var expected = Encrypt(CKM.CKM_AES_CBC, Iv(Iv), Aes(Key128), padded);
        Assert.Equal(expected, Encrypt(CKM.CKM_AES_CBC_PAD, Iv(Iv), Aes(Key128), plain));
        Assert.Equal(plain, Decrypt(CKM.CKM_AES_CBC_PAD, Iv(Iv), Aes(Key128), expected));
    }

    [Fact]
    public void CbcPadRejectsBadPadding()
    {
        // A last block that decrypts to ...05 05 05 05 04 is not PKCS #7.
        var bad = Hex("000102030405060708090a0b05050504");
        var cipher = Encrypt(CKM.CKM_AES_CBC, Iv(Iv), Aes(Key128), bad);
        Assert.Equal(CKR.CKR_ENCRYPTED_DATA_INVALID, Error(() => Decrypt(CKM.CKM_AES_CBC_PAD, Iv(Iv), Aes(Key128), cipher)));
        var zero = Encrypt(CKM.CKM_AES_CBC, Iv(Iv), Aes(Key128), new byte[16]);
        Assert.Equal(CKR.CKR_ENCRYPTED_DATA_INVALID, Error(() => Decrypt(CKM.CKM_AES_CBC_PAD, Iv(Iv), Aes(Key128), zero)));
        var big = Encrypt(CKM.CKM_AES_CBC, Iv(Iv), Aes(Key128), Hex("0000000000000000000000000000ff11"));
        Assert.Equal(CKR.CKR_ENCRYPTED_DATA_INVALID, Error(() => DecryptParts(CKM.CKM_AES_CBC_PAD, Iv(Iv), Aes(Key128), big, 3)));
    }

    [Fact]
    public void CbcPadDecryptHoldsBackTheLastBlock()
    {
        var plain = Message(32);
        var cipher = Encrypt(CKM.CKM_AES_CBC_PAD, Iv(Iv), Aes(Key128), plain);
        Assert.Equal(48, cipher.Length);
        using var op = Decryptor(CKM.CKM_AES_CBC_PAD, Iv(Iv), Aes(Key128));
        Assert.Equal(0, op.UpdateLength(16));
        Assert.Equal(0, op.Update(cipher.AsSpan(0, 16), []));
        var output = new byte[32];
        Assert.Equal(16, op.UpdateLength(16));
        Assert.Equal(16, op.Update(cipher.AsSpan(16, 16), output));
        Assert.Equal(16, op.Update(cipher.AsSpan(32, 16), output.AsSpan(16)));
        Assert.Equal(15, op.FinalLength());
        Assert.Equal(0, op.Final(new byte[15]));
        Assert.Equal(plain, output);
    }

    [Theory]
    [InlineData("CKM_AES_ECB")]
    [InlineData("CKM_AES_CBC")]
    public void UnpaddedModesNeedWholeBlocks(string name)
    {
        var mechanism = Enum.Parse<CKM>(name);
        MechanismParameter parameter = mechanism == CKM.CKM_AES_ECB ? MechanismParameter.None : Iv(Iv);
        Assert.Equal(CKR.CKR_DATA_LEN_RANGE, Error(() => Encrypt(mechanism, parameter, Aes(Key128), new byte[17])));
        Assert.Equal(CKR.CKR_ENCRYPTED_DATA_LEN_RANGE, Error(() => Decrypt(mechanism, parameter, Aes(Key128), new byte[31])));
        Assert.Equal(CKR.CKR_DATA_LEN_RANGE, Error(() => EncryptParts(mechanism, parameter, Aes(Key128), new byte[33], 5, 20)));
        Assert.Equal(CKR.CKR_ENCRYPTED_DATA_LEN_RANGE, Error(() => DecryptParts(mechanism, parameter, Aes(Key128), new byte[15], 5)));
        Assert.Equal(CKR.CKR_ENCRYPTED_DATA_LEN_RANGE, Error(() => Decrypt(CKM.CKM_AES_CBC_PAD, Iv(Iv), Aes(Key128), new byte[20])));
        Assert.Equal(CKR.CKR_ENCRYPTED_DATA_LEN_RANGE, Error(() => Decrypt(CKM.CKM_AES_CBC_PAD, Iv(Iv), Aes(Key128), [])));
    }

    [Fact]
    public void UpdateReturnsOnlyWholeBlocks()
    {
        using var op = Encryptor(CKM.CKM_AES_CBC, Iv(Iv), Aes(Key128));
        Assert.Equal(0, op.UpdateLength(15));
        Assert.Equal(0, op.Update(Plain.AsSpan(0, 15), []));
        Assert.Equal(16, op.UpdateLength(10));
        var output = new byte[16];
        Assert.Equal(16, op.Update(Plain.AsSpan(15, 10), output));
        Assert.Equal(Hex("7649abac8119b246cee98e9b12e9197d"), output);
    }

    [Fact]
    public void LargeMessagesTakeThePlatformPathAndAgree()
    {
        // Above the platform threshold ECB and CBC run on .NET's AES; the result must not depend on the split.
        var data = Message(3 * Softoken.Crypto.AesBlockCipher.PlatformThreshold);
        foreach (var (mechanism, parameter) in new (CKM, MechanismParameter)[]
            { (CKM.CKM_AES_ECB, MechanismParameter.None), (CKM.CKM_AES_CBC, Iv(Iv)), (CKM.CKM_AES_CBC_PAD, Iv(Iv)) })
        {
            var whole = Encrypt(mechanism, parameter, Aes(Key256), data);
            Assert.Equal(whole, EncryptParts(mechanism, parameter, Aes(Key256), data, 16, 32, 48, 4000));
            Assert.Equal(data, Decrypt(mechanism, parameter, Aes(Key256), whole));
            Assert.Equal(data, DecryptParts(mechanism, parameter, Aes(Key256), whole, 17, 5000));
        }
        var ctr = new AesCtrParameter(64, Hex(Iv));
        var stream = Encrypt(CKM.CKM_AES_CTR, ctr, Aes(Key256), data);
        Assert.Equal(stream, EncryptParts(CKM.CKM_AES_CTR, ctr, Aes(Key256), data, 1, 20000));
    }

    private static readonly (CKM Mechanism, MechanismParameter Parameter)[] ModeList =
    [
        (CKM.CKM_AES_ECB, MechanismParameter.None),
        (CKM.CKM_AES_CBC, new BytesParameter(Hex(Iv))),
        (CKM.CKM_AES_CBC_PAD, new BytesParameter(Hex(Iv))),
        (CKM.CKM_AES_CTS, new BytesParameter(Hex(Iv))),
        (CKM.CKM_AES_CTR, new AesCtrParameter(32, Hex(Iv))),
        (CKM.CKM_AES_OFB, new BytesParameter(Hex(Iv))),
        (CKM.CKM_AES_CFB8, new BytesParameter(Hex(Iv))),
        (CKM.CKM_AES_CFB128, new BytesParameter(Hex(Iv))),
        (CKM.CKM_AES_GCM, new GcmParameter(Hex("cafebabefacedbaddecaf888"), 96, Hex("feedface"), 128)),
        (CKM.CKM_AES_GCM, new GcmParameter(Hex("cafebabefacedbad"), null, [], 96)),
    ];

    public static TheoryData<int> Modes => [.. Enumerable.Range(0, ModeList.Length)];

    [Theory]
    [MemberData(nameof(Modes))]
    public void MultiPartEqualsSinglePart(int index)
    {
        var (mechanism, parameter) = ModeList[index];
        bool blocksOnly = mechanism is CKM.CKM_AES_ECB or CKM.CKM_AES_CBC;
        foreach (int length in new[] { 16, 32, 48, 64, 112, 160, 17, 33, 63, 100, 1, 0 })
        {
            if (blocksOnly && length % 16 != 0 || mechanism == CKM.CKM_AES_CTS && length < 16) continue;
            var data = Message(length);
            var whole = Encrypt(mechanism, parameter, Aes(Key128), data);
            foreach (var splits in Splits)
            {
                Assert.Equal(whole, EncryptParts(mechanism, parameter, Aes(Key128), data, splits));
                Assert.Equal(data, DecryptParts(mechanism, parameter, Aes(Key128), whole, splits));
            }
            Assert.Equal(data, Decrypt(mechanism, parameter, Aes(Key128), whole));
        }
    }

    [Fact]
    public void InputAndOutputMayBeTheSameBuffer()
    {
        var buffer = Plain.ToArray();
        using var op = Encryptor(CKM.CKM_AES_CBC, Iv(Iv), Aes(Key128));
        Assert.Equal(64, op.OneShot(buffer, buffer));
        Assert.Equal(Hex("7649abac8119b246cee98e9b12e9197d"), buffer[..16]);
        var shifted = new byte[80];
        Plain.CopyTo(shifted, 0);
        using var op2 = Decryptor(CKM.CKM_AES_ECB, MechanismParameter.None, Aes(Key128));
        var cipher = Encrypt(CKM.CKM_AES_ECB, MechanismParameter.None, Aes(Key128), Plain);
        cipher.CopyTo(shifted, 0);
        Assert.Equal(64, op2.OneShot(shifted.AsSpan(0, 64), shifted.AsSpan(8, 64)));
        Assert.Equal(Plain, shifted[8..72]);
    }
}
