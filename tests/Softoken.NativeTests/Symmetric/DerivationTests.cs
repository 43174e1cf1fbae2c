using System.Security.Cryptography;
using System.Text;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using Net.Pkcs11Interop.LowLevelAPI80;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Softoken.NativeTests.Infrastructure;

namespace Softoken.NativeTests.Symmetric;

/// <summary>Issue 5, key derivation through the .so: PBKDF2 (RFC 6070), a PKCS #12 PBE mechanism returning its IV,
/// HKDF (RFC 5869 A.1) into a key and into a data object, SP 800-108 counter mode, the concatenate / XOR / extract
/// mechanisms, SHA256_KEY_DERIVATION, AES_ECB/CBC_ENCRYPT_DATA, TLS 1.2 master secret and key block (outputs
/// written back into the caller's structures) and the TLS PRF through C_Sign.</summary>
public sealed class DerivationTests(ModuleFixture fixture) : SymmetricTest(fixture)
{
    private const ulong CKM_HKDF_DERIVE = 0x402A, CKM_HKDF_DATA = 0x402B, CKM_SP800_108_COUNTER_KDF = 0x3AC;
    private const ulong CKM_NSS_TLS_PRF_GENERAL_SHA256 = 0xCE534365;

    /// <summary>RFC 6070 test vectors 1 and 2 through C_GenerateKey (CK_PKCS5_PBKD2_PARAMS, HMAC-SHA1).</summary>
    [Theory]
    [InlineData(1, "0c60c80f961f0e71f3a9b524af6012062fe037a6")]
    [InlineData(4096, "4b007901b765489abead49d926f721d065a429c1")]
    public void Pbkdf2KnownAnswer(int iterations, string expected)
    {
        var parameter = Factories.MechanismParamsFactory.CreateCkPkcs5Pbkd2Params(
            (ulong)CKZ.CKZ_SALT_SPECIFIED, Encoding.ASCII.GetBytes("salt"), (ulong)iterations,
            (ulong)CKP.CKP_PKCS5_PBKD2_HMAC_SHA1, null, Encoding.ASCII.GetBytes("password"));
        var key = Session.GenerateKey(Mech(CKM.CKM_PKCS5_PBKD2, parameter), SecretTemplate((ulong)CKK.CKK_GENERIC_SECRET, 20));
        Assert.Equal(expected, ToHex(Value(key)));
        Assert.Equal((ulong)CKM.CKM_PKCS5_PBKD2, Ulong(key, CKA.CKA_KEY_GEN_MECHANISM));
    }

    /// <summary>CKM_PBE_SHA1_DES3_EDE_CBC (PKCS #12 appendix B key and IV derivation): the key and the IV written
    /// to pInitVector match BouncyCastle's PKCS #12 generator.</summary>
    [Fact]
    public void PbeMechanismReturnsTheIv()
    {
        var password = Encoding.BigEndianUnicode.GetBytes("smeg\0");
        var salt = Hex("0a58cf64530d823f");
        var iv = KeepBuffer(8);
        iv.Fill(0xA5);
        var parameter = Struct().Pointer(iv.Pointer).DataLen(password).DataLen(salt).Ulong(1000).Build();
        var key = Session.GenerateKey(Mech(CKM.CKM_PBE_SHA1_DES3_EDE_CBC, parameter), SecretTemplate((ulong)CKK.CKK_DES3));

        var generator = new Pkcs12ParametersGenerator(new Sha1Digest());
        generator.Init(password, salt, 1000);
        var derived = (ParametersWithIV)generator.GenerateDerivedParameters("DESede", 192, 64);
        Assert.Equal(ToHex(derived.GetIV()), ToHex(iv.Read()));
        var data = Random(16);
        var bc = Org.BouncyCastle.Security.CipherUtilities.GetCipher("DESede/ECB/NoPadding");
        bc.Init(true, derived.Parameters);
        Assert.Equal(ToHex(bc.DoFinal(data)), ToHex(Session.Encrypt(Mech(CKM.CKM_DES3_ECB), key, data)));
        Assert.Equal((ulong)CKK.CKK_DES3, Ulong(key, CKA.CKA_KEY_TYPE));
    }

    private byte[] HkdfParameter(bool extract, bool expand, byte[]? salt, byte[] info) =>
        Struct().Byte(extract ? (byte)1 : (byte)0).Byte(expand ? (byte)1 : (byte)0)
            .Ulong((ulong)CKM.CKM_SHA256).Ulong(salt is null ? 1UL : 2UL).DataLen(salt).Ulong(0).DataLen(info).Build();

    private static readonly byte[] Ikm = Enumerable.Repeat((byte)0x0b, 22).ToArray();
    private static readonly byte[] Salt = Hex("000102030405060708090a0b0c");
    private static readonly byte[] Info = Hex("f0f1f2f3f4f5f6f7f8f9");
    private const string Okm = "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865";
    private const string Prk = "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5";

    /// <summary>RFC 5869 A.1: extract-and-expand, extract only (the PRK) and expand only from the PRK.</summary>
    [Fact]
    public void HkdfDeriveKnownAnswer()
    {
        var ikm = Generic(Ikm);
        var okm = Session.DeriveKey(Mech(CKM_HKDF_DERIVE, HkdfParameter(true, true, Salt, Info)), ikm, SecretTemplate((ulong)CKK.CKK_GENERIC_SECRET, 42));
        Assert.Equal(Okm, ToHex(Value(okm)));
        var prk = Session.DeriveKey(Mech(CKM_HKDF_DERIVE, HkdfParameter(true, false, Salt, [])), ikm,
            SecretTemplate((ulong)CKK.CKK_GENERIC_SECRET, 32, Attr(CKA.CKA_DERIVE, true)));
        Assert.Equal(Prk, ToHex(Value(prk)));
        var expanded = Session.DeriveKey(Mech(CKM_HKDF_DERIVE, HkdfParameter(false, true, null, Info)), prk, SecretTemplate((ulong)CKK.CKK_GENERIC_SECRET, 42));
        Assert.Equal(Okm, ToHex(Value(expanded)));
        var aes = Session.DeriveKey(Mech(CKM_HKDF_DERIVE, HkdfParameter(true, true, Salt, Info)), ikm, SecretTemplate((ulong)CKK.CKK_AES, 16));
        Assert.Equal(Okm[..32], ToHex(Value(aes)));
        Expect.Rv(CKR.CKR_MECHANISM_PARAM_INVALID, () => Session.DeriveKey(Mech(CKM_HKDF_DERIVE, HkdfParameter(false, false, Salt, Info)), ikm, SecretTemplate((ulong)CKK.CKK_GENERIC_SECRET, 42)));
    }

    [Fact]
    public void HkdfDataDerivesADataObject()
    {
        var ikm = Generic(Ikm);
        var template = new List<IObjectAttribute> { Attr(CKA.CKA_CLASS, CKO.CKO_DATA), Attr(CKA.CKA_TOKEN, false), Attr(CKA.CKA_VALUE_LEN, 42UL) };
        var data = Session.DeriveKey(Mech(CKM_HKDF_DATA, HkdfParameter(true, true, Salt, Info)), ikm, template);
        var a = Session.GetAttributeValue(data, [CKA.CKA_CLASS, CKA.CKA_VALUE]);
        Assert.Equal((ulong)CKO.CKO_DATA, a[0].GetValueAsUlong());
        Assert.Equal(Okm, ToHex(a[1].GetValueAsByteArray()));
    }

    /// <summary>SP 800-108 counter mode, HMAC-SHA256, an 8-bit big-endian counter before the fixed input: the
    /// reference is the definition K(i) = PRF(KI, [i] || fixed).</summary>
    [Theory]
    [InlineData(16)]
    [InlineData(48)]
    public void Sp800108CounterKdf(int length)
    {
        var ki = Random(32);
        var fixedInput = Random(40);
        var counterFormat = Struct().Byte(0).Ulong(8).Build();
        var dataParams = Struct()
            .Ulong(1).Data(counterFormat).Ulong((ulong)counterFormat.Length)  // CK_SP800_108_ITERATION_VARIABLE
            .Ulong(4).DataLen(fixedInput)                                       // CK_SP800_108_BYTE_ARRAY
            .Build();
        var parameter = Struct().Ulong((ulong)CKM.CKM_SHA256_HMAC).Ulong(2).Data(dataParams).Ulong(0).Pointer(IntPtr.Zero).Build();
        var key = Session.DeriveKey(Mech(CKM_SP800_108_COUNTER_KDF, parameter), Generic(ki), SecretTemplate((ulong)CKK.CKK_GENERIC_SECRET, length));
        var expected = new List<byte>();
        for (byte i = 1; expected.Count < length; i++) expected.AddRange(HMACSHA256.HashData(ki, (byte[])[i, .. fixedInput]));
        Assert.Equal(ToHex(expected.Take(length).ToArray()), ToHex(Value(key)));
    }

    private byte[] StringData(byte[] data) => Struct().DataLen(data).Build();

    [Fact]
    public void ConcatenateAndXorMechanisms()
    {
        var (a, b, d) = (Random(16), Random(8), Random(5));
        var baseKey = Generic(a);
        var other = Generic(b);
        var k1 = Session.DeriveKey(Mech(CKM.CKM_CONCATENATE_BASE_AND_KEY, BitConverter.GetBytes(other.ObjectId)), baseKey, SecretTemplate((ulong)CKK.CKK_GENERIC_SECRET));
        Assert.Equal(ToHex([.. a, .. b]), ToHex(Value(k1)));
        var k2 = Session.DeriveKey(Mech(CKM.CKM_CONCATENATE_BASE_AND_DATA, StringData(d)), baseKey, SecretTemplate((ulong)CKK.CKK_GENERIC_SECRET));
        Assert.Equal(ToHex([.. a, .. d]), ToHex(Value(k2)));
        var k3 = Session.DeriveKey(Mech(CKM.CKM_CONCATENATE_DATA_AND_BASE, StringData(d)), baseKey, SecretTemplate((ulong)CKK.CKK_GENERIC_SECRET));
        Assert.Equal(ToHex([.. d, .. a]), ToHex(Value(k3)));
        var k4 = Session.DeriveKey(Mech(CKM.CKM_XOR_BASE_AND_DATA, StringData(d)), baseKey, SecretTemplate((ulong)CKK.CKK_GENERIC_SECRET));
        Assert.Equal(ToHex(a.Take(5).Zip(d, (x, y) => (byte)(x ^ y)).ToArray()), ToHex(Value(k4)));
        var aes = Session.DeriveKey(Mech(CKM.CKM_CONCATENATE_BASE_AND_KEY, BitConverter.GetBytes(other.ObjectId)), baseKey, SecretTemplate((ulong)CKK.CKK_AES, 16));
        Assert.Equal(ToHex(a), ToHex(Value(aes)));
    }

    /// <summary>A sensitive base key makes a sensitive derived key (PKCS #11 v3.0 section 2.43.1 ALWAYS_SENSITIVE
    /// rules): the concatenation cannot be used to read a sensitive value.</summary>
    [Fact]
    public void DerivedKeyOfASensitiveBaseIsSensitive()
    {
        var baseKey = Generic(Random(16), Attr(CKA.CKA_SENSITIVE, true));
        var derived = Session.DeriveKey(Mech(CKM.CKM_CONCATENATE_BASE_AND_DATA, StringData([1])), baseKey,
            [Attr(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY), Attr(CKA.CKA_KEY_TYPE, (ulong)CKK.CKK_GENERIC_SECRET), Attr(CKA.CKA_TOKEN, false)]);
        Assert.True(Bool(derived, CKA.CKA_SENSITIVE));
        Assert.Equal(CKR.CKR_ATTRIBUTE_SENSITIVE, RawGetAttribute(derived, CKA.CKA_VALUE));
        Expect.Rv(CKR.CKR_KEY_FUNCTION_NOT_PERMITTED, () => Session.DeriveKey(Mech(CKM.CKM_SHA256_KEY_DERIVATION), Generic(Random(16), Attr(CKA.CKA_DERIVE, false)), SecretTemplate((ulong)CKK.CKK_GENERIC_SECRET)));
    }

    /// <summary>PKCS #11 v3.0 section 2.43.7: the key 0x329F84A9, 16 bits from bit 21 (wrapping round) is 0x9526.</summary>
    [Fact]
    public void ExtractKeyFromKeyKnownAnswer()
    {
        var key = Session.DeriveKey(Mech(CKM.CKM_EXTRACT_KEY_FROM_KEY, BitConverter.GetBytes(21UL)), Generic(Hex("329f84a9")), SecretTemplate((ulong)CKK.CKK_GENERIC_SECRET, 2));
        Assert.Equal("9526", ToHex(Value(key)));
    }

    [Fact]
    public void Sha256KeyDerivationIsTheHashOfTheKey()
    {
        var value = Random(24);
        var key = Session.DeriveKey(Mech(CKM.CKM_SHA256_KEY_DERIVATION), Generic(value), SecretTemplate((ulong)CKK.CKK_GENERIC_SECRET));
        Assert.Equal(ToHex(SHA256.HashData(value)), ToHex(Value(key)));
        var aes = Session.DeriveKey(Mech(CKM.CKM_SHA256_KEY_DERIVATION), Generic(value), SecretTemplate((ulong)CKK.CKK_AES, 16));
        Assert.Equal(ToHex(SHA256.HashData(value)[..16]), ToHex(Value(aes)));
    }

    [Fact]
    public void AesEncryptDataDerivesTheCiphertext()
    {
        var value = Random(16);
        var data = Random(32);
        var baseKey = Aes(value);
        var key = Session.DeriveKey(Mech(CKM.CKM_AES_ECB_ENCRYPT_DATA, StringData(data)), baseKey, SecretTemplate((ulong)CKK.CKK_AES));
        using var aes = System.Security.Cryptography.Aes.Create();
        aes.Key = value;
        Assert.Equal(ToHex(aes.EncryptEcb(data, PaddingMode.None)), ToHex(Value(key)));
        var iv = Random(16);
        var cbc = Struct().Raw(iv).DataLen(data).Build();
        var k2 = Session.DeriveKey(Mech(CKM.CKM_AES_CBC_ENCRYPT_DATA, cbc), baseKey, SecretTemplate((ulong)CKK.CKK_AES));
        Assert.Equal(ToHex(aes.EncryptCbc(data, iv, PaddingMode.None)), ToHex(Value(k2)));
    }

    /// <summary>TLS 1.2 PRF (RFC 5246 section 5) with HMAC-SHA256.</summary>
    private static byte[] Prf(byte[] secret, string label, byte[] seed, int length)
    {
        byte[] s = [.. Encoding.ASCII.GetBytes(label), .. seed];
        var output = new List<byte>();
        var a = s;
        while (output.Count < length)
        {
            a = HMACSHA256.HashData(secret, a);
            output.AddRange(HMACSHA256.HashData(secret, (byte[])[.. a, .. s]));
        }
        return [.. output.Take(length)];
    }

    private IObjectHandle Master(byte[] pms, byte[] clientRandom, byte[] serverRandom, out byte[] version)
    {
        var versionOut = KeepBuffer(2);
        var parameter = Struct().DataLen(clientRandom).DataLen(serverRandom).Pointer(versionOut.Pointer).Ulong((ulong)CKM.CKM_SHA256).Build();
        var master = Session.DeriveKey(Mech(CKM.CKM_TLS12_MASTER_KEY_DERIVE, parameter), Generic(pms),
            [Attr(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY), Attr(CKA.CKA_KEY_TYPE, (ulong)CKK.CKK_GENERIC_SECRET), Attr(CKA.CKA_TOKEN, false),
             Attr(CKA.CKA_SENSITIVE, false), Attr(CKA.CKA_EXTRACTABLE, true), Attr(CKA.CKA_DERIVE, true)]);
        version = versionOut.Read();
        return master;
    }

    [Fact]
    public void Tls12MasterKeyDeriveWritesTheVersionBack()
    {
        var pms = new byte[] { 3, 3 }.Concat(Random(46)).ToArray();
        var (client, server) = (Random(32), Random(32));
        var master = Master(pms, client, server, out var version);
        Assert.Equal("0303", ToHex(version));
        Assert.Equal(ToHex(Prf(pms, "master secret", [.. client, .. server], 48)), ToHex(Value(master)));
        Expect.Rv(CKR.CKR_KEY_SIZE_RANGE, () => Master(Random(47), client, server, out _));
    }

    [Fact]
    public void Tls12KeyAndMacDeriveReturnsFourKeysAndTwoIvs()
    {
        var pms = new byte[] { 3, 3 }.Concat(Random(46)).ToArray();
        var (client, server) = (Random(32), Random(32));
        var master = Master(pms, client, server, out _);
        var masterValue = Value(master);

        var ivClient = KeepBuffer(16);
        var ivServer = KeepBuffer(16);
        var keyMatOut = KeepBuffer(48);
        keyMatOut.WriteUlong(32, (ulong)ivClient.Pointer);
        keyMatOut.WriteUlong(40, (ulong)ivServer.Pointer);
        // CK_TLS12_KEY_MAT_PARAMS: MAC 256 bits, key 128 bits, IV 128 bits, not export.
        var parameter = Struct().Ulong(256).Ulong(128).Ulong(128).Byte(0).DataLen(client).DataLen(server)
            .Pointer(keyMatOut.Pointer).Ulong((ulong)CKM.CKM_SHA256).Build();
        var template = new[]
        {
            CkaUtils.CreateAttribute(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY), CkaUtils.CreateAttribute(CKA.CKA_KEY_TYPE, (ulong)CKK.CKK_AES),
            CkaUtils.CreateAttribute(CKA.CKA_TOKEN, false), CkaUtils.CreateAttribute(CKA.CKA_SENSITIVE, false),
            CkaUtils.CreateAttribute(CKA.CKA_EXTRACTABLE, true), CkaUtils.CreateAttribute(CKA.CKA_ENCRYPT, true),
        };
        var mechanism = LowMechanism((ulong)CKM.CKM_TLS12_KEY_AND_MAC_DERIVE, parameter);
        ulong ignored = 0;
        try
        {
            Expect.Ok(LowLevel.C_DeriveKey(SessionId, ref mechanism, master.ObjectId, template, (ulong)template.Length, ref ignored), "C_DeriveKey");
        }
        finally
        {
            UnmanagedMemory.Free(ref mechanism.Parameter);
            for (int i = 0; i < template.Length; i++) UnmanagedMemory.Free(ref template[i].value);
        }

        var block = Prf(masterValue, "key expansion", [.. server, .. client], 2 * 32 + 2 * 16 + 2 * 16);
        var handles = Enumerable.Range(0, 4).Select(i => keyMatOut.ReadUlong(8 * i)).ToArray();
        Assert.Equal(4, handles.Distinct().Count(h => h != 0));
        string Read(ulong h) => ToHex(Session.GetAttributeValue(Factories.ObjectHandleFactory.Create(h), [CKA.CKA_VALUE])[0].GetValueAsByteArray());
        Assert.Equal(ToHex(block[..32]), Read(handles[0]));
        Assert.Equal(ToHex(block[32..64]), Read(handles[1]));
        Assert.Equal(ToHex(block[64..80]), Read(handles[2]));
        Assert.Equal(ToHex(block[80..96]), Read(handles[3]));
        Assert.Equal(ToHex(block[96..112]), ToHex(ivClient.Read()));
        Assert.Equal(ToHex(block[112..128]), ToHex(ivServer.Read()));
        Assert.Equal((ulong)CKK.CKK_AES, Session.GetAttributeValue(Factories.ObjectHandleFactory.Create(handles[2]), [CKA.CKA_KEY_TYPE])[0].GetValueAsUlong());
        Assert.Equal(keyMatOut.ReadPointer(32), ivClient.Pointer);
    }

    /// <summary>NSS's TLS PRF through C_Sign: the data is label || seed, the output as long as the buffer given.</summary>
    [Theory]
    [InlineData(12)]
    [InlineData(48)]
    public void TlsPrfThroughSign(int length)
    {
        var secret = Random(48);
        var seed = Random(32);
        var key = Generic(secret);
        var mechanism = LowMechanism(CKM_NSS_TLS_PRF_GENERAL_SHA256, null);
        Expect.Ok(LowLevel.C_SignInit(SessionId, ref mechanism, key.ObjectId), "C_SignInit");
        byte[] data = [.. Encoding.ASCII.GetBytes("client finished"), .. seed];
        var output = new byte[length];
        ulong outLength = (ulong)length;
        Expect.Ok(LowLevel.C_Sign(SessionId, data, (ulong)data.Length, output, ref outLength), "C_Sign");
        Assert.Equal((ulong)length, outLength);
        Assert.Equal(ToHex(Prf(secret, "client finished", seed, length)), ToHex(output));
    }

    /// <summary>The keys of a TLS key block inherit CKA_SENSITIVE from a sensitive master secret, the MAC secrets too.</summary>
    [Fact]
    public void Tls12KeyBlockOfASensitiveMasterIsSensitive()
    {
        var (client, server) = (Random(32), Random(32));
        var master = Generic(Random(48), Attr(CKA.CKA_SENSITIVE, true));
        var keyMatOut = KeepBuffer(48);
        keyMatOut.WriteUlong(32, (ulong)KeepBuffer(16).Pointer);
        keyMatOut.WriteUlong(40, (ulong)KeepBuffer(16).Pointer);
        var parameter = Struct().Ulong(256).Ulong(128).Ulong(128).Byte(0).DataLen(client).DataLen(server)
            .Pointer(keyMatOut.Pointer).Ulong((ulong)CKM.CKM_SHA256).Build();
        Session.DeriveKey(Mech(CKM.CKM_TLS12_KEY_AND_MAC_DERIVE, parameter), master,
            [Attr(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY), Attr(CKA.CKA_KEY_TYPE, (ulong)CKK.CKK_AES), Attr(CKA.CKA_TOKEN, false)]);
        for (int i = 0; i < 4; i++)
        {
            var handle = Factories.ObjectHandleFactory.Create(keyMatOut.ReadUlong(8 * i));
            Assert.True(Bool(handle, CKA.CKA_SENSITIVE), $"key {i}");
            Assert.Equal(CKR.CKR_ATTRIBUTE_SENSITIVE, RawGetAttribute(handle, CKA.CKA_VALUE));
        }
    }
}
