using Softoken.Mechanisms;
using Softoken.Mechanisms.Parameters;
using Softoken.Pkcs11;
using static Softoken.Tests.Crypto.MechanismCalls;

namespace Softoken.Tests.Crypto;

public sealed class HmacTests
{
    private static string Sign(CKM mechanism, byte[] key, byte[] data, MechanismParameter? parameter = null, int split = -1)
    {
        using var op = MechanismRegistry.Get(mechanism).Sign!(Context(mechanism, Secret(key), parameter));
        if (split < 0) op.Update(data);
        else
        {
            op.Update(data.AsSpan(0, split));
            op.Update(data.AsSpan(split));
        }
        var mac = new byte[op.SignatureLength];
        Assert.Equal(mac.Length, op.Final(mac));
        return ToHex(mac);
    }

    private static bool Verify(CKM mechanism, byte[] key, byte[] data, byte[] mac, MechanismParameter? parameter = null)
    {
        using var op = MechanismRegistry.Get(mechanism).Verify!(Context(mechanism, Secret(key), parameter));
        op.Update(data);
        return op.Final(mac);
    }

    private static readonly byte[] Jefe = Ascii("Jefe");
    private static readonly byte[] WhatDoYaWant = Ascii("what do ya want for nothing?");

    // RFC 2202 test cases 1 and 2 (HMAC-MD5, HMAC-SHA-1); RFC 4231 test cases 1, 2 and 6 (HMAC-SHA-224 ... 512).
    [Theory]
    [InlineData((ulong)CKM.CKM_MD5_HMAC, "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "Hi There", "9294727a3638bb1c13f48ef8158bfc9d")]
    [InlineData((ulong)CKM.CKM_SHA_1_HMAC, "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "Hi There", "b617318655057264e28bc0b6fb378c8ef146be00")]
    [InlineData((ulong)CKM.CKM_SHA224_HMAC, "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "Hi There", "896fb1128abbdf196832107cd49df33f47b4b1169912ba4f53684b22")]
    [InlineData((ulong)CKM.CKM_SHA256_HMAC, "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "Hi There", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")]
    [InlineData((ulong)CKM.CKM_SHA384_HMAC, "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "Hi There", "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6")]
    [InlineData((ulong)CKM.CKM_SHA512_HMAC, "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "Hi There", "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854")]
    public void Known_answers_case_1(ulong mechanism, string key, string data, string expected) =>
        Assert.Equal(expected, Sign((CKM)mechanism, Hex(key), Ascii(data)));

    // RFC 2202 / RFC 4231 test case 2 ("Jefe"); the SHA-3 and SHA-512/t values are the same message cross-checked
    // against OpenSSL (Python's hmac module), there being no RFC for them.
    [Theory]
    [InlineData((ulong)CKM.CKM_MD5_HMAC, "750c783e6ab0b503eaa86e310a5db738")]
    [InlineData((ulong)CKM.CKM_SHA_1_HMAC, "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79")]
    [InlineData((ulong)CKM.CKM_SHA224_HMAC, "a30e01098bc6dbbf45690f3a7e9e6d0f8bbea2a39e6148008fd05e44")]
    [InlineData((ulong)CKM.CKM_SHA256_HMAC, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")]
    [InlineData((ulong)CKM.CKM_SHA384_HMAC, "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649")]
    [InlineData((ulong)CKM.CKM_SHA512_HMAC, "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737")]
    [InlineData((ulong)CKM.CKM_SHA512_224_HMAC, "4a530b31a79ebcce36916546317c45f247d83241dfb818fd37254bde")]
    [InlineData((ulong)CKM.CKM_SHA512_256_HMAC, "6df7b24630d5ccb2ee335407081a87188c221489768fa2020513b2d593359456")]
    [InlineData((ulong)CKM.CKM_SHA3_224_HMAC, "7fdb8dd88bd2f60d1b798634ad386811c2cfc85bfaf5d52bbace5e66")]
    [InlineData((ulong)CKM.CKM_SHA3_256_HMAC, "c7d4072e788877ae3596bbb0da73b887c9171f93095b294ae857fbe2645e1ba5")]
    [InlineData((ulong)CKM.CKM_SHA3_384_HMAC, "f1101f8cbf9766fd6764d2ed61903f21ca9b18f57cf3e1a23ca13508a93243ce48c045dc007f26a21b3f5e0e9df4c20a")]
    [InlineData((ulong)CKM.CKM_SHA3_512_HMAC, "5a4bfeab6166427c7a3647b747292b8384537cdb89afb3bf5665e4c5e709350b287baec921fd7ca0ee7a0c31d022a95e1fc92ba9d77df883960275beb4e62024")]
    public void Known_answers_jefe(ulong mechanism, string expected)
    {
        Assert.Equal(expected, Sign((CKM)mechanism, Jefe, WhatDoYaWant));
        Assert.Equal(expected, Sign((CKM)mechanism, Jefe, WhatDoYaWant, split: 7));
        Assert.True(Verify((CKM)mechanism, Jefe, WhatDoYaWant, Hex(expected)));
    }

    // RFC 4231 test case 6: a key longer than the block size is hashed first.
    [Theory]
    [InlineData((ulong)CKM.CKM_SHA256_HMAC, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")]
    [InlineData((ulong)CKM.CKM_SHA512_HMAC, "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f3526b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598")]
    public void Known_answers_long_key(ulong mechanism, string expected) =>
        Assert.Equal(expected, Sign((CKM)mechanism, Enumerable.Repeat((byte)0xaa, 131).ToArray(),
            Ascii("Test Using Larger Than Block-Size Key - Hash Key First")));

    // RFC 4231 test case 5: truncation to 128 bits through CK_MAC_GENERAL_PARAMS.
    [Fact]
    public void General_form_truncates()
    {
        var key = Enumerable.Repeat((byte)0x0c, 20).ToArray();
        var data = Ascii("Test With Truncation");
        Assert.Equal("a3b6167473100ee06e0c796c2955552b", Sign(CKM.CKM_SHA256_HMAC_GENERAL, key, data, new UlongParameter(16)));
        Assert.True(Verify(CKM.CKM_SHA256_HMAC_GENERAL, key, data, Hex("a3b6167473100ee06e0c796c2955552b"), new UlongParameter(16)));
    }

    [Fact]
    public void A_long_message_gives_the_same_mac_on_either_engine()
    {
        var data = new byte[5000];
        new Random(3).NextBytes(data);
        foreach (var type in new[] { CKM.CKM_SHA512_HMAC, CKM.CKM_SHA384_HMAC, CKM.CKM_MD5_HMAC, CKM.CKM_SHA3_256_HMAC })
        {
            Assert.Equal(Sign(type, Jefe, data), Sign(type, Jefe, data, split: 1000));
            Assert.Equal(Sign(type, Jefe, data), Sign(type, Jefe, data, split: 10));
        }
    }

    [Fact]
    public void Verify_rejects_a_wrong_mac_and_a_wrong_length()
    {
        var mac = Hex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
        mac[^1] ^= 1;
        Assert.False(Verify(CKM.CKM_SHA256_HMAC, Jefe, WhatDoYaWant, mac));
        Assert.Equal(CKR.CKR_SIGNATURE_LEN_RANGE, Fails(() => Verify(CKM.CKM_SHA256_HMAC, Jefe, WhatDoYaWant, mac[..31])));
        Assert.Equal(CKR.CKR_SIGNATURE_LEN_RANGE,
            Fails(() => Verify(CKM.CKM_SHA256_HMAC_GENERAL, Jefe, WhatDoYaWant, mac, new UlongParameter(16))));
    }

    [Fact]
    public void Bad_parameters_are_CKR_MECHANISM_PARAM_INVALID()
    {
        Assert.Equal(CKR.CKR_MECHANISM_PARAM_INVALID, Fails(() => Sign(CKM.CKM_SHA256_HMAC_GENERAL, Jefe, [], new UlongParameter(33))));
        Assert.Equal(CKR.CKR_MECHANISM_PARAM_INVALID, Fails(() => Sign(CKM.CKM_SHA256_HMAC_GENERAL, Jefe, [], new UlongParameter(0))));
        Assert.Equal(CKR.CKR_MECHANISM_PARAM_INVALID, Fails(() => Sign(CKM.CKM_SHA256_HMAC_GENERAL, Jefe, [])));
        Assert.Equal(CKR.CKR_MECHANISM_PARAM_INVALID, Fails(() => Sign(CKM.CKM_SHA256_HMAC, Jefe, [], new UlongParameter(16))));
    }

    [Fact]
    public void A_key_without_a_value_is_CKR_KEY_SIZE_RANGE()
    {
        var key = Secret([]);
        key.Remove(CKA.CKA_VALUE);
        Assert.Equal(CKR.CKR_KEY_SIZE_RANGE, Fails(() => MechanismRegistry.Get(CKM.CKM_SHA_1_HMAC).Sign!(Context(CKM.CKM_SHA_1_HMAC, key))));
    }
}
