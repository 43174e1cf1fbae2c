using System.Security.Cryptography;
using Softoken.Crypto.KeyEncoding;
using Softoken.Mechanisms;
using Softoken.Mechanisms.Parameters;
using Softoken.Objects;
using Softoken.Pkcs11;
using BigInteger = System.Numerics.BigInteger;

namespace Softoken.Tests.Crypto;

public sealed class DsaDhMechanismTests
{
    // NIST CAVP 186-3 DSA test vectors, SigVer.rsp, [mod = L=1024, N=160, SHA-1]: the domain and the first two records
    // (the first passes, the second has R changed).
    private const string P =
        "dc5bf3a88b2d99e4c95cdd7a0501cc38630d425cf5c390af3429cff1f35147b795caea923f0d3577158f8a0c89dabd1962c2c453306b5d70cacfb0" +
        "1430aceb54e5a5fa6f9340d3bd2da612fceeb76b0ec1ebfae635a56ab141b108e00dc76eefe2edd0c514c21c457457c39065dba9d0ecb7569c24717" +
        "2d8438ad2827b60435b";
    private const string Q = "e956602b83d195dbe945b3ac702fc61f81571f1d";
    private const string G =
        "d7eb9ca20a3c7a079606bafc4c9261ccaba303a5dc9fe9953f197dfe548c234895baa77f441ee6a2d97b909cbbd26ff7b869d24cae51b5c6edb127" +
        "a4b5d75cd8b46608bfa148249dffdb59807c5d7dde3fe3080ca3a2d28312142becb1fa8e24003e21c7287108174b95d5bc711e1c8d9b1076784f5d" +
        "c37a964a5e51390da713";

    public static TheoryData<string, string, string, string, string, bool> SigVer => new()
    {
        {
            "0fe1bfee500bdb76026099b1d37553f6bdfe48c82094ef98cb309dd777330bedfaa2f94c823ef74ef4074b50d8706041ac0e371c7c22dcf70263b8" +
            "d60e17a86c7c379cfda8f22469e0df9d49d59439fc99891873628fff25dda5fac5ac794e948babdde968143ba05f1128f34fdad5875edc4cd71c6c" +
            "24ba2060ffbd439ce2b3",
            "1d93010c29ecfc432188942f46f19f44f0e1bb5d",
            "6240ea0647117c38fe705106d56db578f3e10130928452d4f3587881b8a2bc6873a8befc3237f20914e2a91c7f07a928ee22adeed23d74ab7f82ea" +
            "11f70497e578f7a9b4cbd6f10226222b0b4da2ea1e49813d6bb9882fbf675c0846bb80cc891857b89b0ef1beb6cce3378a9aab5d66ad4cb9277cf" +
            "447dfe1e64434749432fb",
            "b5af307867fb8b54390013cc67020ddf1f2c0b81", "620d3b22ab5031440c3e35eab6f481298f9e9f08", true
        },
        {
            "97d50898025d2f9ba633866e968ca75e969d394edba6517204cb3dd537c2ba38778a2dc9dbc685a915e5676fcd43bc3726bc59ce3d7a9fae355650" +
            "82a069c139fa37c90d922b126933db3fa6c5ef6b1edf00d174a51887bb76909c6a94fe994ecc7b7fc8f26113b17f30f9d01693df99a125b4f17e18" +
            "4331c6b6e8ca00f54f3a",
            "350e13534692a7e0c4b7d58836046c436fbb2322",
            "69974de550fe6bd3099150faea1623ad3fb6d9bf23a07215093f319725ad0877accffd291b6da18eb0cbe51676ceb0977504eb97c27c0b191883f7" +
            "2fb2710a9fbd8bcf13be0bf854410b32f42b33ec89d3cc1cf892bcd536c4195ca9ada302ad600c3408739935d77dc247529ca47f844cc86f5016a2" +
            "fe962c6e20ca7c4d4e8f",
            "b5d05faa7005764e8dae0327c5bf1972ff7681b9", "18ea15bd9f00475b25204cbc23f8c23e01588015", false
        },
    };

    private static AttributeSet DsaKey(CKO cls, string value) => Pk.Key(cls, CKK.CKK_DSA,
        (CKA.CKA_PRIME, Pk.Hex(P)), (CKA.CKA_SUBPRIME, Pk.Hex(Q)), (CKA.CKA_BASE, Pk.Hex(G)), (CKA.CKA_VALUE, Pk.Hex(value)));

    [Theory]
    [MemberData(nameof(SigVer))]
    public void DsaVerifiesCavpSigVerVectors(string message, string x, string y, string r, string s, bool valid)
    {
        var pub = DsaKey(CKO.CKO_PUBLIC_KEY, y);
        var signature = Pk.Hex(r + s);
        Assert.Equal(valid, Pk.Verify(CKM.CKM_DSA_SHA1, pub, Pk.Hex(message), signature));
        Assert.Equal(valid, Pk.Verify(CKM.CKM_DSA, pub, SHA1.HashData(Pk.Hex(message)), signature));
        // The private key x of the record gives its y, and signs what its y verifies.
        var priv = DsaKey(CKO.CKO_PRIVATE_KEY, x);
        Assert.Equal(Pk.Hex(y), PublicKeyDerivation.FromPrivate(priv).RequireBytes(CKA.CKA_VALUE));
        var own = Pk.Sign(CKM.CKM_DSA_SHA1, priv, Pk.Hex(message));
        Assert.Equal(40, own.Length);
        Assert.True(Pk.Verify(CKM.CKM_DSA_SHA1, pub, Pk.Hex(message), own));
        Pk.Throws(CKR.CKR_SIGNATURE_LEN_RANGE, () => Pk.Verify(CKM.CKM_DSA_SHA1, pub, Pk.Hex(message), own[1..]));
    }

    private static readonly Lazy<AttributeSet> DsaDomain = new(() =>
        MechanismRegistry.Get(CKM.CKM_DSA_PARAMETER_GEN).GenerateKey!(new KeyGenRequest(CKM.CKM_DSA_PARAMETER_GEN,
            MechanismParameter.None, Pk.Template((CKA.CKA_PRIME_BITS, 1024)), Pk.Random)));

    [Fact]
    public void DsaParameterAndKeyGenerationSignWithEveryHash()
    {
        var domain = DsaDomain.Value;
        Assert.Equal((ulong)CKO.CKO_DOMAIN_PARAMETERS, domain.Ulong(CKA.CKA_CLASS));
        Assert.Equal(1024UL, domain.Ulong(CKA.CKA_PRIME_BITS));
        Assert.Equal(20, domain.RequireBytes(CKA.CKA_SUBPRIME).Length);
        var template = Pk.Template((CKA.CKA_PRIME, domain.RequireBytes(CKA.CKA_PRIME)), (CKA.CKA_SUBPRIME, domain.RequireBytes(CKA.CKA_SUBPRIME)),
            (CKA.CKA_BASE, domain.RequireBytes(CKA.CKA_BASE)));
        var (pub, priv) = Pk.Generate(CKM.CKM_DSA_KEY_PAIR_GEN, template);
        Assert.Equal(SHA1.HashData(pub.RequireBytes(CKA.CKA_VALUE)), pub.RequireBytes(CKA.CKA_ID));
        Assert.Equal(pub.RequireBytes(CKA.CKA_ID), priv.RequireBytes(CKA.CKA_ID));
        Assert.Equal(domain.RequireBytes(CKA.CKA_PRIME), priv.RequireBytes(CKA.CKA_PRIME));
        var data = RandomNumberGenerator.GetBytes(333);
        foreach (var m in new[] { CKM.CKM_DSA_SHA1, CKM.CKM_DSA_SHA224, CKM.CKM_DSA_SHA256, CKM.CKM_DSA_SHA384, CKM.CKM_DSA_SHA512 })
        {
            var signature = Pk.SignInParts(m, priv, data, 50);
            Assert.True(Pk.Verify(m, pub, data, signature), m.ToString());
            Assert.False(Pk.Verify(m, pub, data[1..], signature));
        }
        var raw = Pk.Sign(CKM.CKM_DSA, priv, SHA256.HashData(data));
        Assert.True(Pk.Verify(CKM.CKM_DSA_SHA256, pub, data, raw));
    }

    [Fact]
    public void DsaErrors()
    {
        var gen = MechanismRegistry.Get(CKM.CKM_DSA_PARAMETER_GEN).GenerateKey!;
        Pk.Throws(CKR.CKR_KEY_SIZE_RANGE, () => gen(new KeyGenRequest(CKM.CKM_DSA_PARAMETER_GEN, MechanismParameter.None, Pk.Template((CKA.CKA_PRIME_BITS, 1000)), Pk.Random)));
        Pk.Throws(CKR.CKR_KEY_SIZE_RANGE, () => gen(new KeyGenRequest(CKM.CKM_DSA_PARAMETER_GEN, MechanismParameter.None,
            Pk.Template((CKA.CKA_PRIME_BITS, 2048), (CKA.CKA_SUBPRIME_BITS, 160)), Pk.Random)));
        Pk.Throws(CKR.CKR_TEMPLATE_INCOMPLETE, () => gen(new KeyGenRequest(CKM.CKM_DSA_PARAMETER_GEN, MechanismParameter.None, Pk.Template(), Pk.Random)));
        Pk.Throws(CKR.CKR_TEMPLATE_INCOMPLETE, () => Pk.Generate(CKM.CKM_DSA_KEY_PAIR_GEN, Pk.Template((CKA.CKA_PRIME, Pk.Hex(P)))));
        Pk.Throws(CKR.CKR_KEY_TYPE_INCONSISTENT, () => Pk.Sign(CKM.CKM_DSA_SHA1, TestKeys.P256.Private, "m"u8));
        Pk.Throws(CKR.CKR_DATA_LEN_RANGE, () => Pk.Sign(CKM.CKM_DSA, DsaKey(CKO.CKO_PRIVATE_KEY, "1d93010c29ecfc432188942f46f19f44f0e1bb5d"), ReadOnlySpan<byte>.Empty));
        var row = MechanismRegistry.Get(CKM.CKM_DSA);
        Assert.Equal((512UL, 3072UL), (row.MinKeySize, row.MaxKeySize));
    }

    private static readonly Lazy<AttributeSet> DhDomain = new(() =>
        MechanismRegistry.Get(CKM.CKM_DH_PKCS_PARAMETER_GEN).GenerateKey!(new KeyGenRequest(CKM.CKM_DH_PKCS_PARAMETER_GEN,
            MechanismParameter.None, Pk.Template((CKA.CKA_PRIME_BITS, 512)), Pk.Random)));

    private static (AttributeSet Public, AttributeSet Private) DhPair(AttributeSet? privateTemplate = null)
    {
        var domain = DhDomain.Value;
        return Pk.Generate(CKM.CKM_DH_PKCS_KEY_PAIR_GEN,
            Pk.Template((CKA.CKA_PRIME, domain.RequireBytes(CKA.CKA_PRIME)), (CKA.CKA_BASE, domain.RequireBytes(CKA.CKA_BASE))), privateTemplate);
    }

    [Fact]
    public void DhParametersKeysAndDerivationAgree()
    {
        var domain = DhDomain.Value;
        Assert.Equal((ulong)CKO.CKO_DOMAIN_PARAMETERS, domain.Ulong(CKA.CKA_CLASS));
        Assert.Equal((ulong)CKK.CKK_DH, domain.Ulong(CKA.CKA_KEY_TYPE));
        var p = new BigInteger(domain.RequireBytes(CKA.CKA_PRIME), isUnsigned: true, isBigEndian: true);
        Assert.Equal(512, (int)p.GetBitLength());

        var (pubA, privA) = DhPair();
        var (pubB, privB) = DhPair(Pk.Template((CKA.CKA_VALUE_BITS, 300)));
        Assert.Equal(300UL, privB.Ulong(CKA.CKA_VALUE_BITS));
        Assert.Equal(SHA1.HashData(pubA.RequireBytes(CKA.CKA_VALUE)), privA.RequireBytes(CKA.CKA_ID));
        var ab = Pk.Derive(CKM.CKM_DH_PKCS_DERIVE, privA, new BytesParameter(pubB.RequireBytes(CKA.CKA_VALUE)));
        var ba = Pk.Derive(CKM.CKM_DH_PKCS_DERIVE, privB, new BytesParameter(pubA.RequireBytes(CKA.CKA_VALUE)));
        Assert.Equal(ab, ba);
        // Independently: y_B ^ x_A mod p, minimal big-endian (softokn's DH_Derive without a length).
        var expected = BigInteger.ModPow(new BigInteger(pubB.RequireBytes(CKA.CKA_VALUE), true, true),
            new BigInteger(privA.RequireBytes(CKA.CKA_VALUE), true, true), p).ToByteArray(isUnsigned: true, isBigEndian: true);
        Assert.Equal(expected, ab);
        // With CKA_VALUE_LEN: the least significant bytes, or zero padding on the left.
        Assert.Equal(ab[^16..], Pk.Derive(CKM.CKM_DH_PKCS_DERIVE, privA, new BytesParameter(pubB.RequireBytes(CKA.CKA_VALUE)),
            Pk.Template((CKA.CKA_VALUE_LEN, 16))));
        var padded = Pk.Derive(CKM.CKM_DH_PKCS_DERIVE, privA, new BytesParameter(pubB.RequireBytes(CKA.CKA_VALUE)), Pk.Template((CKA.CKA_VALUE_LEN, 80)));
        Assert.Equal(ab, padded[^ab.Length..]);
        Assert.All(padded[..^ab.Length], b => Assert.Equal(0, b));
        Assert.Equal(pubA.RequireBytes(CKA.CKA_VALUE), PublicKeyDerivation.FromPrivate(privA).RequireBytes(CKA.CKA_VALUE));
    }

    [Fact]
    public void DhErrors()
    {
        var (_, priv) = DhPair();
        var p = priv.RequireBytes(CKA.CKA_PRIME);
        var pMinus1 = (byte[])p.Clone();
        pMinus1[^1] -= 1;
        foreach (var bad in new[] { new byte[] { 1 }, new byte[] { 0 }, pMinus1, p })
            Pk.Throws(CKR.CKR_MECHANISM_PARAM_INVALID, () => Pk.Derive(CKM.CKM_DH_PKCS_DERIVE, priv, new BytesParameter(bad)));
        Pk.Throws(CKR.CKR_MECHANISM_PARAM_INVALID, () => Pk.Derive(CKM.CKM_DH_PKCS_DERIVE, priv, MechanismParameter.None));
        Pk.Throws(CKR.CKR_KEY_TYPE_INCONSISTENT, () => Pk.Derive(CKM.CKM_DH_PKCS_DERIVE, TestKeys.P256.Private, new BytesParameter([5])));
        var gen = MechanismRegistry.Get(CKM.CKM_DH_PKCS_PARAMETER_GEN).GenerateKey!;
        Pk.Throws(CKR.CKR_KEY_SIZE_RANGE, () => gen(new KeyGenRequest(CKM.CKM_DH_PKCS_PARAMETER_GEN, MechanismParameter.None, Pk.Template((CKA.CKA_PRIME_BITS, 256)), Pk.Random)));
        Pk.Throws(CKR.CKR_DOMAIN_PARAMS_INVALID, () => Pk.Generate(CKM.CKM_DH_PKCS_KEY_PAIR_GEN, Pk.Template((CKA.CKA_PRIME, p), (CKA.CKA_BASE, new byte[] { 1 }))));
        Pk.Throws(CKR.CKR_TEMPLATE_INCOMPLETE, () => Pk.Generate(CKM.CKM_DH_PKCS_KEY_PAIR_GEN, Pk.Template((CKA.CKA_PRIME, p))));
    }
}
