using Softoken.Mechanisms;
using Softoken.Mechanisms.Parameters;
using Softoken.Pkcs11;
using static Softoken.Tests.Crypto.MechanismCalls;

namespace Softoken.Tests.Crypto;

/// <summary>The TLS 1.2 PRF vector is the widely used "TLS 1.2 PRF test vectors" for P_SHA256 posted to the IETF
/// TLS list (secret 9bbe436b..., seed a0ba9f93..., label "test label", 100 bytes). The derivation values below it
/// were computed with an independent Python implementation of RFC 5246 section 5 / RFC 2246 section 5 (hmac module,
/// OpenSSL) from the inputs shown.</summary>
public sealed class TlsTests
{
    private static readonly byte[] PreMaster = [3, 3, .. Enumerable.Range(0, 46).Select(i => (byte)i)];
    private static readonly byte[] ClientRandom = Enumerable.Range(0x20, 32).Select(i => (byte)i).ToArray();
    private static readonly byte[] ServerRandom = Enumerable.Range(0x40, 32).Select(i => (byte)i).ToArray();
    private static readonly byte[] SessionHash = Hex("dfff30d188055f20aaa1610f29102805528465bbad91709ded764e8899f5ad2b");
    private const string MasterSha256 = "9154519d6f3e3e6e8973e259b10e6ada1172b9daf89e6078cf4f4ada6bcfdd981832f7099ff1236672d172db4871dd34";

    private static string PrfSign(CKM mechanism, byte[] key, byte[] data, int bufferLength, MechanismParameter? parameter = null)
    {
        using var op = MechanismRegistry.Get(mechanism).Sign!(Context(mechanism, Secret(key), parameter));
        op.Update(data.AsSpan(0, data.Length / 2));
        op.Update(data.AsSpan(data.Length / 2));
        var output = new byte[bufferLength];
        int n = op.Final(output);
        return ToHex(output.AsSpan(0, n));
    }

    [Fact]
    public void Tls12_prf_sha256_published_vector()
    {
        const string expected = "e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a46b4e14baf9af" +
            "0fa022f7077def17abfd3797c0564bab4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff70187347b66";
        var secret = Hex("9bbe436ba940f017b17652849a71db35");
        byte[] data = [.. Ascii("test label"), .. Hex("a0ba9f936cda311827a6f796ffd5198c")];
        using (var op = MechanismRegistry.Get(CKM.CKM_NSS_TLS_PRF_GENERAL_SHA256).Sign!(Context(CKM.CKM_NSS_TLS_PRF_GENERAL_SHA256, Secret(secret))))
            Assert.True(op.LengthFromBuffer);
        Assert.Equal(expected, PrfSign(CKM.CKM_NSS_TLS_PRF_GENERAL_SHA256, secret, data, 100));
        Assert.Equal(expected[..24], PrfSign(CKM.CKM_NSS_TLS_PRF_GENERAL_SHA256, secret, data, 12));
        using var verify = MechanismRegistry.Get(CKM.CKM_NSS_TLS_PRF_GENERAL_SHA256).Verify!(Context(CKM.CKM_NSS_TLS_PRF_GENERAL_SHA256, Secret(secret)));
        verify.Update(data);
        Assert.True(verify.Final(Hex(expected)));
    }

    [Fact]
    public void Tls10_prf_general_and_key_type_check()
    {
        Assert.Equal("209939d0776c071201a764e56bdbd74fe0b496ce56c3dc7414a20e63755f",
            PrfSign(CKM.CKM_TLS_PRF_GENERAL, Enumerable.Range(0, 13).Select(i => (byte)i).ToArray(), Ascii("label seed"), 30));
        Assert.Equal(CKR.CKR_KEY_TYPE_INCONSISTENT,
            Fails(() => MechanismRegistry.Get(CKM.CKM_TLS_PRF_GENERAL).Sign!(Context(CKM.CKM_TLS_PRF_GENERAL, Secret(new byte[16], CKK.CKK_AES)))));
    }

    [Fact]
    public void Tls_mac_finished()
    {
        var master = Hex(MasterSha256);
        Assert.Equal("99d583c352b33ef39cb44cb0", PrfSign(CKM.CKM_TLS_MAC, master, SessionHash, 12, new TlsMacParameter(CKM.CKM_SHA256, 12, 2)));
        Assert.Equal("65dcd0212258d1897e20df9a", PrfSign(CKM.CKM_TLS_MAC, master, SessionHash, 12, new TlsMacParameter(CKM.CKM_TLS_PRF, 12, 1)));
        Assert.Equal(CKR.CKR_MECHANISM_PARAM_INVALID, Fails(() => PrfSign(CKM.CKM_TLS_MAC, master, SessionHash, 12, new TlsMacParameter(CKM.CKM_TLS_PRF, 16, 1))));
        Assert.Equal(CKR.CKR_MECHANISM_PARAM_INVALID, Fails(() => PrfSign(CKM.CKM_TLS_MAC, master, SessionHash, 12, new TlsMacParameter(CKM.CKM_SHA256, 12, 3))));
        using var verify = MechanismRegistry.Get(CKM.CKM_TLS_MAC).Verify!(Context(CKM.CKM_TLS_MAC, Secret(master), new TlsMacParameter(CKM.CKM_SHA256, 12, 2)));
        verify.Update(SessionHash);
        Assert.Equal(CKR.CKR_SIGNATURE_LEN_RANGE, Fails(() => verify.Final(new byte[11])));
    }

    [Fact]
    public void Master_secret_with_version()
    {
        var p = new Tls12MasterKeyDeriveParameter(ClientRandom, ServerRandom, true, CKM.CKM_SHA256);
        var result = Derive(CKM.CKM_TLS12_MASTER_KEY_DERIVE, Secret(PreMaster), p, Template());
        Assert.Equal(MasterSha256, Value(result.Key));
        Assert.Equal(new TlsVersionOutput(3, 3), result.Extra);
        Assert.Equal((ulong)CKK.CKK_GENERIC_SECRET, result.Key.Ulong(CKA.CKA_KEY_TYPE));
        Assert.Equal(MasterSha256, Value(Derive(CKM.CKM_NSS_TLS_MASTER_KEY_DERIVE_SHA256, Secret(PreMaster), p, Template(48)).Key));
        var tls10 = p with { PrfHashMechanism = CKM.CKM_TLS_PRF };
        Assert.Equal("de36ad9515d171ee6d6dde0a42486c12bd449385f61578ea991abba6c237730c86f35c67b8a4b693ecdba5ceca81f644",
            Value(Derive(CKM.CKM_TLS_MASTER_KEY_DERIVE, Secret(PreMaster), tls10, Template()).Key));
        var dh = Derive(CKM.CKM_TLS12_MASTER_KEY_DERIVE_DH, Secret(PreMaster), p, Template());
        Assert.Null(dh.Extra);
        Assert.Equal(CKR.CKR_KEY_SIZE_RANGE, Fails(() => Derive(CKM.CKM_TLS12_MASTER_KEY_DERIVE, Secret(PreMaster[..47]), p, Template())));
        Assert.Equal(CKR.CKR_TEMPLATE_INCONSISTENT, Fails(() => Derive(CKM.CKM_TLS12_MASTER_KEY_DERIVE, Secret(PreMaster), p, Template(32))));
        Assert.Equal(CKR.CKR_MECHANISM_PARAM_INVALID, Fails(() => Derive(CKM.CKM_TLS12_MASTER_KEY_DERIVE, Secret(PreMaster), p with { PrfHashMechanism = CKM.CKM_AES_ECB }, Template())));
    }

    [Fact]
    public void Extended_master_secret()
    {
        var p = new TlsExtendedMasterKeyDeriveParameter(CKM.CKM_SHA384, SessionHash, true);
        const string expected = "792c11ddae9a634debdc5fbae5cdd9f27b45b278dc7dd4729d686621f81d9df33596d62b810a80d5fe7dacd1dbeedb10";
        var result = Derive(CKM.CKM_TLS12_EXTENDED_MASTER_KEY_DERIVE, Secret(PreMaster), p, Template());
        Assert.Equal(expected, Value(result.Key));
        Assert.Equal(new TlsVersionOutput(3, 3), result.Extra);
        Assert.Equal(expected, Value(Derive(CKM.CKM_NSS_TLS_EXTENDED_MASTER_KEY_DERIVE_DH, Secret(PreMaster), p, Template()).Key));
        Assert.Equal(CKR.CKR_MECHANISM_PARAM_INVALID, Fails(() => Derive(CKM.CKM_TLS12_EXTENDED_MASTER_KEY_DERIVE, Secret(PreMaster), p with { SessionHash = [] }, Template())));
    }

    [Fact]
    public void Key_block_is_cut_in_rfc5246_order()
    {
        const string block = "927db9f70f88e6052976e4e5b2ae3ed7fe3ea868020054ed3251b1f839259e40c3908983b4045600403b72b15a8c0a61" +
            "093c6ffbd082474cfbb3a7598ed0b7fe1e9572e631d7c14d7f4beb6b9b0a8da8";
        var p = new Tls12KeyMatParameter(160, 128, 32, false, ClientRandom, ServerRandom, CKM.CKM_SHA256);
        var m = Assert.IsType<TlsKeyMaterial>(Derive(CKM.CKM_TLS12_KEY_AND_MAC_DERIVE, Secret(Hex(MasterSha256)), p, Template()).Extra);
        Assert.Equal(block, ToHex([.. m.ClientMacSecret, .. m.ServerMacSecret, .. m.ClientKey, .. m.ServerKey, .. m.ClientIv, .. m.ServerIv]));
        Assert.Equal((20, 16, 4), (m.ClientMacSecret.Length, m.ServerKey.Length, m.ServerIv.Length));
        Assert.Equal(CKR.CKR_MECHANISM_PARAM_INVALID,
            Fails(() => Derive(CKM.CKM_TLS12_KEY_AND_MAC_DERIVE, Secret(Hex(MasterSha256)), p with { IsExport = true }, Template())));
        Assert.Equal(CKR.CKR_KEY_SIZE_RANGE, Fails(() => Derive(CKM.CKM_TLS12_KEY_AND_MAC_DERIVE, Secret(new byte[32]), p, Template())));
    }
}
