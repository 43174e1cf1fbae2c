using Softoken.Mechanisms;
using Softoken.Mechanisms.Parameters;
using Softoken.Objects;
using Softoken.Pkcs11;
using static Softoken.Tests.Crypto.Sym;

namespace Softoken.Tests.Crypto;

/// <summary>C_GenerateKey factories and derivation by encryption (CKM_*_ENCRYPT_DATA).</summary>
public sealed class SecretKeyGenerationTests
{
    private static AttributeSet Template(ulong? valueLength = null, CKK? keyType = null, CKO? keyClass = null)
    {
        var template = new AttributeSet();
        if (valueLength is { } n) template.SetUlong(CKA.CKA_VALUE_LEN, n);
        if (keyType is { } t) template.SetUlong(CKA.CKA_KEY_TYPE, (ulong)t);
        if (keyClass is { } c) template.SetUlong(CKA.CKA_CLASS, (ulong)c);
        return template;
    }

    private static AttributeSet Generate(CKM mechanism, AttributeSet template, MechanismParameter? parameter = null) =>
        MechanismRegistry.Get(mechanism).GenerateKey!(new KeyGenRequest(mechanism, parameter ?? MechanismParameter.None, template, Sym.Random));

    [Theory]
    [InlineData("CKM_AES_KEY_GEN", "CKK_AES", 16)]
    [InlineData("CKM_AES_KEY_GEN", "CKK_AES", 24)]
    [InlineData("CKM_AES_KEY_GEN", "CKK_AES", 32)]
    [InlineData("CKM_CAMELLIA_KEY_GEN", "CKK_CAMELLIA", 24)]
    [InlineData("CKM_RC2_KEY_GEN", "CKK_RC2", 1)]
    [InlineData("CKM_RC2_KEY_GEN", "CKK_RC2", 128)]
    [InlineData("CKM_RC4_KEY_GEN", "CKK_RC4", 256)]
    [InlineData("CKM_GENERIC_SECRET_KEY_GEN", "CKK_GENERIC_SECRET", 1)]
    [InlineData("CKM_GENERIC_SECRET_KEY_GEN", "CKK_GENERIC_SECRET", 64)]
    public void VariableLengthKeysTakeCkaValueLen(string mechanismName, string keyTypeName, int length)
    {
        var mechanism = Enum.Parse<CKM>(mechanismName);
        var keyType = Enum.Parse<CKK>(keyTypeName);
        var key = Generate(mechanism, Template((ulong)length));
        Assert.Equal((ulong)keyType, key.Ulong(CKA.CKA_KEY_TYPE));
        Assert.Equal(length, key.Bytes(CKA.CKA_VALUE)!.Length);
        // Fresh randomness: among 8 more keys of the same length at least one differs (two 1-byte keys are equal
        // 1 time in 256; 9 equal ones would be 1 in 2^64).
        Assert.Contains(Enumerable.Range(0, 8), _ => !Generate(mechanism, Template((ulong)length)).Bytes(CKA.CKA_VALUE)!.SequenceEqual(key.Bytes(CKA.CKA_VALUE)!));
        Assert.Equal(CKR.CKR_TEMPLATE_INCOMPLETE, Error(() => Generate(mechanism, Template())));
        Assert.Equal(CKR.CKR_TEMPLATE_INCONSISTENT, Error(() => Generate(mechanism, Template((ulong)length, CKK.CKK_DES3))));
        Assert.Equal(CKR.CKR_TEMPLATE_INCONSISTENT, Error(() => Generate(mechanism, Template((ulong)length, keyType, CKO.CKO_PUBLIC_KEY))));
        Assert.Equal(CKR.CKR_MECHANISM_PARAM_INVALID, Error(() => Generate(mechanism, Template((ulong)length), Iv("00"))));
    }

    [Theory]
    [InlineData("CKM_AES_KEY_GEN", 0UL)]
    [InlineData("CKM_AES_KEY_GEN", 17UL)]
    [InlineData("CKM_AES_KEY_GEN", 64UL)]
    [InlineData("CKM_CAMELLIA_KEY_GEN", 8UL)]
    [InlineData("CKM_RC2_KEY_GEN", 129UL)]
    [InlineData("CKM_RC4_KEY_GEN", 257UL)]
    [InlineData("CKM_GENERIC_SECRET_KEY_GEN", 0UL)]
    [InlineData("CKM_GENERIC_SECRET_KEY_GEN", 1_000_000UL)]
    public void ImpossibleLengthsAreRefused(string mechanismName, ulong length) =>
        Assert.Equal(CKR.CKR_ATTRIBUTE_VALUE_INVALID, Error(() => Generate(Enum.Parse<CKM>(mechanismName), Template(length))));

    [Theory]
    [InlineData("CKM_DES_KEY_GEN", "CKK_DES", 8)]
    [InlineData("CKM_DES2_KEY_GEN", "CKK_DES2", 16)]
    [InlineData("CKM_DES3_KEY_GEN", "CKK_DES3", 24)]
    public void DesKeysHaveOddParityAndAreNotWeak(string mechanismName, string keyTypeName, int length)
    {
        var mechanism = Enum.Parse<CKM>(mechanismName);
        for (int i = 0; i < 50; i++)
        {
            var key = Generate(mechanism, Template());
            Assert.Equal((ulong)Enum.Parse<CKK>(keyTypeName), key.Ulong(CKA.CKA_KEY_TYPE));
            var value = key.Bytes(CKA.CKA_VALUE)!;
            Assert.Equal(length, value.Length);
            Assert.All(value, b => Assert.Equal(1, System.Numerics.BitOperations.PopCount(b) % 2));
            for (int off = 0; off < length; off += 8)
                Assert.False(Org.BouncyCastle.Crypto.Parameters.DesParameters.IsWeakKey(value, off));
            if (length > 8) Assert.NotEqual(value[..8], value[8..16]);
        }
        Assert.Equal(length, Generate(mechanism, Template((ulong)length)).Bytes(CKA.CKA_VALUE)!.Length);
        Assert.Equal(CKR.CKR_TEMPLATE_INCONSISTENT, Error(() => Generate(mechanism, Template((ulong)length + 8))));
    }

    [Theory]
    [InlineData("CKM_SEED_KEY_GEN", "CKK_SEED", 16)]
    [InlineData("CKM_CHACHA20_KEY_GEN", "CKK_CHACHA20", 32)]
    [InlineData("CKM_NSS_CHACHA20_KEY_GEN", "CKK_NSS_CHACHA20", 32)]
    public void FixedLengthKeys(string mechanismName, string keyTypeName, int length)
    {
        var key = Generate(Enum.Parse<CKM>(mechanismName), Template());
        Assert.Equal((ulong)Enum.Parse<CKK>(keyTypeName), key.Ulong(CKA.CKA_KEY_TYPE));
        Assert.Equal(length, key.Bytes(CKA.CKA_VALUE)!.Length);
    }

    private static AttributeSet Derive(CKM mechanism, MechanismParameter parameter, AttributeSet baseKey, AttributeSet template) =>
        MechanismRegistry.Get(mechanism).Derive!(new DeriveRequest(mechanism, parameter, baseKey, template, Sym.Random)).Key;

    [Fact]
    public void EncryptDataDerivationUsesTheLeadingCiphertextBytes()
    {
        // SP 800-38A F.1.1 / F.2.1: the derived key is the (truncated) ECB or CBC encryption of the data.
        var key = Aes("2b7e151628aed2a6abf7158809cf4f3c");
        var data = Hex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51");
        var ecb = Derive(CKM.CKM_AES_ECB_ENCRYPT_DATA, new BytesParameter(data), key, Template(16, CKK.CKK_AES));
        Assert.Equal(Hex("3ad77bb40d7a3660a89ecaf32466ef97"), ecb.Bytes(CKA.CKA_VALUE));
        var cbc = Derive(CKM.CKM_AES_CBC_ENCRYPT_DATA, new CbcEncryptDataParameter(Hex("000102030405060708090a0b0c0d0e0f"), data),
            key, Template(keyType: CKK.CKK_GENERIC_SECRET));
        Assert.Equal(Hex("7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2"), cbc.Bytes(CKA.CKA_VALUE));
        Assert.Equal(CKR.CKR_DATA_LEN_RANGE, Error(() => Derive(CKM.CKM_AES_ECB_ENCRYPT_DATA, new BytesParameter(data[..16]), key, Template(32))));
        Assert.Equal(CKR.CKR_MECHANISM_PARAM_INVALID, Error(() => Derive(CKM.CKM_AES_ECB_ENCRYPT_DATA, new BytesParameter(data[..15]), key, Template())));
        Assert.Equal(CKR.CKR_MECHANISM_PARAM_INVALID, Error(() => Derive(CKM.CKM_AES_CBC_ENCRYPT_DATA, new BytesParameter(data), key, Template())));
        Assert.Equal(CKR.CKR_TEMPLATE_INCONSISTENT, Error(() => Derive(CKM.CKM_AES_ECB_ENCRYPT_DATA, new BytesParameter(data), key, Template(20, CKK.CKK_AES))));
        Assert.Equal(CKR.CKR_KEY_TYPE_INCONSISTENT, Error(() => Derive(CKM.CKM_DES3_ECB_ENCRYPT_DATA, new BytesParameter(data), key, Template())));
    }

    [Fact]
    public void Des3EncryptDataDerivesDesKeysWithParity()
    {
        // SP 800-67 example: ECB of "The qufck brown fox jump" under K1 K2 K3, made a DES3 key with odd parity.
        var key = Key(CKK.CKK_DES3, Hex("0123456789abcdef 23456789abcdef01 456789abcdef0123"));
        var data = Hex("5468652071756663 6b2062726f776e20 666f78206a756d70");
        var derived = Derive(CKM.CKM_DES3_ECB_ENCRYPT_DATA, new BytesParameter(data), key, Template(keyType: CKK.CKK_DES3));
        var expected = Hex("a826fd8ce53b855f cce21c8112256fe6 68d5c05dd9b6b900");
        Org.BouncyCastle.Crypto.Parameters.DesParameters.SetOddParity(expected);
        Assert.Equal(expected, derived.Bytes(CKA.CKA_VALUE));
        var cbc = Derive(CKM.CKM_DES3_CBC_ENCRYPT_DATA, new CbcEncryptDataParameter(new byte[8], data), key, Template(keyType: CKK.CKK_DES));
        Assert.Equal(expected[..8], cbc.Bytes(CKA.CKA_VALUE));
    }

    [Theory]
    [InlineData("CKM_CAMELLIA_ECB_ENCRYPT_DATA", "CKM_CAMELLIA_ECB", "CKK_CAMELLIA")]
    [InlineData("CKM_SEED_ECB_ENCRYPT_DATA", "CKM_SEED_ECB", "CKK_SEED")]
    public void CamelliaAndSeedEncryptData(string deriveName, string ecbName, string keyTypeName)
    {
        var key = Key(Enum.Parse<CKK>(keyTypeName), Hex("000102030405060708090a0b0c0d0e0f"));
        var data = Message(32);
        var derived = Derive(Enum.Parse<CKM>(deriveName), new BytesParameter(data), key, Template(24));
        Assert.Equal(Encrypt(Enum.Parse<CKM>(ecbName), MechanismParameter.None, key, data)[..24], derived.Bytes(CKA.CKA_VALUE));
        var cbcName = deriveName.Replace("ECB", "CBC");
        var iv = Message(16);
        var cbc = Derive(Enum.Parse<CKM>(cbcName), new CbcEncryptDataParameter(iv, data), key, Template());
        Assert.Equal(Encrypt(Enum.Parse<CKM>(ecbName.Replace("ECB", "CBC")), new BytesParameter(iv), key, data), cbc.Bytes(CKA.CKA_VALUE));
    }
}
