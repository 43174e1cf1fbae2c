using Softoken.Mechanisms.Parameters;
using Softoken.Pkcs11;
using static Softoken.Tests.Crypto.MechanismCalls;

namespace Softoken.Tests.Crypto;

public sealed class Sp800108Tests
{
    private static readonly PrfIterationVariable Counter32 = new(new CounterFormat(false, 32));

    // NIST CAVP KBKDF (SP 800-108) KDFCTR_gen.rsp, [PRF=HMAC_SHA256] [CTRLOCATION=BEFORE_FIXED] [RLEN=32_BITS],
    // COUNT=0 (L=128) and COUNT=10 (L=256).
    [Theory]
    [InlineData("dd1d91b7d90b2bd3138533ce92b272fbf8a369316aefe242e659cc0ae238afe0",
        "01322b96b30acd197979444e468e1c5c6859bf1b1cf951b7e725303e237e46b864a145fab25e517b08f8683d0315bb2911d80a0e8aba17f3b413faac",
        "10621342bfb0fd40046c0e29f2cfdbf0")]
    [InlineData("e204d6d466aad507ffaf6d6dab0a5b26152c9e21e764370464e360c8fbc765c6",
        "7b03b98d9f94b899e591f3ef264b71b193fba7043c7e953cde23bc5384bc1a6293580115fae3495fd845dadbd02bd6455cf48d0f62b33e62364a3a80",
        "770dfab6a6a4a4bee0257ff335213f78d8287b4fd537d5c1fffa956910e7c779")]
    public void Counter_mode_cavp(string ki, string fixedInput, string ko)
    {
        var p = new Sp800108Parameter(CKM.CKM_SHA256_HMAC, [Counter32, new PrfByteArray(Hex(fixedInput))], 0);
        Assert.Equal(ko, Value(Derive(CKM.CKM_SP800_108_COUNTER_KDF, Secret(Hex(ki)), p, Template(ko.Length / 2)).Key));
        Assert.Equal(ko, Value(Derive(CKM.CKM_NSS_SP800_108_COUNTER_KDF_DERIVE_DATA, Secret(Hex(ki)), p, Template(ko.Length / 2)).Key));
    }

    // The same KDF written out with the library HMAC: counter || label || 0x00 || context || [L]_32, little-endian
    // counter, two blocks; then feedback and double-pipeline mode against their SP 800-108 definitions.
    [Fact]
    public void Modes_match_their_definitions()
    {
        var key = Hex("000102030405060708090a0b0c0d0e0f");
        var label = Hex("4c4142454c00");
        var context = Hex("434f4e54455854");
        static byte[] H(byte[] k, params byte[][] parts) => System.Security.Cryptography.HMACSHA256.HashData(k, parts.SelectMany(x => x).ToArray());
        var dkm = new PrfDkmLength(Sp800108.SP800_108_DKM_LENGTH_SUM_OF_KEYS, false, 32);
        var l = Hex("00000140"); // 320 bits

        var counter = new Sp800108Parameter(CKM.CKM_SHA256_HMAC,
            [new PrfIterationVariable(new CounterFormat(true, 16)), new PrfByteArray(label), new PrfByteArray(context), dkm], 0);
        var expected = H(key, Hex("0100"), label, context, l).Concat(H(key, Hex("0200"), label, context, l)).Take(40);
        Assert.Equal(ToHex(expected.ToArray()), Value(Derive(CKM.CKM_SP800_108_COUNTER_KDF, Secret(key), counter, Template(40)).Key));

        var iv = Hex("aabbccdd");
        var feedback = new Sp800108Parameter(CKM.CKM_SHA256_HMAC,
            [new PrfIterationVariable(null), new PrfCounter(new CounterFormat(false, 8)), new PrfByteArray(label), dkm], 0, iv);
        var k1 = H(key, iv, Hex("01"), label, l);
        var k2 = H(key, k1, Hex("02"), label, l);
        Assert.Equal(ToHex(k1.Concat(k2).Take(40).ToArray()), Value(Derive(CKM.CKM_SP800_108_FEEDBACK_KDF, Secret(key), feedback, Template(40)).Key));

        var pipeline = new Sp800108Parameter(CKM.CKM_SHA256_HMAC, [new PrfIterationVariable(null), new PrfByteArray(label), dkm], 0);
        var a1 = H(key, label, l);
        var a2 = H(key, a1);
        var d = H(key, a1, label, l).Concat(H(key, a2, label, l)).Take(40).ToArray();
        Assert.Equal(ToHex(d), Value(Derive(CKM.CKM_SP800_108_DOUBLE_PIPELINE_KDF, Secret(key), pipeline, Template(40)).Key));
    }

    [Fact]
    public void Cmac_prf_works()
    {
        var p = new Sp800108Parameter(CKM.CKM_AES_CMAC, [Counter32, new PrfByteArray(Hex("00"))], 0);
        Assert.Equal(32, Derive(CKM.CKM_SP800_108_COUNTER_KDF, Secret(new byte[16], CKK.CKK_AES), p, Template(32)).Key.RequireBytes(CKA.CKA_VALUE).Length);
    }

    [Fact]
    public void Invalid_parameter_lists_are_refused()
    {
        var key = Secret(new byte[32]);
        Sp800108Parameter[] bad =
        [
            new(CKM.CKM_SHA256_HMAC, [new PrfByteArray([1])], 0),
            new(CKM.CKM_SHA256_HMAC, [Counter32, Counter32], 0),
            new(CKM.CKM_SHA256_HMAC, [new PrfIterationVariable(null)], 0),
            new(CKM.CKM_SHA256_HMAC, [new PrfIterationVariable(new CounterFormat(false, 12))], 0),
            new(CKM.CKM_SHA256_HMAC, [Counter32, new PrfCounter(new CounterFormat(false, 8))], 0),
            new(CKM.CKM_SHA256_HMAC, [Counter32], 1),
            new(CKM.CKM_SHA256, [Counter32], 0),
            new(CKM.CKM_SHA256_HMAC, [Counter32], 0, []),
        ];
        foreach (var p in bad)
            Assert.Equal(CKR.CKR_MECHANISM_PARAM_INVALID, Fails(() => Derive(CKM.CKM_SP800_108_COUNTER_KDF, key, p, Template(16))));
        Assert.Equal(CKR.CKR_MECHANISM_PARAM_INVALID,
            Fails(() => Derive(CKM.CKM_SP800_108_FEEDBACK_KDF, key, new Sp800108Parameter(CKM.CKM_SHA256_HMAC, [new PrfIterationVariable(null)], 0), Template(16))));
    }
}
