using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Net.Pkcs11Interop.Common;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;

namespace Softoken.NativeTests.Infrastructure;

/// <summary>Realistic key material and certificates made in the test process (System.Security.Cryptography;
/// BouncyCastle for Ed25519 and X25519), and the PKCS #11 templates that import them.</summary>
internal static class TestKeys
{
    /// <summary>DER OBJECT IDENTIFIER prime256v1 (CKA_EC_PARAMS of a P-256 key).</summary>
    public static readonly byte[] P256Params = Convert.FromHexString("06082A8648CE3D030107");

    /// <summary>DER OBJECT IDENTIFIER id-Ed25519 (RFC 8410).</summary>
    public static readonly byte[] Ed25519Params = Convert.FromHexString("06032B6570");

    /// <summary>DER OBJECT IDENTIFIER id-X25519 (RFC 8410).</summary>
    public static readonly byte[] X25519Params = Convert.FromHexString("06032B656E");

    private static readonly Lazy<RSAParameters> RsaKey = new(() =>
    {
        using var rsa = RSA.Create(2048);
        return rsa.ExportParameters(true);
    });

    private static readonly Lazy<DSAParameters> DsaKey = new(() =>
    {
        using var dsa = DSA.Create(2048);
        return dsa.ExportParameters(true);
    });

    public static RSAParameters Rsa => RsaKey.Value;

    public static DSAParameters Dsa => DsaKey.Value;

    /// <summary>A fresh RSA key (for tests that need two different keys).</summary>
    public static RSAParameters NewRsa(int bits = 1024)
    {
        using var rsa = RSA.Create(bits);
        return rsa.ExportParameters(true);
    }

    /// <summary>Diffie-Hellman over the DSA group: x random below q, y = g^x mod p.</summary>
    public static (byte[] Prime, byte[] Base, byte[] Private, byte[] Public) Dh { get; } = MakeDh();

    public static ECParameters P256 { get; } = MakeP256();

    public static (byte[] Private, byte[] Public) Ed25519 { get; } = MakeEd25519();

    public static (byte[] Private, byte[] Public) X25519 { get; } = MakeX25519();

    /// <summary>CKA_EC_POINT: the point as a DER OCTET STRING (uncompressed for P-256, raw for the RFC 8410 curves).</summary>
    public static byte[] EcPoint(byte[] point)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteOctetString(point);
        return writer.Encode();
    }

    public static byte[] P256Point => EcPoint([0x04, .. P256.Q.X!, .. P256.Q.Y!]);

    private static (byte[], byte[], byte[], byte[]) MakeDh()
    {
        var p = Dsa.P!;
        var g = Dsa.G!;
        var q = new BigInteger(Dsa.Q, isUnsigned: true, isBigEndian: true);
        BigInteger x;
        do
        {
            x = new BigInteger(RandomNumberGenerator.GetBytes(Dsa.Q!.Length), isUnsigned: true, isBigEndian: true);
        }
        while (x < 2 || x >= q);
        var y = BigInteger.ModPow(new BigInteger(g, true, true), x, new BigInteger(p, true, true));
        return (p, g, x.ToByteArray(isUnsigned: true, isBigEndian: true), y.ToByteArray(isUnsigned: true, isBigEndian: true));
    }

    private static ECParameters MakeP256()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return ec.ExportParameters(true);
    }

    private static (byte[], byte[]) MakeEd25519()
    {
        var key = new Ed25519PrivateKeyParameters(new SecureRandom());
        return (key.GetEncoded(), key.GeneratePublicKey().GetEncoded());
    }

    private static (byte[], byte[]) MakeX25519()
    {
        var key = new X25519PrivateKeyParameters(new SecureRandom());
        return (key.GetEncoded(), key.GeneratePublicKey().GetEncoded());
    }

    /// <summary>The attributes that define a private key of each type (class and key type included).</summary>
    public static Attr[] PrivateKey(CKK keyType) => keyType switch
    {
        CKK.CKK_RSA => RsaPrivate(Rsa),
        CKK.CKK_DSA =>
        [
            Attr.Of(CKA.CKA_CLASS, CKO.CKO_PRIVATE_KEY), Attr.Of(CKA.CKA_KEY_TYPE, CKK.CKK_DSA),
            Attr.Of(CKA.CKA_PRIME, Dsa.P!), Attr.Of(CKA.CKA_SUBPRIME, Dsa.Q!), Attr.Of(CKA.CKA_BASE, Dsa.G!),
            Attr.Of(CKA.CKA_VALUE, Dsa.X!),
        ],
        CKK.CKK_DH =>
        [
            Attr.Of(CKA.CKA_CLASS, CKO.CKO_PRIVATE_KEY), Attr.Of(CKA.CKA_KEY_TYPE, CKK.CKK_DH),
            Attr.Of(CKA.CKA_PRIME, Dh.Prime), Attr.Of(CKA.CKA_BASE, Dh.Base), Attr.Of(CKA.CKA_VALUE, Dh.Private),
        ],
        CKK.CKK_EC =>
        [
            Attr.Of(CKA.CKA_CLASS, CKO.CKO_PRIVATE_KEY), Attr.Of(CKA.CKA_KEY_TYPE, CKK.CKK_EC),
            Attr.Of(CKA.CKA_EC_PARAMS, P256Params), Attr.Of(CKA.CKA_VALUE, P256.D!),
        ],
        _ => throw new ArgumentOutOfRangeException(nameof(keyType)),
    };

    /// <summary>Private keys by raw key type (for the v3.0 types Pkcs11Interop has no names for).</summary>
    public static Attr[] PrivateKey(ulong keyType) => keyType switch
    {
        Ck.CKK_EC_EDWARDS =>
        [
            Attr.Of(CKA.CKA_CLASS, CKO.CKO_PRIVATE_KEY), Attr.Of(CKA.CKA_KEY_TYPE, Ck.CKK_EC_EDWARDS),
            Attr.Of(CKA.CKA_EC_PARAMS, Ed25519Params), Attr.Of(CKA.CKA_VALUE, Ed25519.Private),
        ],
        Ck.CKK_EC_MONTGOMERY =>
        [
            Attr.Of(CKA.CKA_CLASS, CKO.CKO_PRIVATE_KEY), Attr.Of(CKA.CKA_KEY_TYPE, Ck.CKK_EC_MONTGOMERY),
            Attr.Of(CKA.CKA_EC_PARAMS, X25519Params), Attr.Of(CKA.CKA_VALUE, X25519.Private),
        ],
        _ => PrivateKey((CKK)keyType),
    };

    public static Attr[] PublicKey(ulong keyType) => keyType switch
    {
        (ulong)CKK.CKK_RSA =>
        [
            Attr.Of(CKA.CKA_CLASS, CKO.CKO_PUBLIC_KEY), Attr.Of(CKA.CKA_KEY_TYPE, CKK.CKK_RSA),
            Attr.Of(CKA.CKA_MODULUS, Rsa.Modulus!), Attr.Of(CKA.CKA_PUBLIC_EXPONENT, Rsa.Exponent!),
        ],
        (ulong)CKK.CKK_DSA =>
        [
            Attr.Of(CKA.CKA_CLASS, CKO.CKO_PUBLIC_KEY), Attr.Of(CKA.CKA_KEY_TYPE, CKK.CKK_DSA),
            Attr.Of(CKA.CKA_PRIME, Dsa.P!), Attr.Of(CKA.CKA_SUBPRIME, Dsa.Q!), Attr.Of(CKA.CKA_BASE, Dsa.G!),
            Attr.Of(CKA.CKA_VALUE, Dsa.Y!),
        ],
        (ulong)CKK.CKK_DH =>
        [
            Attr.Of(CKA.CKA_CLASS, CKO.CKO_PUBLIC_KEY), Attr.Of(CKA.CKA_KEY_TYPE, CKK.CKK_DH),
            Attr.Of(CKA.CKA_PRIME, Dh.Prime), Attr.Of(CKA.CKA_BASE, Dh.Base), Attr.Of(CKA.CKA_VALUE, Dh.Public),
        ],
        (ulong)CKK.CKK_EC =>
        [
            Attr.Of(CKA.CKA_CLASS, CKO.CKO_PUBLIC_KEY), Attr.Of(CKA.CKA_KEY_TYPE, CKK.CKK_EC),
            Attr.Of(CKA.CKA_EC_PARAMS, P256Params), Attr.Of(CKA.CKA_EC_POINT, P256Point),
        ],
        Ck.CKK_EC_EDWARDS =>
        [
            Attr.Of(CKA.CKA_CLASS, CKO.CKO_PUBLIC_KEY), Attr.Of(CKA.CKA_KEY_TYPE, Ck.CKK_EC_EDWARDS),
            Attr.Of(CKA.CKA_EC_PARAMS, Ed25519Params), Attr.Of(CKA.CKA_EC_POINT, EcPoint(Ed25519.Public)),
        ],
        Ck.CKK_EC_MONTGOMERY =>
        [
            Attr.Of(CKA.CKA_CLASS, CKO.CKO_PUBLIC_KEY), Attr.Of(CKA.CKA_KEY_TYPE, Ck.CKK_EC_MONTGOMERY),
            Attr.Of(CKA.CKA_EC_PARAMS, X25519Params), Attr.Of(CKA.CKA_EC_POINT, EcPoint(X25519.Public)),
        ],
        _ => throw new ArgumentOutOfRangeException(nameof(keyType)),
    };

    /// <summary>The secret attributes of each private key type, with the values the template above imports.</summary>
    public static (ulong Type, byte[] Value)[] PrivateSecrets(ulong keyType) => keyType switch
    {
        (ulong)CKK.CKK_RSA =>
        [
            ((ulong)CKA.CKA_PRIVATE_EXPONENT, Rsa.D!), ((ulong)CKA.CKA_PRIME_1, Rsa.P!), ((ulong)CKA.CKA_PRIME_2, Rsa.Q!),
            ((ulong)CKA.CKA_EXPONENT_1, Rsa.DP!), ((ulong)CKA.CKA_EXPONENT_2, Rsa.DQ!), ((ulong)CKA.CKA_COEFFICIENT, Rsa.InverseQ!),
        ],
        (ulong)CKK.CKK_DSA => [((ulong)CKA.CKA_VALUE, Dsa.X!)],
        (ulong)CKK.CKK_DH => [((ulong)CKA.CKA_VALUE, Dh.Private)],
        (ulong)CKK.CKK_EC => [((ulong)CKA.CKA_VALUE, P256.D!)],
        Ck.CKK_EC_EDWARDS => [((ulong)CKA.CKA_VALUE, Ed25519.Private)],
        Ck.CKK_EC_MONTGOMERY => [((ulong)CKA.CKA_VALUE, X25519.Private)],
        _ => throw new ArgumentOutOfRangeException(nameof(keyType)),
    };

    public static Attr[] RsaPrivate(RSAParameters k) =>
    [
        Attr.Of(CKA.CKA_CLASS, CKO.CKO_PRIVATE_KEY), Attr.Of(CKA.CKA_KEY_TYPE, CKK.CKK_RSA),
        Attr.Of(CKA.CKA_MODULUS, k.Modulus!), Attr.Of(CKA.CKA_PUBLIC_EXPONENT, k.Exponent!),
        Attr.Of(CKA.CKA_PRIVATE_EXPONENT, k.D!), Attr.Of(CKA.CKA_PRIME_1, k.P!), Attr.Of(CKA.CKA_PRIME_2, k.Q!),
        Attr.Of(CKA.CKA_EXPONENT_1, k.DP!), Attr.Of(CKA.CKA_EXPONENT_2, k.DQ!), Attr.Of(CKA.CKA_COEFFICIENT, k.InverseQ!),
    ];

    public static Attr[] Secret(ulong keyType, byte[] value) =>
        [Attr.Of(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY), Attr.Of(CKA.CKA_KEY_TYPE, keyType), Attr.Of(CKA.CKA_VALUE, value)];

    public static Attr[] Aes(byte[]? value = null) => Secret((ulong)CKK.CKK_AES, value ?? RandomNumberGenerator.GetBytes(32));

    /// <summary>A certificate issued by a throwaway CA: the DER, and the issuer, subject and serial number (the DER
    /// INTEGER, as NSS and Softoken store CKA_SERIAL_NUMBER).</summary>
    public sealed record Certificate(byte[] Der, byte[] Issuer, byte[] Subject, byte[] Serial)
    {
        public Attr[] Template(params Attr[] extra) =>
        [
            Attr.Of(CKA.CKA_CLASS, CKO.CKO_CERTIFICATE), Attr.Of(CKA.CKA_CERTIFICATE_TYPE, CKC.CKC_X_509),
            Attr.Of(CKA.CKA_VALUE, Der), .. extra,
        ];
    }

    private static readonly Lazy<ECDsa> CaKey = new(() => ECDsa.Create(ECCurve.NamedCurves.nistP256));

    public static Certificate MakeCertificate(string subject, byte[]? serial = null, string issuer = "CN=Softoken Test CA, O=Softoken")
    {
        serial ??= RandomNumberGenerator.GetBytes(12);
        serial[0] = (byte)(1 + serial[0] % 0x7F);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        var issuerName = new X500DistinguishedName(issuer);
        using var cert = request.Create(issuerName, X509SignatureGenerator.CreateForECDsa(CaKey.Value),
            DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(365), serial);
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteInteger(serial);
        return new Certificate(cert.RawData, issuerName.RawData, cert.SubjectName.RawData, writer.Encode());
    }
}
