using Softoken.Mechanisms.Parameters;
using Softoken.Pkcs11;
using static Softoken.Tests.Crypto.Sym;

namespace Softoken.Tests.Crypto;

/// <summary>The per-key caches (expanded AES keys, pooled GCM and CMAC objects) must be invisible: same results as
/// fresh objects, under interleaving, across threads, and never for a key value that changed in place.</summary>
public sealed class KeyReuseTests
{
    private static readonly GcmParameter Nonce1 = new(Hex("cafebabefacedbaddecaf888"), 96, Hex("feedface"), 128);

    [Fact]
    public void RepeatedAndInterleavedGcmOperationsAgree()
    {
        var key = Aes("feffe9928665731c6d6a8f9467308308");
        var data = Message(100);
        var first = Encrypt(CKM.CKM_AES_GCM, Nonce1, key, data);
        // The same nonce again (a pooled object would refuse it) and a decryption in between.
        Assert.Equal(first, Encrypt(CKM.CKM_AES_GCM, Nonce1, key, data));
        Assert.Equal(data, Decrypt(CKM.CKM_AES_GCM, Nonce1, key, first));
        Assert.Equal(first, Encrypt(CKM.CKM_AES_GCM, Nonce1, key, data));
        // Two operations on the same key at once.
        using var a = Encryptor(CKM.CKM_AES_GCM, Nonce1, key);
        using var b = Decryptor(CKM.CKM_AES_GCM, Nonce1, key);
        var outA = new byte[200];
        int n = a.Update(data.AsSpan(0, 50), outA);
        b.Update(first, []);
        n += a.Update(data.AsSpan(50), outA.AsSpan(n));
        var plain = new byte[b.FinalLength()];
        Assert.Equal(100, b.Final(plain));
        n += a.Final(outA.AsSpan(n));
        Assert.Equal(first, outA[..n]);
        Assert.Equal(data, plain);
        // An abandoned operation leaves nothing behind for the next one.
        var abandoned = Encryptor(CKM.CKM_AES_GCM, Nonce1 with { Iv = Hex("000102030405060708090a0b") }, key);
        abandoned.Update(data, new byte[200]);
        abandoned.Dispose();
        Assert.Equal(first, Encrypt(CKM.CKM_AES_GCM, Nonce1, key, data));
    }

    [Fact]
    public void AKeyValueChangedInPlaceIsNotServedFromTheCaches()
    {
        var value = Hex("2b7e151628aed2a6abf7158809cf4f3c");
        var key = Key(CKK.CKK_AES, value);
        var data = Message(32);
        var ecb = Encrypt(CKM.CKM_AES_ECB, MechanismParameter.None, key, data);
        var gcm = Encrypt(CKM.CKM_AES_GCM, Nonce1, key, data);
        var cmac = Sign(CKM.CKM_AES_CMAC, MechanismParameter.None, key, data);
        value[0] ^= 1; // the same array, another key
        var fresh = Aes(Convert.ToHexString(value));
        Assert.Equal(Encrypt(CKM.CKM_AES_ECB, MechanismParameter.None, fresh, data), Encrypt(CKM.CKM_AES_ECB, MechanismParameter.None, key, data));
        Assert.NotEqual(ecb, Encrypt(CKM.CKM_AES_ECB, MechanismParameter.None, key, data));
        Assert.Equal(Encrypt(CKM.CKM_AES_GCM, Nonce1, fresh, data), Encrypt(CKM.CKM_AES_GCM, Nonce1, key, data));
        Assert.NotEqual(gcm, Encrypt(CKM.CKM_AES_GCM, Nonce1, key, data));
        Assert.Equal(Sign(CKM.CKM_AES_CMAC, MechanismParameter.None, fresh, data), Sign(CKM.CKM_AES_CMAC, MechanismParameter.None, key, data));
        Assert.NotEqual(cmac, Sign(CKM.CKM_AES_CMAC, MechanismParameter.None, key, data));
    }

    [Fact]
    public void ConcurrentOperationsWithOneKeyAgree()
    {
        var key = Aes("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4");
        var data = Message(100);
        var iv = Iv("000102030405060708090a0b0c0d0e0f");
        var cbc = Encrypt(CKM.CKM_AES_CBC_PAD, iv, key, data);
        var gcm = Encrypt(CKM.CKM_AES_GCM, Nonce1, key, data);
        var cmac = Sign(CKM.CKM_AES_CMAC, MechanismParameter.None, key, data);
        Parallel.For(0, 2000, i =>
        {
            var gcmParameter = new GcmParameter(BitConverter.GetBytes((long)i).Concat(new byte[4]).ToArray(), 96, [], 128);
            var sealedData = Encrypt(CKM.CKM_AES_GCM, gcmParameter, key, data);
            Assert.Equal(data, Decrypt(CKM.CKM_AES_GCM, gcmParameter, key, sealedData));
            Assert.Equal(cbc, Encrypt(CKM.CKM_AES_CBC_PAD, iv, key, data));
            Assert.Equal(data, Decrypt(CKM.CKM_AES_CBC_PAD, iv, key, cbc));
            Assert.Equal(gcm, Encrypt(CKM.CKM_AES_GCM, Nonce1, key, data));
            Assert.Equal(cmac, Sign(CKM.CKM_AES_CMAC, MechanismParameter.None, key, data, i % 50));
        });
    }
}
