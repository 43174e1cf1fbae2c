using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Agreement;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Softoken.Mechanisms;
using Softoken.Mechanisms.Parameters;
using Softoken.Objects;
using Softoken.Pkcs11;

namespace Softoken.Crypto;

/// <summary>PKCS #3 Diffie-Hellman (PKCS #11 v3.0 section 2.5) on BouncyCastle: parameter generation, key pairs
/// and derivation.</summary>
internal static class DhKeys
{
    public const int MinPrimeBits = 512;
    public const int MaxPrimeBits = 16384;

    /// <summary>Safe-prime search grows steeply with size; beyond 4096 bits it would not finish in useful time.</summary>
    public const int MaxGeneratedPrimeBits = 4096;

    /// <summary>CKM_DH_PKCS_PARAMETER_GEN: a safe prime of CKA_PRIME_BITS and a generator.</summary>
    public static AttributeSet GenerateParameters(KeyGenRequest request)
    {
        ulong bits = request.Template.RequireUlong(CKA.CKA_PRIME_BITS);
        if (bits < MinPrimeBits || bits > MaxGeneratedPrimeBits) throw new Pkcs11Exception(CKR.CKR_KEY_SIZE_RANGE);
        var generator = new DHParametersGenerator();
        generator.Init((int)bits, 80, BouncyRandom.For(request.Random));
        var parameters = generator.GenerateParameters();
        var result = new AttributeSet();
        result.SetUlong(CKA.CKA_CLASS, (ulong)CKO.CKO_DOMAIN_PARAMETERS);
        result.SetUlong(CKA.CKA_KEY_TYPE, (ulong)CKK.CKK_DH);
        result.Set(CKA.CKA_PRIME, Unsigned.FromBig(parameters.P));
        result.Set(CKA.CKA_BASE, Unsigned.FromBig(parameters.G));
        result.SetUlong(CKA.CKA_PRIME_BITS, (ulong)parameters.P.BitLength);
        return result;
    }

    /// <summary>CKM_DH_PKCS_KEY_PAIR_GEN on the public template's CKA_PRIME and CKA_BASE. The private value has
    /// CKA_VALUE_BITS bits when the private template says so, else softokn's choice of twice the prime's security
    /// strength (at least 160 bits).</summary>
    public static KeyPairMaterial GenerateKeyPair(KeyPairRequest request)
    {
        var p = Unsigned.ToBig(request.PublicTemplate.RequireBytes(CKA.CKA_PRIME));
        var g = Unsigned.ToBig(request.PublicTemplate.RequireBytes(CKA.CKA_BASE));
        CheckDomain(p, g);
        int l = request.PrivateTemplate.Ulong(CKA.CKA_VALUE_BITS) is { } vb ? checked((int)vb) : DefaultPrivateBits(p.BitLength);
        if (l < 2 || l >= p.BitLength) throw new Pkcs11Exception(CKR.CKR_ATTRIBUTE_VALUE_INVALID, "CKA_VALUE_BITS");
        var generator = new DHKeyPairGenerator();
        generator.Init(new DHKeyGenerationParameters(BouncyRandom.For(request.Random), new DHParameters(p, g, null, l)));
        var pair = generator.GenerateKeyPair();
        var x = ((DHPrivateKeyParameters)pair.Private).X;
        var y = Unsigned.FromBig(((DHPublicKeyParameters)pair.Public).Y);
        var id = KeyChecks.Sha1Id(y);

        var pub = new AttributeSet();
        pub.SetUlong(CKA.CKA_KEY_TYPE, (ulong)CKK.CKK_DH);
        pub.Set(CKA.CKA_PRIME, Unsigned.FromBig(p));
        pub.Set(CKA.CKA_BASE, Unsigned.FromBig(g));
        pub.Set(CKA.CKA_VALUE, y);
        pub.Set(CKA.CKA_ID, id);
        var priv = new AttributeSet();
        priv.SetUlong(CKA.CKA_KEY_TYPE, (ulong)CKK.CKK_DH);
        priv.Set(CKA.CKA_PRIME, Unsigned.FromBig(p));
        priv.Set(CKA.CKA_BASE, Unsigned.FromBig(g));
        priv.Set(CKA.CKA_VALUE, Unsigned.FromBig(x));
        priv.SetUlong(CKA.CKA_VALUE_BITS, (ulong)x.BitLength);
        priv.Set(CKA.CKA_ID, (byte[])id.Clone());
        return new KeyPairMaterial(pub, priv);
    }

    /// <summary>CKM_DH_PKCS_DERIVE: the parameter is the peer's public value. softokn's rules: the peer value must
    /// lie in [2, p-2], the secret must not be 1 or p-1; the secret is its minimal big-endian encoding, or, with a
    /// length from the template, its least significant bytes (zero-padded).</summary>
    public static DeriveResult Derive(DeriveRequest request)
    {
        if (request.Parameter is not BytesParameter { Value.Length: > 0 } peer) throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID);
        var key = request.BaseKey;
        KeyChecks.RequireType(key, CKK.CKK_DH);
        KeyChecks.RequirePrivate(key, CKA.CKA_VALUE);
        var p = Unsigned.ToBig(key.RequireBytes(CKA.CKA_PRIME));
        var g = Unsigned.ToBig(key.RequireBytes(CKA.CKA_BASE));
        CheckDomain(p, g);
        var parameters = new DHParameters(p, g);
        var x = Unsigned.ToBig(key.RequireBytes(CKA.CKA_VALUE));
        var y = Unsigned.ToBig(peer.Value);
        var pMinus1 = p.Subtract(BigInteger.One);
        if (y.CompareTo(BigInteger.One) <= 0 || y.CompareTo(pMinus1) >= 0)
            throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID, "DH public value out of range");
        BigInteger z;
        try
        {
            var agreement = new DHBasicAgreement();
            agreement.Init(new DHPrivateKeyParameters(x, parameters));
            z = agreement.CalculateAgreement(new DHPublicKeyParameters(y, parameters));
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID, "DH public value");
        }
        if (z.Equals(pMinus1)) throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID, "DH secret of order 2");
        var value = KeyChecks.FitRight(Unsigned.FromBig(z), KeyChecks.DerivedKeyLength(request.Template));
        var result = new AttributeSet();
        result.Set(CKA.CKA_VALUE, value);
        return new DeriveResult(result);
    }

    private static void CheckDomain(BigInteger p, BigInteger g)
    {
        if (p.BitLength < MinPrimeBits || p.BitLength > MaxPrimeBits) throw new Pkcs11Exception(CKR.CKR_KEY_SIZE_RANGE);
        if (!p.TestBit(0) || g.CompareTo(BigInteger.One) <= 0 || g.CompareTo(p.Subtract(BigInteger.One)) >= 0)
            throw new Pkcs11Exception(CKR.CKR_DOMAIN_PARAMS_INVALID);
    }

    private static int DefaultPrivateBits(int primeBits) => primeBits switch
    {
        <= 1024 => 160,
        <= 2048 => 224,
        <= 3072 => 256,
        <= 7680 => 384,
        _ => 512,
    };
}
