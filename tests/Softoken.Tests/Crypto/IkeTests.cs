using System.Security.Cryptography;
using Softoken.Crypto;
using Softoken.Mechanisms;
using Softoken.Mechanisms.Parameters;
using Softoken.Objects;
using Softoken.Pkcs11;

namespace Softoken.Tests.Crypto;

/// <summary>The IKE derivations against the formulas of PKCS #11 v3.0 section 2.44 / RFC 2409 / RFC 7296, computed
/// independently here with .NET's HMAC-SHA-256.</summary>
public sealed class IkeTests
{
    private static readonly byte[] Gir = Convert.FromHexString("4a9e2c1b00ff3e7d6c5b4a39281706f5e4d3c2b1a0918273645546372819fe0d");
    private static readonly byte[] Ni = Convert.FromHexString("0102030405060708");
    private static readonly byte[] Nr = Convert.FromHexString("a1a2a3a4a5a6a7a8a9aa");

    private static byte[] Hmac256(byte[] key, byte[] data) => HMACSHA256.HashData(key, data);

    private static AttributeSet Secret(byte[] value)
    {
        var key = new AttributeSet();
        key.SetUlong(CKA.CKA_CLASS, (ulong)CKO.CKO_SECRET_KEY);
        key.SetUlong(CKA.CKA_KEY_TYPE, (ulong)CKK.CKK_GENERIC_SECRET);
        key.Set(CKA.CKA_VALUE, value);
        return key;
    }

    private static AttributeSet Template(ulong? length = null, CKK? type = null)
    {
        var t = new AttributeSet();
        if (length is { } n) t.SetUlong(CKA.CKA_VALUE_LEN, n);
        if (type is { } k) t.SetUlong(CKA.CKA_KEY_TYPE, (ulong)k);
        return t;
    }

    private static byte[] Derive(CKM mechanism, MechanismParameter parameter, byte[] baseKey, AttributeSet template) =>
        MechanismRegistry.Get(mechanism).Derive!(new DeriveRequest(mechanism, parameter, Secret(baseKey), template, new RandomSource()))
            .Key.RequireBytes(CKA.CKA_VALUE);

    [Fact]
    public void IkePrfDeriveCoversTheThreeCases()
    {
        byte[] nonces = [.. Ni, .. Nr];
        var skeyseed = Derive(CKM.CKM_IKE_PRF_DERIVE, new IkePrfParameter(CKM.CKM_SHA256_HMAC, true, false, Ni, Nr, 0), Gir, Template());
        Assert.Equal(Hmac256(nonces, Gir), skeyseed);
        var psk = Derive(CKM.CKM_IKE_PRF_DERIVE, new IkePrfParameter(CKM.CKM_SHA256_HMAC, false, false, Ni, Nr, 0), Gir, Template());
        Assert.Equal(Hmac256(Gir, nonces), psk);
        var newGir = RandomNumberGenerator.GetBytes(32);
        var rekey = Derive(CKM.CKM_IKE_PRF_DERIVE,
            new IkePrfParameter(CKM.CKM_SHA256_HMAC, false, true, Ni, Nr, 7) { NewKey = newGir }, Gir, Template());
        Assert.Equal(Hmac256(Gir, [.. newGir, .. nonces]), rekey);
        var both = Assert.Throws<Pkcs11Exception>(() => Derive(CKM.CKM_IKE_PRF_DERIVE,
            new IkePrfParameter(CKM.CKM_SHA256_HMAC, true, true, Ni, Nr, 0), Gir, Template()));
        Assert.Equal(CKR.CKR_ARGUMENTS_BAD, both.Rv);
        var size = Assert.Throws<Pkcs11Exception>(() => Derive(CKM.CKM_IKE_PRF_DERIVE,
            new IkePrfParameter(CKM.CKM_SHA256_HMAC, true, false, Ni, Nr, 0), Gir, Template(16)));
        Assert.Equal(CKR.CKR_KEY_SIZE_RANGE, size.Rv);
    }

    [Fact]
    public void Ike2PrfPlusFeedsBackEachBlock()
    {
        var seedKey = RandomNumberGenerator.GetBytes(20);
        var seedData = RandomNumberGenerator.GetBytes(24);
        var result = Derive(CKM.CKM_IKE2_PRF_PLUS_DERIVE,
            new Ike2PrfPlusParameter(CKM.CKM_SHA256_HMAC, true, 9, seedData) { SeedKey = seedKey }, Gir, Template(80));
        byte[] s = [.. seedKey, .. seedData];
        var t1 = Hmac256(Gir, [.. s, 1]);
        var t2 = Hmac256(Gir, [.. t1, .. s, 2]);
        var t3 = Hmac256(Gir, [.. t2, .. s, 3]);
        Assert.Equal([.. t1, .. t2, .. t3[..16]], result);
        Assert.Equal(CKR.CKR_TEMPLATE_INCOMPLETE, Assert.Throws<Pkcs11Exception>(() => Derive(CKM.CKM_IKE2_PRF_PLUS_DERIVE,
            new Ike2PrfPlusParameter(CKM.CKM_SHA256_HMAC, false, 0, seedData), Gir, Template())).Rv);
        Assert.Equal(CKR.CKR_KEY_SIZE_RANGE, Assert.Throws<Pkcs11Exception>(() => Derive(CKM.CKM_IKE2_PRF_PLUS_DERIVE,
            new Ike2PrfPlusParameter(CKM.CKM_SHA256_HMAC, false, 0, seedData), Gir, Template(255 * 32 + 1))).Rv);
    }

    [Fact]
    public void Ike1PrfDeriveMakesSkeyidDAE()
    {
        var skeyid = RandomNumberGenerator.GetBytes(32);
        var ckyI = RandomNumberGenerator.GetBytes(8);
        var ckyR = RandomNumberGenerator.GetBytes(8);
        var d = Derive(CKM.CKM_IKE1_PRF_DERIVE,
            new Ike1PrfParameter(CKM.CKM_SHA256_HMAC, false, 1, 0, ckyI, ckyR, 0) { Gxy = Gir }, skeyid, Template(type: CKK.CKK_GENERIC_SECRET));
        Assert.Equal(Hmac256(skeyid, [.. Gir, .. ckyI, .. ckyR, 0]), d);
        var a = Derive(CKM.CKM_IKE1_PRF_DERIVE,
            new Ike1PrfParameter(CKM.CKM_SHA256_HMAC, true, 1, 2, ckyI, ckyR, 1) { Gxy = Gir, PreviousKey = d }, skeyid,
            Template(16, CKK.CKK_AES));
        Assert.Equal(Hmac256(skeyid, [.. d, .. Gir, .. ckyI, .. ckyR, 1])[..16], a);
        Assert.Equal(CKR.CKR_TEMPLATE_INCOMPLETE, Assert.Throws<Pkcs11Exception>(() => Derive(CKM.CKM_IKE1_PRF_DERIVE,
            new Ike1PrfParameter(CKM.CKM_SHA256_HMAC, false, 1, 0, ckyI, ckyR, 0) { Gxy = Gir }, skeyid, Template())).Rv);
    }

    [Fact]
    public void Ike1ExtendedDeriveFollowsAppendixB()
    {
        var skeyidE = RandomNumberGenerator.GetBytes(32);
        var extra = RandomNumberGenerator.GetBytes(12);
        var longKey = Derive(CKM.CKM_IKE1_EXTENDED_DERIVE,
            new Ike1ExtendedParameter(CKM.CKM_SHA256_HMAC, true, 3, extra) { Gxy = Gir }, skeyidE, Template(48));
        var k1 = Hmac256(skeyidE, [.. Gir, .. extra]);
        var k2 = Hmac256(skeyidE, [.. k1, .. Gir, .. extra]);
        Assert.Equal([.. k1, .. k2[..16]], longKey);
        // Appendix B: without g^xy, a key no longer than the PRF is the base key truncated.
        Assert.Equal(skeyidE[..24], Derive(CKM.CKM_IKE1_EXTENDED_DERIVE,
            new Ike1ExtendedParameter(CKM.CKM_SHA256_HMAC, false, 0, []), skeyidE, Template(24)));
        // Longer than the PRF with neither g^xy nor extra data: K1 = prf(K, 0x00).
        var k1Zero = Hmac256(skeyidE, [0]);
        var k2Zero = Hmac256(skeyidE, k1Zero);
        Assert.Equal([.. k1Zero, .. k2Zero[..8]], Derive(CKM.CKM_IKE1_EXTENDED_DERIVE,
            new Ike1ExtendedParameter(CKM.CKM_SHA256_HMAC, false, 0, []), skeyidE, Template(40)));
    }

    [Fact]
    public void AnUnknownPrfIsAParameterError() =>
        Assert.Equal(CKR.CKR_MECHANISM_PARAM_INVALID, Assert.Throws<Pkcs11Exception>(() => Derive(CKM.CKM_IKE_PRF_DERIVE,
            new IkePrfParameter(CKM.CKM_AES_CMAC, true, false, Ni, Nr, 0), Gir, Template())).Rv);
}
