using Softoken.Mechanisms.Parameters;
using Softoken.Pkcs11;
using static Softoken.Tests.Crypto.Sym;

namespace Softoken.Tests.Crypto;

/// <summary>CKM_AES_CTS against RFC 3962 Appendix B, and the AES key wrap mechanisms against RFC 3394 and RFC 5649.</summary>
public sealed class AesCtsAndKeyWrapTests
{
    private const string Chicken = "636869636b656e207465726979616b69"; // "chicken teriyaki"

    private const string Text =
        "4920776f756c64206c696b652074686520" + "47656e6572616c2047617527732043" + "6869636b656e2c20706c656173652c" + "20616e6420776f6e746f6e20736f75702e";

    /// <summary>RFC 3962 gives CBC-CS3 (Kerberos: the last two blocks always swapped); softokn's CKM_AES_CTS is
    /// CBC-CS1 of the SP 800-38A addendum, which keeps them in order. This undoes the swap.</summary>
    private static byte[] Cs3ToCs1(byte[] cs3)
    {
        int tail = cs3.Length % 16 == 0 ? 16 : cs3.Length % 16;
        int lastFull = cs3.Length - tail - 16;
        var cs1 = cs3[..lastFull].ToList();
        cs1.AddRange(cs3[(lastFull + 16)..]);
        cs1.AddRange(cs3[lastFull..(lastFull + 16)]);
        return [.. cs1];
    }

    [Theory]
    [InlineData(17, "c6353568f2bf8cb4d8a580362da7ff7f97")]
    [InlineData(31, "fc00783e0efdb2c1d445d4c8eff7ed2297687268d6ecccc0c07b25e25ecfe5")]
    [InlineData(32, "39312523a78662d5be7fcbcc98ebf5a897687268d6ecccc0c07b25e25ecfe584")]
    [InlineData(47, "97687268d6ecccc0c07b25e25ecfe584b3fffd940c16a18c1b5549d2f838029e39312523a78662d5be7fcbcc98ebf5")]
    [InlineData(48, "97687268d6ecccc0c07b25e25ecfe5849dad8bbb96c4cdc03bc103e1a194bbd839312523a78662d5be7fcbcc98ebf5a8")]
    [InlineData(64, "97687268d6ecccc0c07b25e25ecfe58439312523a78662d5be7fcbcc98ebf5a84807efe836ee89a526730dbc2f7bc8409dad8bbb96c4cdc03bc103e1a194bbd8")]
    public void CtsMatchesRfc3962(int length, string cs3)
    {
        var plain = Hex(Text)[..length];
        var expected = Cs3ToCs1(Hex(cs3));
        var iv = new BytesParameter(new byte[16]);
        Assert.Equal(expected, Encrypt(CKM.CKM_AES_CTS, iv, Aes(Chicken), plain));
        Assert.Equal(expected, EncryptParts(CKM.CKM_AES_CTS, iv, Aes(Chicken), plain, 1, 16, 17, 33));
        Assert.Equal(plain, Decrypt(CKM.CKM_AES_CTS, iv, Aes(Chicken), expected));
        Assert.Equal(plain, DecryptParts(CKM.CKM_AES_CTS, iv, Aes(Chicken), expected, 15, 31));
    }

    [Fact]
    public void CtsNeedsAtLeastOneBlock()
    {
        var iv = new BytesParameter(new byte[16]);
        Assert.Equal(CKR.CKR_DATA_LEN_RANGE, Error(() => Encrypt(CKM.CKM_AES_CTS, iv, Aes(Chicken), new byte[15])));
        Assert.Equal(CKR.CKR_ENCRYPTED_DATA_LEN_RANGE, Error(() => Decrypt(CKM.CKM_AES_CTS, iv, Aes(Chicken), new byte[3])));
        Assert.Equal(CKR.CKR_MECHANISM_PARAM_INVALID, Error(() => Encryptor(CKM.CKM_AES_CTS, MechanismParameter.None, Aes(Chicken))));
    }

    [Theory]
    // RFC 3394 section 4.1, 4.2, 4.3, 4.6.
    [InlineData("000102030405060708090a0b0c0d0e0f", "00112233445566778899aabbccddeeff", "1fa68b0a8112b447aef34bd8fb5a7b829d3e862371d2cfe5")]
    [InlineData("000102030405060708090a0b0c0d0e0f1011121314151617", "00112233445566778899aabbccddeeff", "96778b25ae6ca435f92b5b97c050aed2468ab8a17ad84e5d")]
    [InlineData("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", "00112233445566778899aabbccddeeff", "64e8c3f9ce0f5ba263e9777905818a2a93c8191e7d6e8ae7")]
    [InlineData("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", "00112233445566778899aabbccddeeff000102030405060708090a0b0c0d0e0f",
        "28c9f404c4b810f4cbccb35cfb87f8263f5786e2d80ed326cbc7f0e71a99f43bfb988b9b7a02dd21")]
    public void KeyWrapMatchesRfc3394(string kek, string keyData, string wrapped)
    {
        foreach (var mechanism in new[] { CKM.CKM_AES_KEY_WRAP, CKM.CKM_NSS_AES_KEY_WRAP })
        {
            Assert.Equal(Hex(wrapped), Encrypt(mechanism, MechanismParameter.None, Aes(kek), Hex(keyData)));
            Assert.Equal(Hex(wrapped), Wrap(mechanism, MechanismParameter.None, Aes(kek), Hex(keyData)));
            Assert.Equal(Hex(keyData), Decrypt(mechanism, MechanismParameter.None, Aes(kek), Hex(wrapped)));
            Assert.Equal(Hex(keyData), Unwrap(mechanism, MechanismParameter.None, Aes(kek), Hex(wrapped)));
        }
        // The default initial value A6A6A6A6A6A6A6A6, given explicitly, changes nothing.
        Assert.Equal(Hex(wrapped), Encrypt(CKM.CKM_AES_KEY_WRAP, Iv("a6a6a6a6a6a6a6a6"), Aes(kek), Hex(keyData)));
    }

    [Theory]
    // RFC 5649 section 6: 20 and 7 octets of key data under a 192-bit KEK.
    [InlineData("c37b7e6492584340bed12207808941155068f738", 20, "138bdeaa9b8fa7fc61f97742e72248ee5ae6ae5360d1ae6a5f54f373fa543b6a")]
    [InlineData("466f7250617369", 7, "afbeb0f07dfbf5419200f2ccb50bb24f")]
    public void KeyWrapKwpMatchesRfc5649(string keyData, int length, string wrapped)
    {
        var kek = Aes("5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8");
        var data = Hex(keyData)[..length];
        Assert.Equal(Hex(wrapped), Encrypt(CKM.CKM_AES_KEY_WRAP_KWP, MechanismParameter.None, kek, data));
        Assert.Equal(Hex(wrapped), Wrap(CKM.CKM_AES_KEY_WRAP_KWP, Iv("a65959a6"), kek, data));
        Assert.Equal(data, Decrypt(CKM.CKM_AES_KEY_WRAP_KWP, MechanismParameter.None, kek, Hex(wrapped)));
        var tampered = Hex(wrapped);
        tampered[3] ^= 1;
        Assert.Equal(CKR.CKR_ENCRYPTED_DATA_INVALID, Error(() => Unwrap(CKM.CKM_AES_KEY_WRAP_KWP, MechanismParameter.None, kek, tampered)));
    }

    [Theory]
    [InlineData(8)]
    [InlineData(13)]
    [InlineData(16)]
    [InlineData(30)]
    public void KeyWrapPadIsPkcs7ThenRfc3394NotRfc5649(int length)
    {
        // PKCS #11 v3.0: CKM_AES_KEY_WRAP_PAD pads with PKCS #7 to 8-byte blocks and applies RFC 3394, so plain key
        // wrap opens it and shows the padding; softokn (and NSS's CKM_NSS_AES_KEY_WRAP_PAD) do the same.
        var kek = Aes("000102030405060708090a0b0c0d0e0f");
        var data = Message(length);
        int padding = 8 - length % 8;
        foreach (var mechanism in new[] { CKM.CKM_AES_KEY_WRAP_PAD, CKM.CKM_NSS_AES_KEY_WRAP_PAD })
        {
            var wrapped = Encrypt(mechanism, MechanismParameter.None, kek, data);
            Assert.Equal(length + padding + 8, wrapped.Length);
            var opened = Decrypt(CKM.CKM_AES_KEY_WRAP, MechanismParameter.None, kek, wrapped);
            Assert.Equal(data.Concat(Enumerable.Repeat((byte)padding, padding)), opened);
            Assert.Equal(data, Decrypt(mechanism, MechanismParameter.None, kek, wrapped));
            Assert.Equal(data, Unwrap(mechanism, MechanismParameter.None, kek, Wrap(mechanism, MechanismParameter.None, kek, data)));
            Assert.NotEqual(Encrypt(CKM.CKM_AES_KEY_WRAP_KWP, MechanismParameter.None, kek, data), wrapped);
        }
    }

    [Fact]
    public void KeyWrapPadRejectsBadPaddingUnderAValidIntegrityCheck()
    {
        var kek = Aes("000102030405060708090a0b0c0d0e0f");
        var wrapped = Encrypt(CKM.CKM_AES_KEY_WRAP, MechanismParameter.None, kek, Hex("00112233445566778899aabbccddee00"));
        Assert.Equal(CKR.CKR_ENCRYPTED_DATA_INVALID, Error(() => Decrypt(CKM.CKM_AES_KEY_WRAP_PAD, MechanismParameter.None, kek, wrapped)));
    }

    [Fact]
    public void KeyWrapLengthsAndParameters()
    {
        var kek = Aes("000102030405060708090a0b0c0d0e0f");
        Assert.Equal(CKR.CKR_DATA_LEN_RANGE, Error(() => Encrypt(CKM.CKM_AES_KEY_WRAP, MechanismParameter.None, kek, new byte[20])));
        Assert.Equal(CKR.CKR_DATA_LEN_RANGE, Error(() => Encrypt(CKM.CKM_AES_KEY_WRAP, MechanismParameter.None, kek, new byte[8])));
        Assert.Equal(CKR.CKR_DATA_LEN_RANGE, Error(() => Encrypt(CKM.CKM_AES_KEY_WRAP_PAD, MechanismParameter.None, kek, new byte[5])));
        Assert.Equal(CKR.CKR_DATA_LEN_RANGE, Error(() => Encrypt(CKM.CKM_AES_KEY_WRAP_KWP, MechanismParameter.None, kek, [])));
        Assert.Equal(CKR.CKR_ENCRYPTED_DATA_LEN_RANGE, Error(() => Decrypt(CKM.CKM_AES_KEY_WRAP, MechanismParameter.None, kek, new byte[20])));
        Assert.Equal(CKR.CKR_ENCRYPTED_DATA_LEN_RANGE, Error(() => Decrypt(CKM.CKM_AES_KEY_WRAP_KWP, MechanismParameter.None, kek, new byte[8])));
        Assert.Equal(CKR.CKR_ENCRYPTED_DATA_INVALID, Error(() => Decrypt(CKM.CKM_AES_KEY_WRAP, MechanismParameter.None, kek, new byte[24])));
        Assert.Equal(CKR.CKR_MECHANISM_PARAM_INVALID, Error(() => Encryptor(CKM.CKM_AES_KEY_WRAP, Iv("a6a6a6a6"), kek)));
        Assert.Equal(CKR.CKR_MECHANISM_PARAM_INVALID, Error(() => Encryptor(CKM.CKM_AES_KEY_WRAP_KWP, Iv("a6a6a6a6a6a6a6a6"), kek)));
        Assert.Equal(CKR.CKR_KEY_TYPE_INCONSISTENT, Error(() => Encryptor(CKM.CKM_AES_KEY_WRAP, MechanismParameter.None,
            Key(CKK.CKK_GENERIC_SECRET, new byte[16]))));
        // C_WrapKey of a key whose length is not a multiple of 8 pads it with zeros (PKCS #11 v3.0, AES Key Wrap).
        var wrapped = Wrap(CKM.CKM_AES_KEY_WRAP, MechanismParameter.None, kek, Message(20));
        Assert.Equal(32, wrapped.Length);
        Assert.Equal(Message(20).Concat(new byte[4]), Unwrap(CKM.CKM_AES_KEY_WRAP, MechanismParameter.None, kek, wrapped));
        using var op = Encryptor(CKM.CKM_AES_KEY_WRAP, MechanismParameter.None, kek);
        Assert.False(op.SupportsMultiPart);
    }
}
