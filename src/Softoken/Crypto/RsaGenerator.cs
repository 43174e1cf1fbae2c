using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Softoken.Mechanisms;
using Softoken.Objects;
using Softoken.Pkcs11;

namespace Softoken.Crypto;

/// <summary>CKM_RSA_PKCS_KEY_PAIR_GEN: OpenSSL for e = 65537 and whole-byte moduli (what .NET can ask for),
/// BouncyCastle otherwise; then a pairwise sign/verify check.</summary>
internal static class RsaGenerator
{
    public const int MinBits = 1024;
    public const int MaxBits = 16384;
    private static readonly byte[] F4 = [0x01, 0x00, 0x01];

    public static KeyPairMaterial Generate(KeyPairRequest request)
    {
        ulong bits = request.PublicTemplate.RequireUlong(CKA.CKA_MODULUS_BITS);
        if (bits < MinBits || bits > MaxBits) throw new Pkcs11Exception(CKR.CKR_KEY_SIZE_RANGE);
        var exponent = request.PublicTemplate.Bytes(CKA.CKA_PUBLIC_EXPONENT) is { Length: > 0 } e ? Unsigned.Strip(e).ToArray() : F4;
        if ((exponent[^1] & 1) == 0 || Unsigned.BitLength(exponent) < 2 || Unsigned.BitLength(exponent) > 64)
            throw new Pkcs11Exception(CKR.CKR_ATTRIBUTE_VALUE_INVALID, "CKA_PUBLIC_EXPONENT");

        var material = exponent.AsSpan().SequenceEqual(F4) && bits % 8 == 0
            ? OnPlatform((int)bits)
            : OnBouncy((int)bits, exponent, request.Random);
        PairwiseCheck(material, request.Random);
        return material;
    }

    private static KeyPairMaterial OnPlatform(int bits)
    {
        var rsa = RSA.Create(bits);
        var p = rsa.ExportParameters(true);
        try
        {
            var material = Build(p.Modulus!, p.Exponent!, p.D!, p.P!, p.Q!, p.DP!, p.DQ!, p.InverseQ!);
            // Hand the freshly generated OpenSSL key to the cache so the first signature need not import it.
            using (var key = RsaKey.Private(material.Private)) RsaKey.Adopt(key, rsa);
            return material;
        }
        finally
        {
            foreach (var a in new[] { p.D, p.P, p.Q, p.DP, p.DQ, p.InverseQ }) if (a is not null) CryptographicOperations.ZeroMemory(a);
        }
    }

    private static KeyPairMaterial OnBouncy(int bits, byte[] exponent, RandomSource random)
    {
        var generator = new RsaKeyPairGenerator();
        generator.Init(new RsaKeyGenerationParameters(Unsigned.ToBig(exponent), BouncyRandom.For(random), bits, 112));
        var k = (RsaPrivateCrtKeyParameters)generator.GenerateKeyPair().Private;
        return Build(Unsigned.FromBig(k.Modulus), Unsigned.FromBig(k.PublicExponent), Unsigned.FromBig(k.Exponent),
            Unsigned.FromBig(k.P), Unsigned.FromBig(k.Q), Unsigned.FromBig(k.DP), Unsigned.FromBig(k.DQ), Unsigned.FromBig(k.QInv));
    }

    private static KeyPairMaterial Build(byte[] n, byte[] e, byte[] d, byte[] p, byte[] q, byte[] dp, byte[] dq, byte[] qinv)
    {
        var modulus = Unsigned.Strip(n).ToArray();
        var exponent = Unsigned.Strip(e).ToArray();
        var id = KeyChecks.Sha1Id(modulus);
        var pub = new AttributeSet();
        pub.SetUlong(CKA.CKA_KEY_TYPE, (ulong)CKK.CKK_RSA);
        pub.Set(CKA.CKA_MODULUS, modulus);
        pub.Set(CKA.CKA_PUBLIC_EXPONENT, exponent);
        pub.SetUlong(CKA.CKA_MODULUS_BITS, (ulong)Unsigned.BitLength(modulus));
        pub.Set(CKA.CKA_ID, id);
        var priv = new AttributeSet();
        priv.SetUlong(CKA.CKA_KEY_TYPE, (ulong)CKK.CKK_RSA);
        priv.Set(CKA.CKA_MODULUS, (byte[])modulus.Clone());
        priv.Set(CKA.CKA_PUBLIC_EXPONENT, (byte[])exponent.Clone());
        priv.Set(CKA.CKA_PRIVATE_EXPONENT, Unsigned.Strip(d).ToArray());
        priv.Set(CKA.CKA_PRIME_1, Unsigned.Strip(p).ToArray());
        priv.Set(CKA.CKA_PRIME_2, Unsigned.Strip(q).ToArray());
        priv.Set(CKA.CKA_EXPONENT_1, Unsigned.Strip(dp).ToArray());
        priv.Set(CKA.CKA_EXPONENT_2, Unsigned.Strip(dq).ToArray());
        priv.Set(CKA.CKA_COEFFICIENT, Unsigned.Strip(qinv).ToArray());
        priv.Set(CKA.CKA_ID, (byte[])id.Clone());
        return new KeyPairMaterial(pub, priv);
    }

    /// <summary>FIPS 140-3 IG 10.3.A pairwise consistency: sign a digest with the private half, verify with the public.</summary>
    private static void PairwiseCheck(KeyPairMaterial material, RandomSource random)
    {
        var digest = new byte[32];
        random.Fill(digest);
        var secure = BouncyRandom.For(random);
        using var signer = new RsaPkcs1Scheme(RsaKey.Private(material.Private), HashSpecs.Sha256, secure);
        using var verifier = new RsaPkcs1Scheme(RsaKey.Public(material.Public), HashSpecs.Sha256, secure);
        var signature = new byte[signer.SignatureLength];
        signer.Sign(digest, signature);
        if (!verifier.Verify(digest, signature)) throw new Pkcs11Exception(CKR.CKR_GENERAL_ERROR, "pairwise consistency check");
    }
}
