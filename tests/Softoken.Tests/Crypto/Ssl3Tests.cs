using Softoken.Mechanisms;
using Softoken.Mechanisms.Parameters;
using Softoken.Pkcs11;
using static Softoken.Tests.Crypto.MechanismCalls;

namespace Softoken.Tests.Crypto;

/// <summary>SSL 3.0 (RFC 6101). No published vectors exist for these; the expected values were computed with an
/// independent Python implementation of RFC 6101 sections 6.1, 6.2.2 and 5.2.3.1 (hashlib) from the inputs shown.</summary>
public sealed class Ssl3Tests
{
    private static readonly byte[] PreMaster = [3, 0, .. Enumerable.Range(0, 46).Select(i => (byte)i)];
    private static readonly byte[] ClientRandom = Enumerable.Range(0x20, 32).Select(i => (byte)i).ToArray();
    private static readonly byte[] ServerRandom = Enumerable.Range(0x40, 32).Select(i => (byte)i).ToArray();
    private const string Master = "cd688e4a9a327775287ffd5f17319b03cb9d8f1d195f9f99c429728076213e38353b56b876fd92a83b7345d68ea435c4";

    [Fact]
    public void Master_secret_and_version()
    {
        var p = new Tls12MasterKeyDeriveParameter(ClientRandom, ServerRandom, true, CKM.CKM_MD5);
        var result = Derive(CKM.CKM_SSL3_MASTER_KEY_DERIVE, Secret(PreMaster), p, Template());
        Assert.Equal(Master, Value(result.Key));
        Assert.Equal(new TlsVersionOutput(3, 0), result.Extra);
        Assert.Null(Derive(CKM.CKM_SSL3_MASTER_KEY_DERIVE_DH, Secret(PreMaster), p, Template()).Extra);
    }

    [Fact]
    public void Key_block()
    {
        var p = new Tls12KeyMatParameter(160, 192, 64, false, ClientRandom, ServerRandom, CKM.CKM_MD5);
        var m = Assert.IsType<TlsKeyMaterial>(Derive(CKM.CKM_SSL3_KEY_AND_MAC_DERIVE, Secret(Hex(Master)), p, Template()).Extra);
        Assert.Equal("2801d773aae111c26f894db5c82d7e783e69e8b976470d899be259273539d2a13e36adaad823095bce4cd2322e9f1197" +
            "11d65ba11e77b3d2f9df78253bc85c9cffbe0434f45caca25996e314eac46481fa586061e92745696452a6b54f6a23667307a5a2f9c4c2fd",
            ToHex([.. m.ClientMacSecret, .. m.ServerMacSecret, .. m.ClientKey, .. m.ServerKey, .. m.ClientIv, .. m.ServerIv]));
        Assert.Equal(CKR.CKR_MECHANISM_PARAM_INVALID,
            Fails(() => Derive(CKM.CKM_SSL3_KEY_AND_MAC_DERIVE, Secret(Hex(Master)), p with { IsExport = true }, Template())));
    }

    [Theory]
    [InlineData((ulong)CKM.CKM_SSL3_MD5_MAC, 16, "dd4f0bfcccd09941b9d63a94fa38bf5a")]
    [InlineData((ulong)CKM.CKM_SSL3_SHA1_MAC, 20, "5e462d81edf009874bd749342ee2078c70105840")]
    public void Macs(ulong mechanism, int keyLength, string expected)
    {
        var type = (CKM)mechanism;
        var key = Secret(Hex(Master)[..keyLength]);
        var data = Enumerable.Range(0, 30).Select(i => (byte)i).ToArray();
        using (var sign = MechanismRegistry.Get(type).Sign!(Context(type, key, new UlongParameter((ulong)keyLength))))
        {
            sign.Update(data.AsSpan(0, 7));
            sign.Update(data.AsSpan(7));
            var mac = new byte[sign.SignatureLength];
            sign.Final(mac);
            Assert.Equal(expected, ToHex(mac));
        }
        using var verify = MechanismRegistry.Get(type).Verify!(Context(type, key, new UlongParameter(8)));
        verify.Update(data);
        Assert.True(verify.Final(Hex(expected)[..8]));
        Assert.Equal(CKR.CKR_MECHANISM_PARAM_INVALID,
            Fails(() => MechanismRegistry.Get(type).Sign!(Context(type, key, new UlongParameter((ulong)keyLength + 1)))));
    }

    [Fact]
    public void Pre_master_secret_carries_the_version()
    {
        var key = Generate(CKM.CKM_SSL3_PRE_MASTER_KEY_GEN, new BytesParameter([3, 0]), Template());
        var value = key.RequireBytes(CKA.CKA_VALUE);
        Assert.Equal(48, value.Length);
        Assert.Equal(new byte[] { 3, 0 }, value[..2]);
        Assert.Equal(CKR.CKR_MECHANISM_PARAM_INVALID, Fails(() => Generate(CKM.CKM_SSL3_PRE_MASTER_KEY_GEN, null, Template())));
    }
}
