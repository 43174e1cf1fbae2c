using System.Text;
using Net.Pkcs11Interop.Common;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;
using Softoken.NativeTests.Infrastructure;

namespace Softoken.NativeTests.Symmetric;

/// <summary>Issue 5, the other ciphers through the .so: DES3, RC2, RC4, Camellia, SEED, ChaCha20 and
/// ChaCha20-Poly1305, each with a published known answer and single-/multi-part round trips.</summary>
public sealed class CipherTests(ModuleFixture fixture) : SymmetricTest(fixture)
{
    private const ulong CKM_CHACHA20 = 0x1226;
    private const ulong CKM_CHACHA20_POLY1305 = 0x4021;
    private const ulong CKK_CHACHA20 = 0x33;

    private static readonly int[] Cuts = [1, 7, 0, 9, 13];

    private const string Sunscreen =
        "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.";

    private void RoundTrip(ulong mechanism, byte[]? parameter, Net.Pkcs11Interop.HighLevelAPI.IObjectHandle key, byte[] data)
    {
        var single = Session.Encrypt(Mech(mechanism, parameter), key, data);
        Assert.Equal(ToHex(single), ToHex(Multi(true, mechanism, parameter, key, data, Cuts)));
        Assert.Equal(ToHex(data), ToHex(Session.Decrypt(Mech(mechanism, parameter), key, single)));
        Assert.Equal(ToHex(data), ToHex(Multi(false, mechanism, parameter, key, single, Cuts)));
    }

    /// <summary>The classic DES example (key 0123456789abcdef, "Now is t"): triple DES with three equal keys is DES.</summary>
    [Fact]
    public void Des3KnownAnswerAndRoundTrips()
    {
        var key = Import((ulong)CKK.CKK_DES3, Hex("0123456789abcdef0123456789abcdef0123456789abcdef"));
        Assert.Equal("3fa40e8a984d4815", ToHex(Session.Encrypt(Mech(CKM.CKM_DES3_ECB), key, Hex("4e6f772069732074"))));
        var random = Import((ulong)CKK.CKK_DES3, Random(24));
        var iv = Random(8);
        RoundTrip((ulong)CKM.CKM_DES3_ECB, null, random, Random(48));
        RoundTrip((ulong)CKM.CKM_DES3_CBC, iv, random, Random(48));
        RoundTrip((ulong)CKM.CKM_DES3_CBC_PAD, iv, random, Random(45));
        var bc = Org.BouncyCastle.Security.CipherUtilities.GetCipher("DESede/CBC/PKCS7Padding");
        var keyValue = Value(random);
        bc.Init(true, new ParametersWithIV(new DesEdeParameters(keyValue), iv));
        var data = Random(45);
        Assert.Equal(ToHex(bc.DoFinal(data)), ToHex(Session.Encrypt(Mech(CKM.CKM_DES3_CBC_PAD, iv), random, data)));
    }

    /// <summary>RFC 2268 section 5 vectors (effective key bits 63 and 64).</summary>
    [Theory]
    [InlineData("0000000000000000", 63, "0000000000000000", "ebb773f993278eff")]
    [InlineData("ffffffffffffffff", 64, "ffffffffffffffff", "278b27e42e2f0d49")]
    [InlineData("3000000000000000", 64, "1000000000000001", "30649edf9be7d2c2")]
    [InlineData("88bca90e90875a7f0f79c384627bafb2", 128, "0000000000000000", "2269552ab0f85ca6")]
    public void Rc2KnownAnswer(string keyHex, int effectiveBits, string plain, string cipher)
    {
        var key = Import((ulong)CKK.CKK_RC2, Hex(keyHex));
        var parameter = BitConverter.GetBytes((ulong)effectiveBits);
        Assert.Equal(cipher, ToHex(Session.Encrypt(Mech(CKM.CKM_RC2_ECB, parameter), key, Hex(plain))));
    }

    [Fact]
    public void Rc2CbcRoundTrips()
    {
        var key = Import((ulong)CKK.CKK_RC2, Random(16));
        var cbc = Struct().Ulong(128).Raw(Random(8)).Build();
        RoundTrip((ulong)CKM.CKM_RC2_CBC, cbc, key, Random(40));
        RoundTrip((ulong)CKM.CKM_RC2_CBC_PAD, cbc, key, Random(41));
        RoundTrip((ulong)CKM.CKM_RC2_ECB, BitConverter.GetBytes(40UL), key, Random(16));
    }

    /// <summary>The well-known RC4 examples (key "Key" / "Plaintext", key "Wiki" / "pedia").</summary>
    [Fact]
    public void Rc4KnownAnswersAndRoundTrip()
    {
        var key = Import((ulong)CKK.CKK_RC4, Encoding.ASCII.GetBytes("Key"));
        Assert.Equal("bbf316e8d940af0ad3", ToHex(Session.Encrypt(Mech(CKM.CKM_RC4), key, Encoding.ASCII.GetBytes("Plaintext"))));
        var wiki = Import((ulong)CKK.CKK_RC4, Encoding.ASCII.GetBytes("Wiki"));
        Assert.Equal("1021bf0420", ToHex(Session.Encrypt(Mech(CKM.CKM_RC4), wiki, Encoding.ASCII.GetBytes("pedia"))));
        RoundTrip((ulong)CKM.CKM_RC4, null, Import((ulong)CKK.CKK_RC4, Random(16)), Random(77));
    }

    /// <summary>RFC 3713 appendix A (128-bit key).</summary>
    [Fact]
    public void CamelliaKnownAnswerAndRoundTrips()
    {
        var key = Import((ulong)CKK.CKK_CAMELLIA, Hex("0123456789abcdeffedcba9876543210"));
        Assert.Equal("67673138549669730857065648eabe43",
            ToHex(Session.Encrypt(Mech(CKM.CKM_CAMELLIA_ECB), key, Hex("0123456789abcdeffedcba9876543210"))));
        var random = Import((ulong)CKK.CKK_CAMELLIA, Random(32));
        RoundTrip((ulong)CKM.CKM_CAMELLIA_ECB, null, random, Random(48));
        RoundTrip((ulong)CKM.CKM_CAMELLIA_CBC, Random(16), random, Random(48));
        RoundTrip((ulong)CKM.CKM_CAMELLIA_CBC_PAD, Random(16), random, Random(47));
    }

    /// <summary>RFC 4269 appendix B.1.</summary>
    [Fact]
    public void SeedKnownAnswerAndRoundTrips()
    {
        var key = Import((ulong)CKK.CKK_SEED, new byte[16]);
        Assert.Equal("5ebac6e0054e166819aff1cc6d346cdb",
            ToHex(Session.Encrypt(Mech(CKM.CKM_SEED_ECB), key, Hex("000102030405060708090a0b0c0d0e0f"))));
        var random = Import((ulong)CKK.CKK_SEED, Random(16));
        RoundTrip((ulong)CKM.CKM_SEED_ECB, null, random, Random(32));
        RoundTrip((ulong)CKM.CKM_SEED_CBC, Random(16), random, Random(48));
        RoundTrip((ulong)CKM.CKM_SEED_CBC_PAD, Random(16), random, Random(33));
    }

    private byte[] ChaChaParameter(byte[] counter, byte[] nonce) =>
        Struct().Data(counter).Ulong((ulong)counter.Length * 8).Data(nonce).Ulong((ulong)nonce.Length * 8).Build();

    /// <summary>RFC 8439 section 2.4.2.</summary>
    [Fact]
    public void ChaCha20KnownAnswerAndRoundTrip()
    {
        var keyValue = Hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
        var key = Import(CKK_CHACHA20, keyValue);
        var nonce = Hex("000000000000004a00000000");
        var parameter = ChaChaParameter([1, 0, 0, 0], nonce);
        var c = Session.Encrypt(Mech(CKM_CHACHA20, parameter), key, Encoding.ASCII.GetBytes(Sunscreen));
        Assert.StartsWith("6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9fae0b", ToHex(c));
        Assert.EndsWith("874d", ToHex(c));
        var engine = new Org.BouncyCastle.Crypto.Engines.ChaCha7539Engine();
        engine.Init(true, new ParametersWithIV(new KeyParameter(keyValue), nonce));
        var expected = new byte[Sunscreen.Length];
        engine.ProcessBytes(new byte[64], 0, 64, new byte[64], 0); // skip block 0: the counter starts at 1
        engine.ProcessBytes(Encoding.ASCII.GetBytes(Sunscreen), 0, Sunscreen.Length, expected, 0);
        Assert.Equal(ToHex(expected), ToHex(c));
        RoundTrip(CKM_CHACHA20, parameter, key, Random(200));
    }

    private byte[] AeadParameter(byte[] nonce, byte[] aad) => Struct().DataLen(nonce).DataLen(aad).Build();

    /// <summary>RFC 8439 section 2.8.2: ciphertext with the tag appended.</summary>
    [Fact]
    public void ChaCha20Poly1305KnownAnswerAndRoundTrip()
    {
        var keyValue = Hex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
        var key = Import(CKK_CHACHA20, keyValue);
        var nonce = Hex("070000004041424344454647");
        var aad = Hex("50515253c0c1c2c3c4c5c6c7");
        var parameter = AeadParameter(nonce, aad);
        var data = Encoding.ASCII.GetBytes(Sunscreen);
        var c = Session.Encrypt(Mech(CKM_CHACHA20_POLY1305, parameter), key, data);
        Assert.StartsWith("d31a8d34648e60db7b86afbc53ef7ec2", ToHex(c));
        Assert.EndsWith("1ae10b594f09e26a7e902ecbd0600691", ToHex(c));
        var bc = new ChaCha20Poly1305();
        bc.Init(true, new AeadParameters(new KeyParameter(keyValue), 128, nonce, aad));
        var expected = new byte[bc.GetOutputSize(data.Length)];
        int n = bc.ProcessBytes(data, 0, data.Length, expected, 0);
        bc.DoFinal(expected, n);
        Assert.Equal(ToHex(expected), ToHex(c));
        Assert.Equal(ToHex(c), ToHex(Multi(true, CKM_CHACHA20_POLY1305, parameter, key, data, Cuts)));
        Assert.Equal(Sunscreen, Encoding.ASCII.GetString(Session.Decrypt(Mech(CKM_CHACHA20_POLY1305, parameter), key, c)));
        Assert.Equal(Sunscreen, Encoding.ASCII.GetString(Multi(false, CKM_CHACHA20_POLY1305, parameter, key, c, Cuts)));
        c[3] ^= 1;
        Expect.Rv(CKR.CKR_ENCRYPTED_DATA_INVALID, () => Session.Decrypt(Mech(CKM_CHACHA20_POLY1305, parameter), key, c));
    }

    [Fact]
    public void ChaCha20WithAWrongNonceLengthIsParamInvalid() =>
        Expect.Rv(CKR.CKR_MECHANISM_PARAM_INVALID, () =>
            Session.Encrypt(Mech(CKM_CHACHA20, ChaChaParameter([0, 0, 0, 0], new byte[11])), Import(CKK_CHACHA20, Random(32)), Random(8)));

    [Fact]
    public void DesKeyIsRefusedByAes()
    {
        var des3 = Import((ulong)CKK.CKK_DES3, Random(24));
        Expect.Rv(CKR.CKR_KEY_TYPE_INCONSISTENT, () => Session.Encrypt(Mech(CKM.CKM_CAMELLIA_ECB), des3, Random(16)));
    }
}
