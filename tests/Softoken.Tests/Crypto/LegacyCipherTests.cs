using Softoken.Mechanisms.Parameters;
using Softoken.Pkcs11;
using static Softoken.Tests.Crypto.Sym;

namespace Softoken.Tests.Crypto;

/// <summary>DES (FIPS 81), triple DES (SP 800-67), RC2 (RFC 2268), Camellia (RFC 3713), SEED (RFC 4269) and RC4
/// (RFC 6229) known answers, and multi-part against single-part for their modes.</summary>
public sealed class LegacyCipherTests
{
    // FIPS 81 Appendix B: "Now is the time for all " under 0123456789abcdef.
    private const string NowIsTheTime = "4e6f772069732074 68652074696d6520 666f7220616c6c20";

    [Fact]
    public void DesMatchesFips81()
    {
        var key = Key(CKK.CKK_DES, Hex("0123456789abcdef"));
        Assert.Equal(Hex("3fa40e8a984d4815 6a271787ab8883f9 893d51ec4b563b53"),
            Encrypt(CKM.CKM_DES_ECB, MechanismParameter.None, key, Hex(NowIsTheTime)));
        var iv = Iv("1234567890abcdef");
        var cbc = Hex("e5c7cdde872bf27c 43e934008c389c0f 683788499a7c05f6");
        Assert.Equal(cbc, Encrypt(CKM.CKM_DES_CBC, iv, key, Hex(NowIsTheTime)));
        Assert.Equal(Hex(NowIsTheTime), DecryptParts(CKM.CKM_DES_CBC, iv, key, cbc, 3, 11));
    }

    [Fact]
    public void TripleDesMatchesSp800_67()
    {
        // SP 800-67 Rev. 1 Appendix B: "The qufck brown fox jump" under K1 K2 K3, ECB.
        var key = Key(CKK.CKK_DES3, Hex("0123456789abcdef 23456789abcdef01 456789abcdef0123"));
        var plain = Hex("5468652071756663 6b2062726f776e20 666f78206a756d70");
        var cipher = Hex("a826fd8ce53b855f cce21c8112256fe6 68d5c05dd9b6b900");
        Assert.Equal(cipher, Encrypt(CKM.CKM_DES3_ECB, MechanismParameter.None, key, plain));
        Assert.Equal(plain, Decrypt(CKM.CKM_DES3_ECB, MechanismParameter.None, key, cipher));
    }

    [Fact]
    public void TwoKeyTripleDesIsThreeKeyWithK3EqualK1()
    {
        var two = Key(CKK.CKK_DES2, Hex("0123456789abcdef 23456789abcdef01"));
        var three = Key(CKK.CKK_DES3, Hex("0123456789abcdef 23456789abcdef01 0123456789abcdef"));
        var iv = Iv("1234567890abcdef");
        var data = Message(40);
        Assert.Equal(Encrypt(CKM.CKM_DES3_CBC_PAD, iv, three, data), Encrypt(CKM.CKM_DES3_CBC_PAD, iv, two, data));
        Assert.Equal(CKR.CKR_KEY_TYPE_INCONSISTENT, Error(() => Encrypt(CKM.CKM_DES_ECB, MechanismParameter.None, two, new byte[8])));
        Assert.Equal(CKR.CKR_KEY_SIZE_RANGE, Error(() => Encrypt(CKM.CKM_DES3_ECB, MechanismParameter.None,
            Key(CKK.CKK_DES3, new byte[20]), new byte[8])));
    }

    [Theory]
    // RFC 2268 section 5: key, effective bits, plaintext, ciphertext.
    [InlineData("0000000000000000", 63, "0000000000000000", "ebb773f993278eff")]
    [InlineData("ffffffffffffffff", 64, "ffffffffffffffff", "278b27e42e2f0d49")]
    [InlineData("3000000000000000", 64, "1000000000000001", "30649edf9be7d2c2")]
    [InlineData("88", 64, "0000000000000000", "61a8a244adacccf0")]
    [InlineData("88bca90e90875a", 64, "0000000000000000", "6ccf4308974c267f")]
    [InlineData("88bca90e90875a7f0f79c384627bafb2", 64, "0000000000000000", "1a807d272bbe5db1")]
    [InlineData("88bca90e90875a7f0f79c384627bafb2", 128, "0000000000000000", "2269552ab0f85ca6")]
    [InlineData("88bca90e90875a7f0f79c384627bafb216f80a6f85920584c42fceb0be255daf1e", 129, "0000000000000000", "5b78d3a43dfff1f1")]
    public void Rc2MatchesRfc2268(string key, int bits, string plain, string cipher)
    {
        var rc2 = Key(CKK.CKK_RC2, Hex(key));
        Assert.Equal(Hex(cipher), Encrypt(CKM.CKM_RC2_ECB, new UlongParameter((ulong)bits), rc2, Hex(plain)));
        Assert.Equal(Hex(plain), Decrypt(CKM.CKM_RC2_ECB, new UlongParameter((ulong)bits), rc2, Hex(cipher)));
        // CBC with a zero IV on one block is ECB.
        var cbc = new Rc2CbcParameter((ulong)bits, new byte[8]);
        Assert.Equal(Hex(cipher), Encrypt(CKM.CKM_RC2_CBC, cbc, rc2, Hex(plain)));
        Assert.Equal(Hex(cipher)[..4], Sign(CKM.CKM_RC2_MAC, new UlongParameter((ulong)bits), rc2, Hex(plain)));
        Assert.Equal(Hex(cipher)[..7], Sign(CKM.CKM_RC2_MAC_GENERAL, new Rc2MacGeneralParameter((ulong)bits, 7), rc2, Hex(plain)));
    }

    [Fact]
    public void Rc2ParameterErrors()
    {
        var rc2 = Key(CKK.CKK_RC2, Hex("88bca90e90875a"));
        Assert.Equal(CKR.CKR_MECHANISM_PARAM_INVALID, Error(() => Encryptor(CKM.CKM_RC2_ECB, new UlongParameter(0), rc2)));
        Assert.Equal(CKR.CKR_MECHANISM_PARAM_INVALID, Error(() => Encryptor(CKM.CKM_RC2_ECB, new UlongParameter(1025), rc2)));
        Assert.Equal(CKR.CKR_MECHANISM_PARAM_INVALID, Error(() => Encryptor(CKM.CKM_RC2_ECB, MechanismParameter.None, rc2)));
        Assert.Equal(CKR.CKR_MECHANISM_PARAM_INVALID, Error(() => Encryptor(CKM.CKM_RC2_CBC, new UlongParameter(64), rc2)));
        Assert.Equal(CKR.CKR_MECHANISM_PARAM_INVALID, Error(() => Encryptor(CKM.CKM_RC2_CBC, new Rc2CbcParameter(64, new byte[7]), rc2)));
        Assert.Equal(CKR.CKR_MECHANISM_PARAM_INVALID,
            Error(() => Sign(CKM.CKM_RC2_MAC_GENERAL, new Rc2MacGeneralParameter(64, 9), rc2, [])));
    }

    [Theory]
    // RFC 3713 Appendix A: plaintext 0123456789abcdeffedcba9876543210 under 128-, 192- and 256-bit keys.
    [InlineData("0123456789abcdeffedcba9876543210", "67673138549669730857065648eabe43")]
    [InlineData("0123456789abcdeffedcba98765432100011223344556677", "b4993401b3e996f84ee5cee7d79b09b9")]
    [InlineData("0123456789abcdeffedcba987654321000112233445566778899aabbccddeeff", "9acc237dff16d76c20ef7c919e3a7509")]
    public void CamelliaMatchesRfc3713(string key, string cipher)
    {
        var plain = Hex("0123456789abcdeffedcba9876543210");
        var camellia = Key(CKK.CKK_CAMELLIA, Hex(key));
        Assert.Equal(Hex(cipher), Encrypt(CKM.CKM_CAMELLIA_ECB, MechanismParameter.None, camellia, plain));
        Assert.Equal(plain, Decrypt(CKM.CKM_CAMELLIA_ECB, MechanismParameter.None, camellia, Hex(cipher)));
    }

    [Theory]
    // RFC 4269 Appendix B, the four SEED test vectors.
    [InlineData("00000000000000000000000000000000", "000102030405060708090a0b0c0d0e0f", "5ebac6e0054e166819aff1cc6d346cdb")]
    [InlineData("000102030405060708090a0b0c0d0e0f", "00000000000000000000000000000000", "c11f22f20140505084483597e4370f43")]
    [InlineData("4706480851e61be85d74bfb3fd956185", "83a2f8a288641fb9a4e9a5cc2f131c7d", "ee54d13ebcae706d226bc3142cd40d4a")]
    [InlineData("28dbc3bc49ffd87dcfa509b11d422be7", "b41e6be2eba84a148e2eed84593c5ec7", "9b9b7bfcd1813cb95d0b3618f40f5122")]
    public void SeedMatchesRfc4269(string key, string plain, string cipher)
    {
        var seed = Key(CKK.CKK_SEED, Hex(key));
        Assert.Equal(Hex(cipher), Encrypt(CKM.CKM_SEED_ECB, MechanismParameter.None, seed, Hex(plain)));
        Assert.Equal(Hex(plain), Decrypt(CKM.CKM_SEED_ECB, MechanismParameter.None, seed, Hex(cipher)));
    }

    [Theory]
    // RFC 6229 section 2: keystream bytes 0-15 for the 40-, 64- and 128-bit keys 0102030405...
    [InlineData("0102030405", "b2396305f03dc027ccc3524a0a1118a8")]
    [InlineData("0102030405060708", "97ab8a1bf0afb96132f2f67258da15a8")]
    [InlineData("0102030405060708090a0b0c0d0e0f10", "9ac7cc9a609d1ef7b2932899cde41b97")]
    public void Rc4MatchesRfc6229(string key, string keystream)
    {
        var rc4 = Key(CKK.CKK_RC4, Hex(key));
        Assert.Equal(Hex(keystream), Encrypt(CKM.CKM_RC4, MechanismParameter.None, rc4, new byte[16]));
        Assert.Equal(Hex(keystream), EncryptParts(CKM.CKM_RC4, MechanismParameter.None, rc4, new byte[16], 1, 7));
        Assert.Equal(new byte[16], Decrypt(CKM.CKM_RC4, MechanismParameter.None, rc4, Hex(keystream)));
        Assert.Equal(Hex(keystream), Wrap(CKM.CKM_RC4, MechanismParameter.None, rc4, new byte[16]));
    }

    public static TheoryData<string, string, string> BlockCipherKeys => new()
    {
        { "DES", nameof(CKK.CKK_DES), "0123456789abcdef" },
        { "DES3", nameof(CKK.CKK_DES3), "0123456789abcdef23456789abcdef01456789abcdef0123" },
        { "DES3", nameof(CKK.CKK_DES2), "0123456789abcdef23456789abcdef01" },
        { "CAMELLIA", nameof(CKK.CKK_CAMELLIA), "0123456789abcdeffedcba987654321000112233445566778899aabbccddeeff" },
        { "SEED", nameof(CKK.CKK_SEED), "000102030405060708090a0b0c0d0e0f" },
        { "RC2", nameof(CKK.CKK_RC2), "88bca90e90875a7f0f79c384627bafb2" },
    };

    [Theory]
    [MemberData(nameof(BlockCipherKeys))]
    public void BlockModesMultiPartEqualsSinglePart(string cipher, string keyType, string keyHex)
    {
        var key = Key(Enum.Parse<CKK>(keyType), Hex(keyHex));
        int block = cipher is "DES" or "DES3" or "RC2" ? 8 : 16;
        var iv = Message(block);
        MechanismParameter ecbParameter = cipher == "RC2" ? new UlongParameter(80) : MechanismParameter.None;
        MechanismParameter cbcParameter = cipher == "RC2" ? new Rc2CbcParameter(80, iv) : new BytesParameter(iv);
        foreach (var (suffix, parameter, whole) in new[] { ("ECB", ecbParameter, true), ("CBC", cbcParameter, true), ("CBC_PAD", cbcParameter, false) })
        {
            var mechanism = Enum.Parse<CKM>($"CKM_{cipher}_{suffix}");
            foreach (int length in new[] { 0, 1, 7, 8, 9, 15, 16, 17, 40, 41, 100 })
            {
                if (whole && length % block != 0) continue;
                var data = Message(length);
                var sealedData = Encrypt(mechanism, parameter, key, data);
                foreach (var splits in Splits)
                {
                    Assert.Equal(sealedData, EncryptParts(mechanism, parameter, key, data, splits));
                    Assert.Equal(data, DecryptParts(mechanism, parameter, key, sealedData, splits));
                }
                Assert.Equal(data, Decrypt(mechanism, parameter, key, sealedData));
                if (!whole) Assert.Equal(data, Unwrap(mechanism, parameter, key, Wrap(mechanism, parameter, key, data)));
            }
        }
        // Wrapping with an unpadded mode pads the key value with zeros to whole blocks.
        var ecb = Enum.Parse<CKM>($"CKM_{cipher}_ECB");
        var wrapped = Wrap(ecb, ecbParameter, key, Message(block + 3));
        Assert.Equal(2 * block, wrapped.Length);
        Assert.Equal(Message(block + 3).Concat(new byte[block - 3]), Unwrap(ecb, ecbParameter, key, wrapped));
    }
}

/// <summary>CDMF: the key is transformed (IBM's CDMF key transformation) into a DES key, which then works as DES.</summary>
public sealed class CdmfTests
{
    private static byte[] Transform(byte[] cdmf)
    {
        // The transformation, spelled out with the DES mechanism itself.
        var masked = cdmf.Select(b => (byte)(b & 0xfe)).ToArray();
        var first = Encrypt(CKM.CKM_DES_ECB, MechanismParameter.None, Key(CKK.CKK_DES, Hex("c408b0540ba1e0ae")), masked);
        var mixed = masked.Select((b, i) => (byte)((b ^ first[i]) & (i % 2 == 1 ? 0xfe : 0x0e))).ToArray();
        var des = Encrypt(CKM.CKM_DES_ECB, MechanismParameter.None, Key(CKK.CKK_DES, Hex("ef2c041ce6382fe6")), mixed);
        Org.BouncyCastle.Crypto.Parameters.DesParameters.SetOddParity(des);
        return des;
    }

    [Fact]
    public void CdmfIsDesUnderTheTransformedKey()
    {
        var cdmf = Hex("0123456789abcdef");
        var des = Key(CKK.CKK_DES, Transform(cdmf));
        var data = Message(24);
        Assert.Equal(Encrypt(CKM.CKM_DES_ECB, MechanismParameter.None, des, data),
            Encrypt(CKM.CKM_CDMF_ECB, MechanismParameter.None, Key(CKK.CKK_CDMF, cdmf), data));
        var iv = Iv("1234567890abcdef");
        Assert.Equal(Encrypt(CKM.CKM_DES_CBC_PAD, iv, des, data), Encrypt(CKM.CKM_CDMF_CBC_PAD, iv, Key(CKK.CKK_CDMF, cdmf), data));
        Assert.Equal(Sign(CKM.CKM_DES_MAC, MechanismParameter.None, des, data),
            Sign(CKM.CKM_CDMF_MAC, MechanismParameter.None, Key(CKK.CKK_CDMF, cdmf), data));
        // Parity bits do not matter.
        var flipped = cdmf.Select(b => (byte)(b ^ 1)).ToArray();
        Assert.Equal(Encrypt(CKM.CKM_CDMF_ECB, MechanismParameter.None, Key(CKK.CKK_CDMF, cdmf), data),
            Encrypt(CKM.CKM_CDMF_ECB, MechanismParameter.None, Key(CKK.CKK_CDMF, flipped), data));
        Assert.Equal(CKR.CKR_KEY_TYPE_INCONSISTENT, Error(() => Encryptor(CKM.CKM_CDMF_ECB, MechanismParameter.None, Key(CKK.CKK_DES, cdmf))));
    }

    [Fact]
    public void MissingKeyValueIsAnInvalidKeyHandle()
    {
        var key = new Softoken.Objects.AttributeSet();
        key.SetUlong(CKA.CKA_KEY_TYPE, (ulong)CKK.CKK_AES);
        Assert.Equal(CKR.CKR_KEY_HANDLE_INVALID, Error(() => Encryptor(CKM.CKM_AES_ECB, MechanismParameter.None, key)));
        Assert.Equal(CKR.CKR_KEY_TYPE_INCONSISTENT, Error(() => Encryptor(CKM.CKM_AES_ECB, MechanismParameter.None, new())));
        Assert.Equal(CKR.CKR_MECHANISM_PARAM_INVALID, Error(() => Encryptor(CKM.CKM_AES_ECB, Iv("00"), Aes("000102030405060708090a0b0c0d0e0f"))));
        Assert.Equal(CKR.CKR_MECHANISM_PARAM_INVALID, Error(() => Encryptor(CKM.CKM_AES_CBC, Iv("0001"), Aes("000102030405060708090a0b0c0d0e0f"))));
    }
}
