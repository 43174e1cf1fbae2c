using System.Security.Cryptography;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Softoken.Mechanisms;
using Softoken.Pkcs11;

namespace Softoken.Crypto;

/// <summary>CKM_EC_KEY_PAIR_GEN on the named Weierstrass curves: OpenSSL where .NET reaches the curve,
/// BouncyCastle otherwise; then a pairwise sign/verify check, which NSS's
/// CKM_NSS_ECDHE_NO_PAIRWISE_CHECK_KEY_PAIR_GEN skips (an ephemeral TLS ECDHE key, used for one handshake: NIST SP
/// 800-56A lets such keys go without it).</summary>
internal static class EcGenerator
{
    public static KeyPairMaterial Generate(KeyPairRequest request) => Generate(request, pairwiseCheck: true);

    public static KeyPairMaterial GenerateWithoutPairwiseCheck(KeyPairRequest request) => Generate(request, pairwiseCheck: false);

    private static KeyPairMaterial Generate(KeyPairRequest request, bool pairwiseCheck)
    {
        var ecParams = request.PublicTemplate.RequireBytes(CKA.CKA_EC_PARAMS);
        var curve = EcCurves.Parse(ecParams, CurveKind.Weierstrass);
        byte[] d, q;
        ECDsa? generated = null;
        if (curve.UsePlatform)
        {
            generated = ECDsa.Create(curve.PlatformCurve);
            var p = generated.ExportParameters(true);
            d = Unsigned.PadLeft(p.D!, curve.OrderLength);
            CryptographicOperations.ZeroMemory(p.D);
            q = [0x04, .. p.Q.X!, .. p.Q.Y!];
        }
        else
        {
            var generator = new ECKeyPairGenerator();
            generator.Init(new ECKeyGenerationParameters(new DerObjectIdentifier(curve.Oid), BouncyRandom.For(request.Random)));
            var pair = generator.GenerateKeyPair();
            d = Unsigned.FromBig(((ECPrivateKeyParameters)pair.Private).D, curve.OrderLength);
            q = ((ECPublicKeyParameters)pair.Public).Q.GetEncoded(false);
        }

        var material = KeyPairs.Build(CKK.CKK_EC, ecParams, d, q);
        var priv = material.Private;

        if (generated is not null)
        {
            using var key = EcKey.Private(priv);
            EcKey.Adopt(key, generated);
        }
        if (pairwiseCheck) PairwiseCheck(material, request.Random);
        return material;
    }

    /// <summary>Signs a random digest with the new private key and verifies it. On OpenSSL's curves the verifier is
    /// the generated OpenSSL key itself (whose public point is the CKA_EC_POINT just exported): importing the
    /// public key again would cost .NET's key check, a multiplication by the group order, more than the sign and
    /// verify together. On BouncyCastle's curves it is the public key object's point, decoded and kept for later
    /// verifications.</summary>
    private static void PairwiseCheck(KeyPairMaterial material, RandomSource random)
    {
        var curve = EcCurves.OfKey(material.Public, CurveKind.Weierstrass);
        var digest = new byte[32];
        random.Fill(digest);
        var secure = BouncyRandom.For(random);
        using var signer = new EcdsaScheme(EcKey.Private(material.Private), secure);
        using var verifier = curve.UsePlatform ? new EcdsaScheme(EcKey.Private(material.Private), secure)
            : new EcdsaScheme(EcKey.Public(material.Public), secure);
        var signature = new byte[signer.SignatureLength];
        signer.Sign(digest, signature);
        if (!verifier.Verify(digest, signature)) throw new Pkcs11Exception(CKR.CKR_GENERAL_ERROR, "pairwise consistency check");
    }
}
