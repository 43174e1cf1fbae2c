using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Softoken.Mechanisms;
using Softoken.Objects;
using Softoken.Pkcs11;

namespace Softoken.Crypto;

/// <summary>CKM_DSA_PARAMETER_GEN and CKM_DSA_KEY_PAIR_GEN on BouncyCastle.</summary>
internal static class DsaGenerator
{
    /// <summary>Domain parameters of CKA_PRIME_BITS (and optionally CKA_SUBPRIME_BITS): FIPS 186-2 for L up to 1024
    /// (a multiple of 64, N = 160), FIPS 186-4 A.1.1.2 for (2048, 224), (2048, 256) and (3072, 256). Without
    /// CKA_SUBPRIME_BITS, N follows softokn: 160, 224 for L = 2048, 256 for L = 3072.</summary>
    public static AttributeSet GenerateParameters(KeyGenRequest request)
    {
        int l = checked((int)request.Template.RequireUlong(CKA.CKA_PRIME_BITS));
        int n = request.Template.Ulong(CKA.CKA_SUBPRIME_BITS) is { } sub ? checked((int)sub) : l <= 1024 ? 160 : l <= 2048 ? 224 : 256;
        var random = BouncyRandom.For(request.Random);
        DsaParameters parameters;
        if (l >= 512 && l <= 1024 && l % 64 == 0 && n == 160)
        {
            var generator = new DsaParametersGenerator();
            generator.Init(l, 80, random);
            parameters = generator.GenerateParameters();
        }
        else if ((l == 2048 && (n == 224 || n == 256)) || (l == 3072 && n == 256))
        {
            var generator = new DsaParametersGenerator(new Sha256Digest());
            generator.Init(new DsaParameterGenerationParameters(l, n, 80, random));
            parameters = generator.GenerateParameters();
        }
        else
        {
            throw new Pkcs11Exception(CKR.CKR_KEY_SIZE_RANGE, $"DSA ({l}, {n})");
        }
        var result = new AttributeSet();
        result.SetUlong(CKA.CKA_CLASS, (ulong)CKO.CKO_DOMAIN_PARAMETERS);
        result.SetUlong(CKA.CKA_KEY_TYPE, (ulong)CKK.CKK_DSA);
        result.Set(CKA.CKA_PRIME, Unsigned.FromBig(parameters.P));
        result.Set(CKA.CKA_SUBPRIME, Unsigned.FromBig(parameters.Q));
        result.Set(CKA.CKA_BASE, Unsigned.FromBig(parameters.G));
        result.SetUlong(CKA.CKA_PRIME_BITS, (ulong)parameters.P.BitLength);
        return result;
    }

    /// <summary>A key pair on the domain parameters of the public template, with a pairwise sign/verify check.</summary>
    public static KeyPairMaterial GenerateKeyPair(KeyPairRequest request)
    {
        using var domain = DsaKey.Domain(request.PublicTemplate);
        var parameters = domain.BouncyParameters();
        if (parameters.G.CompareTo(Org.BouncyCastle.Math.BigInteger.One) <= 0 || parameters.G.CompareTo(parameters.P) >= 0)
            throw new Pkcs11Exception(CKR.CKR_DOMAIN_PARAMS_INVALID);

        var generator = new DsaKeyPairGenerator();
        generator.Init(new DsaKeyGenerationParameters(BouncyRandom.For(request.Random), parameters));
        var pair = generator.GenerateKeyPair();
        var y = Unsigned.FromBig(((DsaPublicKeyParameters)pair.Public).Y);
        var x = Unsigned.FromBig(((DsaPrivateKeyParameters)pair.Private).X);

        var id = KeyChecks.Sha1Id(y);
        var pub = Half(domain, y, id);
        var priv = Half(domain, x, (byte[])id.Clone());
        var material = new KeyPairMaterial(pub, priv);

        var digest = new byte[32];
        request.Random.Fill(digest);
        var secure = BouncyRandom.For(request.Random);
        priv.SetUlong(CKA.CKA_CLASS, (ulong)CKO.CKO_PRIVATE_KEY);
        using (var signer = new DsaScheme(DsaKey.Private(priv), secure))
        {
            pub.SetUlong(CKA.CKA_CLASS, (ulong)CKO.CKO_PUBLIC_KEY);
            using var verifier = new DsaScheme(DsaKey.Public(pub), secure);
            var signature = new byte[signer.SignatureLength];
            signer.Sign(digest, signature);
            if (!verifier.Verify(digest, signature)) throw new Pkcs11Exception(CKR.CKR_GENERAL_ERROR, "pairwise consistency check");
        }
        priv.Remove(CKA.CKA_CLASS);
        pub.Remove(CKA.CKA_CLASS);
        return material;
    }

    private static AttributeSet Half(DsaKey domain, byte[] value, byte[] id)
    {
        var half = new AttributeSet();
        half.SetUlong(CKA.CKA_KEY_TYPE, (ulong)CKK.CKK_DSA);
        half.Set(CKA.CKA_PRIME, (byte[])domain.P.Clone());
        half.Set(CKA.CKA_SUBPRIME, (byte[])domain.Q.Clone());
        half.Set(CKA.CKA_BASE, (byte[])domain.G.Clone());
        half.Set(CKA.CKA_VALUE, value);
        half.Set(CKA.CKA_ID, id);
        return half;
    }
}
