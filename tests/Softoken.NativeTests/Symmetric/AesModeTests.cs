using Net.Pkcs11Interop.Common;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;
using Softoken.NativeTests.Infrastructure;
using UnmanagedMemory = Net.Pkcs11Interop.Common.UnmanagedMemory;

namespace Softoken.NativeTests.Symmetric;

/// <summary>Issue 5, AES: every mode single-part and multi-part with odd split points through the .so, compared
/// with BouncyCastle (or .NET's Aes) on the same imported key; the error returns of the cipher calls.</summary>
public sealed class AesModeTests(ModuleFixture fixture) : SymmetricTest(fixture)
{
    private static readonly int[] OddCuts = [1, 15, 0, 17, 3];

    /// <summary>Mode, key length, data length.</summary>
    public static TheoryData<string, int, int> Modes => new()
    {
        { "ECB", 16, 64 }, { "ECB", 32, 16 },
        { "CBC", 16, 64 }, { "CBC", 24, 48 },
        { "CBC_PAD", 16, 37 }, { "CBC_PAD", 32, 32 }, { "CBC_PAD", 16, 0 },
        { "CTR", 16, 37 }, { "CTR", 32, 100 },
        { "CTS", 16, 37 }, { "CTS", 16, 17 }, { "CTS", 32, 64 },
        { "OFB", 16, 37 }, { "OFB", 24, 5 },
        { "CFB8", 16, 37 }, { "CFB8", 32, 3 },
        { "CFB128", 16, 37 }, { "CFB128", 32, 64 },
    };

    [Theory]
    [MemberData(nameof(Modes))]
    public void ModeMatchesTheReferenceSingleAndMultiPart(string mode, int keyLength, int dataLength)
    {
        var keyValue = Random(keyLength);
        var iv = Random(16);
        var data = Random(dataLength);
        var key = Aes(keyValue);
        var (type, parameter, reference) = Describe(mode, iv);
        var expected = Reference(reference, keyValue, iv, data, encrypt: true);
        if (mode == "CTS") expected = Cs3ToCs1(expected);

        var single = Session.Encrypt(Mech(type, parameter), key, data);
        Assert.Equal(ToHex(expected), ToHex(single));
        Assert.Equal(ToHex(expected), ToHex(Multi(true, type, parameter, key, data, OddCuts)));
        Assert.Equal(ToHex(data), ToHex(Session.Decrypt(Mech(type, parameter), key, single)));
        Assert.Equal(ToHex(data), ToHex(Multi(false, type, parameter, key, single, OddCuts)));
    }

    private static (ulong Type, byte[]? Parameter, string Reference) Describe(string mode, byte[] iv) => mode switch
    {
        "ECB" => ((ulong)CKM.CKM_AES_ECB, null, "AES/ECB/NoPadding"),
        "CBC" => ((ulong)CKM.CKM_AES_CBC, iv, "AES/CBC/NoPadding"),
        "CBC_PAD" => ((ulong)CKM.CKM_AES_CBC_PAD, iv, "AES/CBC/PKCS7Padding"),
        "CTR" => ((ulong)CKM.CKM_AES_CTR, [.. BitConverter.GetBytes(128UL), .. iv], "AES/CTR/NoPadding"),
        "CTS" => ((ulong)CKM.CKM_AES_CTS, iv, "AES/CTS/NoPadding"),
        "OFB" => ((ulong)CKM.CKM_AES_OFB, iv, "AES/OFB/NoPadding"),
        "CFB8" => ((ulong)CKM.CKM_AES_CFB8, iv, "AES/CFB8/NoPadding"),
        "CFB128" => ((ulong)CKM.CKM_AES_CFB128, iv, "AES/CFB/NoPadding"),
        _ => throw new ArgumentOutOfRangeException(nameof(mode)),
    };

    private static byte[] Reference(string transformation, byte[] key, byte[]? iv, byte[] data, bool encrypt)
    {
        var cipher = CipherUtilities.GetCipher(transformation);
        ICipherParameters p = new KeyParameter(key);
        if (!transformation.Contains("/ECB/")) p = new ParametersWithIV(p, iv);
        cipher.Init(encrypt, p);
        return cipher.DoFinal(data);
    }

    /// <summary>BouncyCastle's CtsBlockCipher writes CBC-CS3 (Kerberos: the last two blocks always swapped);
    /// softokn's CKM_AES_CTS is CBC-CS1 of the SP 800-38A addendum (freebl cts.c): the possibly partial
    /// next-to-last block keeps its place.</summary>
    private static byte[] Cs3ToCs1(byte[] cs3)
    {
        int pad = cs3.Length % 16 == 0 ? 16 : cs3.Length % 16;
        int tail = cs3.Length - 16 - pad;
        return [.. cs3[..tail], .. cs3[(cs3.Length - pad)..], .. cs3[tail..(tail + 16)]];
    }

    [Fact]
    public void EcbAndCbcMatchDotNetAes()
    {
        var keyValue = Random(32);
        var iv = Random(16);
        var data = Random(45);
        using var aes = System.Security.Cryptography.Aes.Create();
        aes.Key = keyValue;
        var key = Aes(keyValue);
        Assert.Equal(ToHex(aes.EncryptEcb(data[..32], System.Security.Cryptography.PaddingMode.None)),
            ToHex(Session.Encrypt(Mech(CKM.CKM_AES_ECB), key, data[..32])));
        Assert.Equal(ToHex(aes.EncryptCbc(data, iv, System.Security.Cryptography.PaddingMode.PKCS7)),
            ToHex(Session.Encrypt(Mech(CKM.CKM_AES_CBC_PAD, iv), key, data)));
        Assert.Equal(ToHex(aes.EncryptCfb(data, iv, System.Security.Cryptography.PaddingMode.None, 8)),
            ToHex(Session.Encrypt(Mech(CKM.CKM_AES_CFB8, iv), key, data)));
    }

    /// <summary>FIPS 197 appendix C.1 and SP 800-38A F.2.1 (CBC-AES128 first block).</summary>
    [Fact]
    public void PublishedKnownAnswers()
    {
        var key = Aes(Hex("000102030405060708090a0b0c0d0e0f"));
        Assert.Equal("69c4e0d86a7b0430d8cdb78070b4c55a", ToHex(Session.Encrypt(Mech(CKM.CKM_AES_ECB), key, Hex("00112233445566778899aabbccddeeff"))));
        var k2 = Aes(Hex("2b7e151628aed2a6abf7158809cf4f3c"));
        Assert.Equal("7649abac8119b246cee98e9b12e9197d", ToHex(Session.Encrypt(Mech(CKM.CKM_AES_CBC, Hex("000102030405060708090a0b0c0d0e0f")), k2,
            Hex("6bc1bee22e409f96e93d7e117393172a"))));
    }

    /// <summary>IV length in bytes, tag length in bits, AAD length.</summary>
    public static TheoryData<int, int, int, int> GcmCases => new()
    {
        { 12, 128, 0, 64 }, { 12, 96, 20, 37 }, { 1, 128, 13, 16 }, { 13, 104, 0, 5 }, { 60, 120, 7, 100 },
        { 8, 32, 16, 0 }, { 128, 112, 1, 33 }, { 16, 64, 65, 31 },
    };

    private byte[] GcmParameter(byte[] iv, byte[] aad, int tagBits) =>
        Struct().DataLen(iv).Ulong((ulong)iv.Length * 8).DataLen(aad).Ulong((ulong)tagBits).Build();

    [Theory]
    [MemberData(nameof(GcmCases))]
    public void GcmMatchesTheReference(int ivLength, int tagBits, int aadLength, int dataLength)
    {
        var keyValue = Random(16 + 8 * (ivLength % 3));
        var (iv, aad, data) = (Random(ivLength), Random(aadLength), Random(dataLength));
        var key = Aes(keyValue);
        var gcm = CipherUtilities.GetCipher("AES/GCM/NoPadding");
        gcm.Init(true, new AeadParameters(new KeyParameter(keyValue), tagBits, iv, aad));
        var expected = gcm.DoFinal(data);
        var parameter = GcmParameter(iv, aad, tagBits);

        Assert.Equal(ToHex(expected), ToHex(Session.Encrypt(Mech(CKM.CKM_AES_GCM, parameter), key, data)));
        Assert.Equal(ToHex(expected), ToHex(Multi(true, (ulong)CKM.CKM_AES_GCM, parameter, key, data, OddCuts)));
        Assert.Equal(ToHex(data), ToHex(Session.Decrypt(Mech(CKM.CKM_AES_GCM, parameter), key, expected)));
        Assert.Equal(ToHex(data), ToHex(Multi(false, (ulong)CKM.CKM_AES_GCM, parameter, key, expected, OddCuts)));
    }

    [Fact]
    public void GcmWithATamperedTagOrAadIsEncryptedDataInvalid()
    {
        var key = Aes(Random(16));
        var (iv, aad) = (Random(12), Random(5));
        var c = Session.Encrypt(Mech(CKM.CKM_AES_GCM, GcmParameter(iv, aad, 128)), key, Random(20));
        c[^1] ^= 1;
        Expect.Rv(CKR.CKR_ENCRYPTED_DATA_INVALID, () => Session.Decrypt(Mech(CKM.CKM_AES_GCM, GcmParameter(iv, aad, 128)), key, c));
        c[^1] ^= 1;
        aad[0] ^= 1;
        Expect.Rv(CKR.CKR_ENCRYPTED_DATA_INVALID, () => Session.Decrypt(Mech(CKM.CKM_AES_GCM, GcmParameter(iv, aad, 128)), key, c));
    }

    [Theory]
    [InlineData(0, 128)]
    [InlineData(12, 136)]
    [InlineData(12, 0)]
    public void GcmWithAnImpossibleIvOrTagIsParamInvalid(int ivLength, int tagBits) =>
        Expect.Rv(CKR.CKR_MECHANISM_PARAM_INVALID, () => Session.Encrypt(Mech(CKM.CKM_AES_GCM, GcmParameter(new byte[ivLength], [], tagBits)), Aes(Random(16)), Random(16)));

    /// <summary>Nonce length, MAC length, AAD length, data length.</summary>
    public static TheoryData<int, int, int, int> CcmCases => new()
    {
        { 7, 4, 0, 16 }, { 13, 16, 20, 37 }, { 12, 8, 3, 1 }, { 11, 10, 0, 64 },
    };

    private byte[] CcmParameter(int dataLength, byte[] nonce, byte[] aad, int macLength) =>
        Struct().Ulong((ulong)dataLength).DataLen(nonce).DataLen(aad).Ulong((ulong)macLength).Build();

    [Theory]
    [MemberData(nameof(CcmCases))]
    public void CcmMatchesTheReference(int nonceLength, int macLength, int aadLength, int dataLength)
    {
        var keyValue = Random(16);
        var (nonce, aad, data) = (Random(nonceLength), Random(aadLength), Random(dataLength));
        var key = Aes(keyValue);
        var ccm = CipherUtilities.GetCipher("AES/CCM/NoPadding");
        ccm.Init(true, new AeadParameters(new KeyParameter(keyValue), macLength * 8, nonce, aad));
        var expected = ccm.DoFinal(data);
        var encrypt = CcmParameter(dataLength, nonce, aad, macLength);

        Assert.Equal(ToHex(expected), ToHex(Session.Encrypt(Mech(CKM.CKM_AES_CCM, encrypt), key, data)));
        Assert.Equal(ToHex(expected), ToHex(Multi(true, (ulong)CKM.CKM_AES_CCM, encrypt, key, data, OddCuts)));
        var plain = DecryptCcm(key, expected, dataLength, nonce, aad, macLength);
        Assert.Equal(ToHex(data), ToHex(plain));
        expected[0] ^= 0x80;
        Expect.Rv(CKR.CKR_ENCRYPTED_DATA_INVALID, () => DecryptCcm(key, expected, dataLength, nonce, aad, macLength));
    }

    /// <summary>PKCS #11 v3.0 section 2.13.3 leaves ulDataLen of the decryption open (plaintext or ciphertext
    /// length); the module must accept the one it documents, so both are tried.</summary>
    private byte[] DecryptCcm(Net.Pkcs11Interop.HighLevelAPI.IObjectHandle key, byte[] c, int dataLength, byte[] nonce, byte[] aad, int macLength)
    {
        try
        {
            return Session.Decrypt(Mech(CKM.CKM_AES_CCM, CcmParameter(dataLength, nonce, aad, macLength)), key, c);
        }
        catch (Pkcs11Exception e) when (e.RV == CKR.CKR_MECHANISM_PARAM_INVALID || e.RV == CKR.CKR_DATA_LEN_RANGE || e.RV == CKR.CKR_ENCRYPTED_DATA_LEN_RANGE)
        {
            return Session.Decrypt(Mech(CKM.CKM_AES_CCM, CcmParameter(dataLength + macLength, nonce, aad, macLength)), key, c);
        }
    }

    [Fact]
    public void CbcOfAPartialBlockIsDataLenRange()
    {
        var key = Aes(Random(16));
        Expect.Rv(CKR.CKR_DATA_LEN_RANGE, () => Session.Encrypt(Mech(CKM.CKM_AES_CBC, Random(16)), key, Random(17)));
        Expect.Rv(CKR.CKR_DATA_LEN_RANGE, () => Session.Encrypt(Mech(CKM.CKM_AES_ECB), key, Random(15)));
        Expect.Rv(CKR.CKR_ENCRYPTED_DATA_LEN_RANGE, () => Session.Decrypt(Mech(CKM.CKM_AES_CBC_PAD, Random(16)), key, Random(31)));
    }

    [Fact]
    public void CbcPadWithBadPaddingIsEncryptedDataInvalid()
    {
        var keyValue = Random(16);
        var iv = Random(16);
        var block = Hex("000102030405060708090a0b0c0d0e00"); // last byte 0: never valid PKCS #7 padding
        var c = Reference("AES/CBC/NoPadding", keyValue, iv, block, encrypt: true);
        Expect.Rv(CKR.CKR_ENCRYPTED_DATA_INVALID, () => Session.Decrypt(Mech(CKM.CKM_AES_CBC_PAD, iv), Aes(keyValue), c));
    }

    [Fact]
    public void WrongIvLengthIsParamInvalid()
    {
        var key = Aes(Random(16));
        Expect.Rv(CKR.CKR_MECHANISM_PARAM_INVALID, () => Session.Encrypt(Mech(CKM.CKM_AES_CBC, Random(15)), key, Random(16)));
        Expect.Rv(CKR.CKR_MECHANISM_PARAM_INVALID, () => Session.Encrypt(Mech(CKM.CKM_AES_CBC), key, Random(16)));
    }

    [Fact]
    public void KeyUsageTypeAndAllowedMechanismsAreEnforced()
    {
        var noEncrypt = Aes(Random(16), Attr(CKA.CKA_ENCRYPT, false));
        Expect.Rv(CKR.CKR_KEY_FUNCTION_NOT_PERMITTED, () => Session.Encrypt(Mech(CKM.CKM_AES_ECB), noEncrypt, Random(16)));
        var noDecrypt = Aes(Random(16), Attr(CKA.CKA_DECRYPT, false));
        Expect.Rv(CKR.CKR_KEY_FUNCTION_NOT_PERMITTED, () => Session.Decrypt(Mech(CKM.CKM_AES_ECB), noDecrypt, Random(16)));
        var des3 = Import((ulong)CKK.CKK_DES3, Hex("0123456789abcdef23456789abcdef01456789abcdef0123"));
        Expect.Rv(CKR.CKR_KEY_TYPE_INCONSISTENT, () => Session.Encrypt(Mech(CKM.CKM_AES_ECB), des3, Random(16)));
        var onlyCbc = Aes(Random(16), Factories.ObjectAttributeFactory.Create(CKA.CKA_ALLOWED_MECHANISMS, new List<CKM> { CKM.CKM_AES_CBC }));
        Expect.Rv(CKR.CKR_MECHANISM_INVALID, () => Session.Encrypt(Mech(CKM.CKM_AES_ECB), onlyCbc, Random(16)));
        Assert.Equal(32, Session.Encrypt(Mech(CKM.CKM_AES_CBC, Random(16)), onlyCbc, Random(32)).Length);
    }

    [Fact]
    public void EncryptWithoutInitIsOperationNotInitialized()
    {
        var output = new byte[32];
        ulong length = 32;
        Assert.Equal(CKR.CKR_OPERATION_NOT_INITIALIZED, LowLevel.C_Encrypt(SessionId, new byte[16], 16, output, ref length));
    }

    /// <summary>PKCS #11 v3.0 section 5.2: a NULL output buffer asks the length, a short one is
    /// CKR_BUFFER_TOO_SMALL with the length and the operation goes on.</summary>
    [Fact]
    public void EncryptFollowsTheOutputBufferConvention()
    {
        var key = Aes(Random(16));
        var iv = Random(16);
        var data = Random(20);
        var expected = Session.Encrypt(Mech(CKM.CKM_AES_CBC_PAD, iv), key, data);
        var mechanism = LowMechanism((ulong)CKM.CKM_AES_CBC_PAD, iv);
        Expect.Ok(LowLevel.C_EncryptInit(SessionId, ref mechanism, key.ObjectId));
        UnmanagedMemory.Free(ref mechanism.Parameter);
        ulong length = 0;
        Expect.Ok(LowLevel.C_Encrypt(SessionId, data, (ulong)data.Length, null, ref length), "length query");
        Assert.True(length >= 32, $"length {length}");
        var small = new byte[8];
        ulong smallLength = 8;
        Assert.Equal(CKR.CKR_BUFFER_TOO_SMALL, LowLevel.C_Encrypt(SessionId, data, (ulong)data.Length, small, ref smallLength));
        Assert.True(smallLength >= 32);
        var output = new byte[length];
        Expect.Ok(LowLevel.C_Encrypt(SessionId, data, (ulong)data.Length, output, ref length));
        Assert.Equal(ToHex(expected), ToHex(output[..(int)length]));
        Assert.Equal(CKR.CKR_OPERATION_NOT_INITIALIZED, LowLevel.C_Encrypt(SessionId, data, (ulong)data.Length, output, ref length));
    }
}
