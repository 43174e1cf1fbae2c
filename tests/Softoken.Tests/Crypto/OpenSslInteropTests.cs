using System.Security.Cryptography;
using Org.BouncyCastle.Asn1;
using Softoken.Crypto.KeyEncoding;
using Softoken.Mechanisms.Parameters;
using Softoken.Objects;
using Softoken.Pkcs11;

namespace Softoken.Tests.Crypto;

/// <summary>Cross-checks with the openssl command line: what the token signs or encrypts, openssl verifies or
/// decrypts, and the other way round. Keys travel through our own PKCS #8 / SubjectPublicKeyInfo encoders.</summary>
public sealed class OpenSslInteropTests : IDisposable
{
    private readonly OpenSsl openssl = new();

    public void Dispose() => openssl.Dispose();

    private (string Private, string Public) Export(AttributeSet pub, AttributeSet priv, string name)
    {
        openssl.File(name + ".p8", PrivateKeyInfoCodec.Encode(priv));
        openssl.File(name + ".spki", SubjectPublicKeyInfoEncoder.Encode(pub));
        openssl.Ok("pkey", "-inform", "DER", "-in", name + ".p8", "-out", name + ".pem");
        openssl.Ok("pkey", "-pubin", "-inform", "DER", "-in", name + ".spki", "-out", name + ".pub.pem");
        return (name + ".pem", name + ".pub.pem");
    }

    [Fact]
    public void RsaPkcs1SignaturesAreIdenticalAndVerifyBothWays()
    {
        var (pub, priv) = TestKeys.Rsa2048;
        var (key, pubKey) = Export(pub, priv, "rsa");
        var message = RandomNumberGenerator.GetBytes(200);
        openssl.File("msg", message);

        var ours = Pk.Sign(CKM.CKM_SHA256_RSA_PKCS, priv, message);
        openssl.File("ours.sig", ours);
        openssl.Ok("dgst", "-sha256", "-verify", pubKey, "-signature", "ours.sig", "msg");

        openssl.Ok("dgst", "-sha384", "-sign", key, "-out", "theirs.sig", "msg");
        Assert.True(Pk.Verify(CKM.CKM_SHA384_RSA_PKCS, pub, message, openssl.Read("theirs.sig")));
        // PKCS #1 v1.5 is deterministic: the same key signs the same bytes.
        openssl.Ok("dgst", "-sha256", "-sign", key, "-out", "theirs256.sig", "msg");
        Assert.Equal(ours, openssl.Read("theirs256.sig"));
    }

    [Fact]
    public void RsaPssVerifiesBothWays()
    {
        var (pub, priv) = TestKeys.Rsa2048;
        var (key, pubKey) = Export(pub, priv, "rsa");
        var message = RandomNumberGenerator.GetBytes(100);
        openssl.File("msg", message);
        var p = new RsaPssParameter(CKM.CKM_SHA256, CKG.CKG_MGF1_SHA256, 32);
        openssl.File("ours.sig", Pk.Sign(CKM.CKM_SHA256_RSA_PKCS_PSS, priv, message, p));
        openssl.Ok("dgst", "-sha256", "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:32", "-verify", pubKey,
            "-signature", "ours.sig", "msg");

        openssl.Ok("dgst", "-sha512", "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:20", "-sigopt", "rsa_mgf1_md:sha1",
            "-sign", key, "-out", "theirs.sig", "msg");
        Assert.True(Pk.Verify(CKM.CKM_SHA512_RSA_PKCS_PSS, pub, message, openssl.Read("theirs.sig"),
            new RsaPssParameter(CKM.CKM_SHA512, CKG.CKG_MGF1_SHA1, 20)));
    }

    [Theory]
    [InlineData("pkcs1", null, null, "")]
    [InlineData("oaep", "sha1", "sha1", "")]
    [InlineData("oaep", "sha256", "sha256", "")]
    [InlineData("oaep", "sha384", "sha1", "")]
    [InlineData("oaep", "sha256", "sha256", "0102030405")]
    public void RsaEncryptionWorksBothWays(string padding, string? hash, string? mgf, string label)
    {
        var (pub, priv) = TestKeys.Rsa2048;
        var (key, pubKey) = Export(pub, priv, "rsa");
        var options = new List<string> { "-pkeyopt", "rsa_padding_mode:" + padding };
        MechanismParameter parameter = MechanismParameter.None;
        var mechanism = CKM.CKM_RSA_PKCS;
        if (padding == "oaep")
        {
            options.AddRange(["-pkeyopt", "rsa_oaep_md:" + hash, "-pkeyopt", "rsa_mgf1_md:" + mgf]);
            if (label.Length > 0) options.AddRange(["-pkeyopt", "rsa_oaep_label:" + label]);
            CKM Hash(string h) => h switch { "sha1" => CKM.CKM_SHA_1, "sha256" => CKM.CKM_SHA256, _ => CKM.CKM_SHA384 };
            CKG Mgf(string h) => h switch { "sha1" => CKG.CKG_MGF1_SHA1, "sha256" => CKG.CKG_MGF1_SHA256, _ => CKG.CKG_MGF1_SHA384 };
            parameter = new RsaOaepParameter(Hash(hash!), Mgf(mgf!), 1, Pk.Hex(label));
            mechanism = CKM.CKM_RSA_PKCS_OAEP;
        }
        var secret = RandomNumberGenerator.GetBytes(48);
        openssl.File("ours.enc", Pk.Encrypt(mechanism, pub, secret, parameter));
        openssl.Ok(["pkeyutl", "-decrypt", "-inkey", key, "-in", "ours.enc", "-out", "ours.dec", .. options]);
        Assert.Equal(secret, openssl.Read("ours.dec"));

        openssl.File("plain", secret);
        openssl.Ok(["pkeyutl", "-encrypt", "-pubin", "-inkey", pubKey, "-in", "plain", "-out", "theirs.enc", .. options]);
        Assert.Equal(secret, Pk.Decrypt(mechanism, priv, openssl.Read("theirs.enc"), parameter));
    }

    private static byte[] ToDer(byte[] rs)
    {
        int n = rs.Length / 2;
        return new DerSequence(new DerInteger(new Org.BouncyCastle.Math.BigInteger(1, rs[..n])),
            new DerInteger(new Org.BouncyCastle.Math.BigInteger(1, rs[n..]))).GetDerEncoded();
    }

    private static byte[] FromDer(byte[] der, int n)
    {
        var seq = (Asn1Sequence)Asn1Object.FromByteArray(der);
        return [.. Softoken.Crypto.Unsigned.FromBig(((DerInteger)seq[0]).Value, n), .. Softoken.Crypto.Unsigned.FromBig(((DerInteger)seq[1]).Value, n)];
    }

    [Theory]
    [InlineData("1.2.840.10045.3.1.7", 32)]
    [InlineData("1.3.132.0.35", 66)]
    [InlineData("1.3.132.0.10", 32)]
    [InlineData("1.3.36.3.3.2.8.1.1.11", 48)]
    public void EcdsaVerifiesBothWays(string oid, int n)
    {
        var (pub, priv) = Pk.Generate(CKM.CKM_EC_KEY_PAIR_GEN, Pk.Template((CKA.CKA_EC_PARAMS, Pk.EncodedOid(oid))));
        var (key, pubKey) = Export(pub, priv, "ec");
        var message = RandomNumberGenerator.GetBytes(100);
        openssl.File("msg", message);
        openssl.File("ours.sig", ToDer(Pk.Sign(CKM.CKM_ECDSA_SHA256, priv, message)));
        openssl.Ok("dgst", "-sha256", "-verify", pubKey, "-signature", "ours.sig", "msg");
        openssl.Ok("dgst", "-sha384", "-sign", key, "-out", "theirs.sig", "msg");
        Assert.True(Pk.Verify(CKM.CKM_ECDSA_SHA384, pub, message, FromDer(openssl.Read("theirs.sig"), n)));
    }

    [Fact]
    public void EcdhAgreesWithOpenSsl()
    {
        var (pubA, privA) = TestKeys.P256;
        var (pubB, privB) = Pk.Generate(CKM.CKM_EC_KEY_PAIR_GEN, Pk.Template((CKA.CKA_EC_PARAMS, Pk.EncodedOid("1.2.840.10045.3.1.7"))));
        var (keyA, _) = Export(pubA, privA, "a");
        var (_, pubKeyB) = Export(pubB, privB, "b");
        openssl.Ok("pkeyutl", "-derive", "-inkey", keyA, "-peerkey", pubKeyB, "-out", "z");
        Assert.Equal(openssl.Read("z"), Pk.Derive(CKM.CKM_ECDH1_DERIVE, privB, new Ecdh1DeriveParameter(CKD.CKD_NULL, [], pubA.RequireBytes(CKA.CKA_EC_POINT))));
    }

    [Theory]
    [InlineData("1.3.101.112")]
    [InlineData("1.3.101.113")]
    public void EddsaVerifiesBothWays(string oid)
    {
        var (pub, priv) = Pk.Generate(CKM.CKM_EC_EDWARDS_KEY_PAIR_GEN, Pk.Template((CKA.CKA_EC_PARAMS, Pk.EncodedOid(oid))));
        var (key, pubKey) = Export(pub, priv, "ed");
        var message = RandomNumberGenerator.GetBytes(64);
        openssl.File("msg", message);
        openssl.File("ours.sig", Pk.Sign(CKM.CKM_EDDSA, priv, message));
        openssl.Ok("pkeyutl", "-verify", "-rawin", "-pubin", "-inkey", pubKey, "-in", "msg", "-sigfile", "ours.sig");
        openssl.Ok("pkeyutl", "-sign", "-rawin", "-inkey", key, "-in", "msg", "-out", "theirs.sig");
        Assert.Equal(openssl.Read("theirs.sig"), Pk.Sign(CKM.CKM_EDDSA, priv, message));
        Assert.True(Pk.Verify(CKM.CKM_EDDSA, pub, message, openssl.Read("theirs.sig")));
    }

    [Theory]
    [InlineData("1.3.101.110")]
    [InlineData("1.3.101.111")]
    public void MontgomeryAgreesWithOpenSsl(string oid)
    {
        var (pubA, privA) = Pk.Generate(CKM.CKM_EC_MONTGOMERY_KEY_PAIR_GEN, Pk.Template((CKA.CKA_EC_PARAMS, Pk.EncodedOid(oid))));
        var (pubB, privB) = Pk.Generate(CKM.CKM_EC_MONTGOMERY_KEY_PAIR_GEN, Pk.Template((CKA.CKA_EC_PARAMS, Pk.EncodedOid(oid))));
        var (keyA, _) = Export(pubA, privA, "a");
        var (_, pubKeyB) = Export(pubB, privB, "b");
        openssl.Ok("pkeyutl", "-derive", "-inkey", keyA, "-peerkey", pubKeyB, "-out", "z");
        Assert.Equal(openssl.Read("z"), Pk.Derive(CKM.CKM_ECDH1_DERIVE, privB, new Ecdh1DeriveParameter(CKD.CKD_NULL, [], pubA.RequireBytes(CKA.CKA_EC_POINT))));
    }

    [Fact]
    public void DsaVerifiesBothWays()
    {
        openssl.Ok("genpkey", "-genparam", "-algorithm", "DSA", "-pkeyopt", "dsa_paramgen_bits:2048", "-pkeyopt", "dsa_paramgen_q_bits:256", "-out", "params.pem");
        openssl.Ok("genpkey", "-paramfile", "params.pem", "-out", "dsa.pem");
        openssl.Ok("pkcs8", "-topk8", "-nocrypt", "-in", "dsa.pem", "-outform", "DER", "-out", "dsa.p8");
        openssl.Ok("pkey", "-in", "dsa.pem", "-pubout", "-out", "dsa.pub.pem");
        var priv = PrivateKeyInfoCodec.Decode(openssl.Read("dsa.p8"));
        var pub = PublicKeyDerivation.FromPrivate(priv);
        var message = RandomNumberGenerator.GetBytes(100);
        openssl.File("msg", message);
        openssl.File("ours.sig", ToDer(Pk.Sign(CKM.CKM_DSA_SHA256, priv, message)));
        openssl.Ok("dgst", "-sha256", "-verify", "dsa.pub.pem", "-signature", "ours.sig", "msg");
        openssl.Ok("dgst", "-sha256", "-sign", "dsa.pem", "-out", "theirs.sig", "msg");
        Assert.True(Pk.Verify(CKM.CKM_DSA_SHA256, pub, message, FromDer(openssl.Read("theirs.sig"), 32)));
    }
}
