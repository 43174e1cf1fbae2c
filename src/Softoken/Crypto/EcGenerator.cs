using System.Security.Cryptography;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math.EC.Multiplier;
using Softoken.Mechanisms;
using Softoken.Pkcs11;

namespace Softoken.Crypto;

/// <summary>CKM_EC_KEY_PAIR_GEN on the named Weierstrass curves: OpenSSL where .NET reaches the curve,
/// BouncyCastle otherwise; then a consistency check of the new pair, which NSS's
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
        if (pairwiseCheck)
        {
            if (curve.UsePlatform && curve.BouncyFixedField) KeyPairCheck(curve, d, q);
            else PairwiseCheck(material, request.Random);
        }
        return material;
    }

    /// <summary>The check of a pair OpenSSL generated on a curve BouncyCastle has fixed-size field code for (P-256,
    /// P-521): BouncyCastle computes d*G again (with its fixed-point comb multiplier, whose table of multiples of G
    /// stays with the curve's cached domain parameters) and the result must be the point that goes into
    /// CKA_EC_POINT. This is SP 800-56A rev. 3 section 5.6.2.1.4 (b), the owner's assurance of pair-wise
    /// consistency, run on the values the objects receive and in the other library; softokn's sign-and-verify
    /// check, which the OpenSSL key can only make on its own copy of Q, never looks at those bytes. Measured on
    /// P-256 (CPU per C_GenerateKeyPair, interleaved runs on a loaded machine): the same within noise (medians
    /// 391 and 382 us; callgrind: 2.79 and 3.00 million instructions), so the stronger check costs nothing. No
    /// cheaper real check exists through .NET: its generation already runs OpenSSL's EC_KEY_check_key (a
    /// multiplication by the order and d*G compared with Q, ~100 us of the ~110 us ECDsa.Create takes), which this
    /// token cannot observe or test, and importing d to have OpenSSL compute Q runs that check again. Dropping the
    /// check (SoftHSMv2 has none) is not an option for CKM_EC_KEY_PAIR_GEN; only NSS's ECDHE row skips it.</summary>
    internal static void KeyPairCheck(EcCurve curve, byte[] d, byte[] q)
    {
        var computed = new FixedPointCombMultiplier().Multiply(curve.Bouncy.G, Unsigned.ToBig(d)).Normalize().GetEncoded(false);
        if (!CryptographicOperations.FixedTimeEquals(computed, q))
            throw new Pkcs11Exception(CKR.CKR_GENERAL_ERROR, "EC key pair consistency check");
    }

    /// <summary>The check elsewhere: signs a random digest with the new private key and verifies it. On BouncyCastle's
    /// curves the verifier is the public key object's point (decoded and kept for later verifications): recomputing
    /// d*G would repeat the generator's own multiplication in the same library. On OpenSSL's curves without
    /// BouncyCastle field code (brainpool) the verifier is the generated OpenSSL key itself (importing the public
    /// key again would cost .NET's key check); BouncyCastle's generic comb costs 1.2-1.7 times this sign and verify
    /// there.</summary>
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
