using System.Text;
using Softoken.Mechanisms.Parameters;
using Softoken.Pkcs11;
using static Softoken.Tests.Crypto.Sym;

namespace Softoken.Tests.Crypto;

/// <summary>ChaCha20 and ChaCha20-Poly1305 against RFC 8439 (sections 2.4.2 and 2.8.2).</summary>
public sealed class ChaChaTests
{
    private static readonly byte[] Sunscreen = Encoding.ASCII.GetBytes(
        "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.");

    private static readonly byte[] Key0To31 = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();

    // RFC 8439 2.4.2: key 00..1f, nonce 000000000000004a00000000, initial counter 1.
    private const string Cipher242 =
        "6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9fae0bf91b65c5524733ab8f593dabcd62b3571639d624e65152ab8f530c359f0861d8" +
        "07ca0dbf500d6a6156a38e088a22b65e52bc514d16ccf806818ce91ab77937365af90bbf74a35be6b40b8eedf2785e42874d";

    [Fact]
    public void ChaCha20MatchesRfc8439()
    {
        var key = Key(CKK.CKK_CHACHA20, Key0To31);
        var parameter = new ChaCha20Parameter([1, 0, 0, 0], 32, Hex("000000000000004a00000000"), 96);
        Assert.Equal(Hex(Cipher242), Encrypt(CKM.CKM_CHACHA20, parameter, key, Sunscreen));
        Assert.Equal(Hex(Cipher242), EncryptParts(CKM.CKM_CHACHA20, parameter, key, Sunscreen, 1, 63, 64, 65));
        Assert.Equal(Sunscreen, Decrypt(CKM.CKM_CHACHA20, parameter, key, Hex(Cipher242)));
    }

    [Fact]
    public void NssChaCha20CtrTakesCounterAndNonceInOneParameter()
    {
        var key = Key(CKK.CKK_NSS_CHACHA20, Key0To31);
        var parameter = Iv("01000000" + "000000000000004a00000000");
        Assert.Equal(Hex(Cipher242), Encrypt(CKM.CKM_NSS_CHACHA20_CTR, parameter, key, Sunscreen));
    }

    [Fact]
    public void ChaCha20CounterStartsWhereTheParameterSays()
    {
        // Block counter 2 is the keystream of counter 1 shifted by one block.
        var key = Key(CKK.CKK_CHACHA20, Key0To31);
        var nonce = Hex("000000000000004a00000000");
        var fromOne = Encrypt(CKM.CKM_CHACHA20, new ChaCha20Parameter([1, 0, 0, 0], 32, nonce, 96), key, new byte[128]);
        var fromTwo = Encrypt(CKM.CKM_CHACHA20, new ChaCha20Parameter([2, 0, 0, 0], 32, nonce, 96), key, new byte[64]);
        Assert.Equal(fromOne[64..], fromTwo);
        // The original layout: 64-bit counter and nonce.
        var original = new ChaCha20Parameter(new byte[8], 64, new byte[8], 64);
        Assert.Equal(64, Encrypt(CKM.CKM_CHACHA20, original, key, new byte[64]).Length);
    }

    // Cross-checked with OpenSSL 3.0 (`openssl enc -chacha20 -K 000102..1f -iv COUNTER||NONCE` over zero bytes, the IV
    // being the 32-bit little-endian counter then the 96-bit nonce): counter 0xfffffffe, nonce 000000000000004a00000000,
    // the last two blocks a 96-bit nonce has.
    private const string KeystreamAtFffffffe =
        "143d2a137837a2a369b90769dd68f5ae394a28786b03f80c2a1e8d3d1ebdf4f0181e597e89f42939e94c717d60b681d34cf82dda79827ab2455b13428e525fd9" +
        "6d29da5bd16a472910e8c0bdb47edfc8499c3222cc168d3721747fc2b21266d9f15c8339f10f354d16cc9b8e118eb182bf858ce5718fa4e76389ea4eb50a9475";

    // OpenSSL's third block from that IV, where its counter carried into the first nonce word: the original layout's
    // 64-bit counter 0x0000000100000000 with the 64-bit nonce 0000004a00000000.
    private const string KeystreamAt2To32 =
        "ebc17a3b93d30a5802739e841950e3bfddb3f6f44eda6d6082d558fc6cb863a0d58325d200a316e2c0620d2321c9ee4ff1b236c7de304fa135a1f1fe195136e1";

    // OpenSSL, IV 0500000001000000 0001020304050607: 64-bit counter 0x0000000100000005, nonce 0001020304050607.
    private const string KeystreamAt100000005 =
        "2380303393d9683d80a6d56ec959bf46c7e004d95fa04d0854215f11c46e810cb6aa0b4e7065f6d8cfe8e84b81591cb61929e9056fa412e6d3c7398ebb1058351f" +
        "57d537f8c1ef832978aa0830e164d01bb68cd0313e8fd09cfa2daf4c73d2a22cb7370f";

    [Fact]
    public void ChaCha20CounterNearTheTopOfThe32BitRange()
    {
        var key = Key(CKK.CKK_CHACHA20, Key0To31);
        var nonce = Hex("000000000000004a00000000");
        var fromFffffffe = new ChaCha20Parameter([0xfe, 0xff, 0xff, 0xff], 32, nonce, 96);
        Assert.Equal(Hex(KeystreamAtFffffffe), Encrypt(CKM.CKM_CHACHA20, fromFffffffe, key, new byte[128]));
        foreach (var splits in Splits)
            Assert.Equal(Hex(KeystreamAtFffffffe), EncryptParts(CKM.CKM_CHACHA20, fromFffffffe, key, new byte[128], splits));
        var fromFfffffff = new ChaCha20Parameter([0xff, 0xff, 0xff, 0xff], 32, nonce, 96);
        Assert.Equal(Hex(KeystreamAtFffffffe)[64..], Encrypt(CKM.CKM_CHACHA20, fromFfffffff, key, new byte[64]));
        var nss = Key(CKK.CKK_NSS_CHACHA20, Key0To31);
        Assert.Equal(Hex(KeystreamAtFffffffe), Encrypt(CKM.CKM_NSS_CHACHA20_CTR, Iv("feffffff000000000000004a00000000"), nss, new byte[128]));
    }

    [Fact]
    public void ChaCha20RefusesInputPastTheLastBlockOfA32BitCounter()
    {
        var key = Key(CKK.CKK_CHACHA20, Key0To31);
        var parameter = new ChaCha20Parameter([0xfe, 0xff, 0xff, 0xff], 32, Hex("000000000000004a00000000"), 96);
        Assert.Equal(CKR.CKR_DATA_LEN_RANGE, Error(() => Encrypt(CKM.CKM_CHACHA20, parameter, key, new byte[129])));
        using var op = Encryptor(CKM.CKM_CHACHA20, parameter, key);
        var first = new byte[100];
        op.Update(new byte[100], first);
        Assert.Equal(Hex(KeystreamAtFffffffe)[..100], first);
        // 29 more bytes would need block 2^32: refused whole, and the 28 that fit still come out exactly.
        Assert.Equal(CKR.CKR_DATA_LEN_RANGE, Error(() => op.Update(new byte[29], new byte[29])));
        var last = new byte[28];
        op.Update(new byte[28], last);
        Assert.Equal(Hex(KeystreamAtFffffffe)[100..], last);
    }

    [Fact]
    public void ChaCha20SixtyFourBitCounterAbove2To32()
    {
        var key = Key(CKK.CKK_CHACHA20, Key0To31);
        var above = new ChaCha20Parameter([5, 0, 0, 0, 1, 0, 0, 0], 64, Hex("0001020304050607"), 64);
        Assert.Equal(Hex(KeystreamAt100000005), Encrypt(CKM.CKM_CHACHA20, above, key, new byte[100]));
        Assert.Equal(Hex(KeystreamAt100000005), EncryptParts(CKM.CKM_CHACHA20, above, key, new byte[100], 1, 63, 64, 65));
        var carried = new ChaCha20Parameter([0, 0, 0, 0, 1, 0, 0, 0], 64, Hex("0000004a00000000"), 64);
        Assert.Equal(Hex(KeystreamAt2To32), Encrypt(CKM.CKM_CHACHA20, carried, key, new byte[64]));
        // The 64-bit counter carries from its low word into its high word.
        var belowCarry = new ChaCha20Parameter([0xfe, 0xff, 0xff, 0xff, 0, 0, 0, 0], 64, Hex("0000004a00000000"), 64);
        var acrossCarry = Encrypt(CKM.CKM_CHACHA20, belowCarry, key, new byte[192]);
        Assert.Equal(Hex(KeystreamAtFffffffe), acrossCarry[..128]);
        Assert.Equal(Hex(KeystreamAt2To32), acrossCarry[128..]);
    }

    [Fact]
    public void ChaCha20SixtyFourBitCounterStopsAtItsLastBlock()
    {
        var key = Key(CKK.CKK_CHACHA20, Key0To31);
        var top = new ChaCha20Parameter([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], 64, Hex("0001020304050607"), 64);
        // Block 2^64 - 1 of nonce N is block 2^32 - 1 of the RFC 8439 nonce ffffffff || N.
        var same = new ChaCha20Parameter([0xff, 0xff, 0xff, 0xff], 32, Hex("ffffffff0001020304050607"), 96);
        Assert.Equal(Encrypt(CKM.CKM_CHACHA20, same, key, new byte[64]), Encrypt(CKM.CKM_CHACHA20, top, key, new byte[64]));
        Assert.Equal(CKR.CKR_DATA_LEN_RANGE, Error(() => Encrypt(CKM.CKM_CHACHA20, top, key, new byte[65])));
    }

    [Fact]
    public void ChaCha20ParameterErrors()
    {
        var key = Key(CKK.CKK_CHACHA20, Key0To31);
        foreach (var bad in new[]
        {
            new ChaCha20Parameter([1, 0, 0, 0], 32, new byte[8], 64),
            new ChaCha20Parameter([1, 0], 16, new byte[12], 96),
            new ChaCha20Parameter([1, 0, 0, 0], 32, new byte[11], 96),
            new ChaCha20Parameter([1, 0, 0, 0, 0, 0, 0, 0], 64, new byte[12], 96),
        })
            Assert.Equal(CKR.CKR_MECHANISM_PARAM_INVALID, Error(() => Encryptor(CKM.CKM_CHACHA20, bad, key)));
        Assert.Equal(CKR.CKR_KEY_TYPE_INCONSISTENT, Error(() => Encryptor(CKM.CKM_CHACHA20,
            new ChaCha20Parameter([0, 0, 0, 0], 32, new byte[12], 96), Key(CKK.CKK_NSS_CHACHA20, Key0To31))));
        Assert.Equal(CKR.CKR_KEY_SIZE_RANGE, Error(() => Encryptor(CKM.CKM_CHACHA20,
            new ChaCha20Parameter([0, 0, 0, 0], 32, new byte[12], 96), Key(CKK.CKK_CHACHA20, new byte[16]))));
    }

    // RFC 8439 2.8.2.
    private static readonly byte[] AeadKey = Enumerable.Range(0x80, 32).Select(i => (byte)i).ToArray();

    private const string AeadCipher =
        "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36" +
        "92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc3ff4def08e4b7a9de576d26586cec64b6116" +
        "1ae10b594f09e26a7e902ecbd0600691";

    [Fact]
    public void ChaCha20Poly1305MatchesRfc8439()
    {
        var parameter = new ChaCha20Poly1305Parameter(Hex("070000004041424344454647"), Hex("50515253c0c1c2c3c4c5c6c7"));
        var key = Key(CKK.CKK_CHACHA20, AeadKey);
        Assert.Equal(Hex(AeadCipher), Encrypt(CKM.CKM_CHACHA20_POLY1305, parameter, key, Sunscreen));
        Assert.Equal(Hex(AeadCipher), EncryptParts(CKM.CKM_CHACHA20_POLY1305, parameter, key, Sunscreen, 1, 64, 77));
        Assert.Equal(Sunscreen, Decrypt(CKM.CKM_CHACHA20_POLY1305, parameter, key, Hex(AeadCipher)));
        Assert.Equal(Sunscreen, DecryptParts(CKM.CKM_CHACHA20_POLY1305, parameter, key, Hex(AeadCipher), 100, 120));
        var nss = Key(CKK.CKK_NSS_CHACHA20, AeadKey);
        Assert.Equal(Hex(AeadCipher), Encrypt(CKM.CKM_NSS_CHACHA20_POLY1305, parameter with { TagLength = 16 }, nss, Sunscreen));
        var tampered = Hex(AeadCipher);
        tampered[^1] ^= 1;
        Assert.Equal(CKR.CKR_ENCRYPTED_DATA_INVALID, Error(() => Decrypt(CKM.CKM_CHACHA20_POLY1305, parameter, key, tampered)));
        Assert.Equal(CKR.CKR_MECHANISM_PARAM_INVALID,
            Error(() => Encryptor(CKM.CKM_NSS_CHACHA20_POLY1305, parameter with { TagLength = 12 }, nss)));
        Assert.Equal(CKR.CKR_MECHANISM_PARAM_INVALID,
            Error(() => Encryptor(CKM.CKM_CHACHA20_POLY1305, new ChaCha20Poly1305Parameter(new byte[8], []), key)));
    }

    [Fact]
    public void ChaCha20Poly1305LargeMessagesAgree()
    {
        var parameter = new ChaCha20Poly1305Parameter(Hex("070000004041424344454647"), Hex("50515253"));
        var key = Key(CKK.CKK_CHACHA20, AeadKey);
        var data = Message(70_000);
        var whole = Encrypt(CKM.CKM_CHACHA20_POLY1305, parameter, key, data);
        Assert.Equal(whole, EncryptParts(CKM.CKM_CHACHA20_POLY1305, parameter, key, data, 3, 4097));
        Assert.Equal(data, Decrypt(CKM.CKM_CHACHA20_POLY1305, parameter, key, whole));
        Assert.Equal(data, DecryptParts(CKM.CKM_CHACHA20_POLY1305, parameter, key, whole, 5, 60000));
    }
}
