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

    [Fact]
    public void ChaCha20ParameterErrors()
    {
        var key = Key(CKK.CKK_CHACHA20, Key0To31);
        foreach (var bad in new[]
        {
            new ChaCha20Parameter([1, 0, 0, 0], 32, new byte[8], 64),
            new ChaCha20Parameter([1, 0], 16, new byte[12], 96),
            new ChaCha20Parameter([1, 0, 0, 0], 32, new byte[11], 96),
            new ChaCha20Parameter([0xff, 0xff, 0xff, 0xff], 32, new byte[12], 96),
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
