using System.Security.Cryptography;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto.EC;
using Softoken.Pkcs11;

namespace Softoken.Crypto;

internal enum CurveKind
{
    /// <summary>Short Weierstrass curves: CKK_EC, ECDSA and ECDH.</summary>
    Weierstrass,
    /// <summary>Ed25519 / Ed448: CKK_EC_EDWARDS, EdDSA.</summary>
    Edwards,
    /// <summary>X25519 / X448: CKK_EC_MONTGOMERY, ECDH.</summary>
    Montgomery,
}

/// <summary>One named curve: how CKA_EC_PARAMS names it, its sizes, and its two implementations.</summary>
internal sealed class EcCurve
{
    private readonly Lazy<X9ECParameters?> bouncy;
    private readonly Lazy<bool> platform;

    public EcCurve(string name, string oid, CurveKind kind, int fieldBits, int orderBits, int publicLength, params string[] printableNames)
    {
        Name = name;
        Oid = oid;
        Kind = kind;
        FieldBits = fieldBits;
        OrderBits = orderBits;
        PublicLength = publicLength;
        PrintableNames = printableNames;
        EncodedOid = new DerObjectIdentifier(oid).GetDerEncoded();
        bouncy = new(() => kind == CurveKind.Weierstrass
            ? CustomNamedCurves.GetByOid(new DerObjectIdentifier(oid)) ?? ECNamedCurveTable.GetByOid(new DerObjectIdentifier(oid))
            : null);
        platform = new(() => kind == CurveKind.Weierstrass && ProbePlatform(oid));
    }

    public string Name { get; }

    public string Oid { get; }

    public CurveKind Kind { get; }

    /// <summary>The field size in bits: the key size PKCS #11 reports for EC keys.</summary>
    public int FieldBits { get; }

    public int OrderBits { get; }

    /// <summary>Bytes of one coordinate (and of the ECDH shared secret).</summary>
    public int CoordinateLength => (FieldBits + 7) / 8;

    /// <summary>Bytes of the private scalar, and of r and of s in an ECDSA signature.</summary>
    public int OrderLength => (OrderBits + 7) / 8;

    /// <summary>The raw public key length: 1 + 2 coordinates for Weierstrass curves (uncompressed), 32/57 for
    /// Ed25519/Ed448, 32/56 for X25519/X448.</summary>
    public int PublicLength { get; }

    public IReadOnlyList<string> PrintableNames { get; }

    /// <summary>CKA_EC_PARAMS as this token writes it: the DER of the curve OID.</summary>
    public byte[] EncodedOid { get; }

    public X9ECParameters Bouncy => bouncy.Value ?? throw new Pkcs11Exception(CKR.CKR_CURVE_NOT_SUPPORTED);

    /// <summary>Whether BouncyCastle has fixed-size field arithmetic for this curve (its custom curves: P-256, P-384,
    /// P-521, secp256k1), not only its generic big-integer curve code (brainpool).</summary>
    public bool BouncyFixedField => Bouncy.Curve is not Org.BouncyCastle.Math.EC.FpCurve;

    /// <summary>Whether .NET (OpenSSL) handles this curve; probed once.</summary>
    public bool OnPlatform => platform.Value;

    /// <summary>BouncyCastle is the faster of the two on this curve, even though OpenSSL knows it.</summary>
    public bool BouncyFirst { get; init; }

    /// <summary>Whether ECDSA, ECDH and key generation on this curve go to OpenSSL (through .NET).</summary>
    public bool UsePlatform => !BouncyFirst && OnPlatform;

    public ECCurve PlatformCurve => ECCurve.CreateFromValue(Oid);

    private static bool ProbePlatform(string oid)
    {
        try
        {
            using var key = ECDsa.Create(ECCurve.CreateFromValue(oid));
            return key.KeySize > 0;
        }
        catch (Exception e) when (e is CryptographicException or PlatformNotSupportedException)
        {
            return false;
        }
    }
}

/// <summary>The curves this token supports, and CKA_EC_PARAMS parsing (PKCS #11 v3.0 section 2.3.3: an
/// ecParameters choice of namedCurve OID, or for Edwards and Montgomery curves a PrintableString curve name).</summary>
internal static class EcCurves
{
    public static readonly EcCurve P256 = new("secp256r1", "1.2.840.10045.3.1.7", CurveKind.Weierstrass, 256, 256, 65, "prime256v1", "P-256");
    // OpenSSL 3.0 has dedicated code for P-256 (nistz256) and P-521 (nistp521), not for P-384 or secp256k1, which
    // go through its generic bignum arithmetic; BouncyCastle has fixed-size field code for both (and the GLV
    // endomorphism for secp256k1). CPU time per operation in this process, OpenSSL through .NET against
    // BouncyCastle: P-384 sign 950 / 435 us, verify 745 / 620, key generation 2,070 / 315, ECDH 2,570 / 850 (with
    // .NET's import of the peer); secp256k1 sign 480 / 275, verify 580 / 250. On P-256, P-521 and the brainpool
    // curves OpenSSL is the faster.
    public static readonly EcCurve P384 = new("secp384r1", "1.3.132.0.34", CurveKind.Weierstrass, 384, 384, 97, "P-384") { BouncyFirst = true };
    public static readonly EcCurve P521 = new("secp521r1", "1.3.132.0.35", CurveKind.Weierstrass, 521, 521, 133, "P-521");
    public static readonly EcCurve Secp256k1 = new("secp256k1", "1.3.132.0.10", CurveKind.Weierstrass, 256, 256, 65) { BouncyFirst = true };
    public static readonly EcCurve BrainpoolP256r1 = new("brainpoolP256r1", "1.3.36.3.3.2.8.1.1.7", CurveKind.Weierstrass, 256, 256, 65);
    public static readonly EcCurve BrainpoolP320r1 = new("brainpoolP320r1", "1.3.36.3.3.2.8.1.1.9", CurveKind.Weierstrass, 320, 320, 81);
    public static readonly EcCurve BrainpoolP384r1 = new("brainpoolP384r1", "1.3.36.3.3.2.8.1.1.11", CurveKind.Weierstrass, 384, 384, 97);
    public static readonly EcCurve BrainpoolP512r1 = new("brainpoolP512r1", "1.3.36.3.3.2.8.1.1.13", CurveKind.Weierstrass, 512, 512, 129);
    public static readonly EcCurve Ed25519 = new("Ed25519", "1.3.101.112", CurveKind.Edwards, 255, 253, 32, "edwards25519", "ed25519");
    public static readonly EcCurve Ed448 = new("Ed448", "1.3.101.113", CurveKind.Edwards, 448, 446, 57, "edwards448", "ed448");
    public static readonly EcCurve X25519 = new("X25519", "1.3.101.110", CurveKind.Montgomery, 255, 253, 32, "curve25519", "x25519");
    public static readonly EcCurve X448 = new("X448", "1.3.101.111", CurveKind.Montgomery, 448, 446, 56, "curve448", "x448");

    public static readonly IReadOnlyList<EcCurve> All =
    [
        P256, P384, P521, Secp256k1, BrainpoolP256r1, BrainpoolP320r1, BrainpoolP384r1, BrainpoolP512r1, Ed25519, Ed448, X25519, X448,
    ];

    public static EcCurve? FromOid(string oid) => All.FirstOrDefault(c => c.Oid == oid);

    /// <summary>The curve CKA_EC_PARAMS names, which must be of <paramref name="kind"/>. Unknown or explicit
    /// (specifiedCurve) parameters are CKR_CURVE_NOT_SUPPORTED; bytes that are not DER are CKR_DOMAIN_PARAMS_INVALID.</summary>
    public static EcCurve Parse(ReadOnlySpan<byte> ecParams, CurveKind kind)
    {
        // The common case, a named curve's OID in the DER this token writes, without an ASN.1 parse (every EC
        // operation reads its key's curve).
        foreach (var known in All)
        {
            if (known.Kind == kind && ecParams.SequenceEqual(known.EncodedOid)) return known;
        }
        Asn1Object parsed;
        try
        {
            parsed = Asn1Object.FromByteArray(ecParams.ToArray());
        }
        catch (Exception e) when (e is IOException or ArgumentException or InvalidOperationException)
        {
            throw new Pkcs11Exception(CKR.CKR_DOMAIN_PARAMS_INVALID, "CKA_EC_PARAMS");
        }
        var curve = parsed switch
        {
            DerObjectIdentifier oid => FromOid(oid.Id),
            DerPrintableString name => All.FirstOrDefault(c => c.Kind != CurveKind.Weierstrass
                && c.PrintableNames.Any(n => string.Equals(n, name.GetString(), StringComparison.OrdinalIgnoreCase))),
            _ => null,
        };
        if (curve is null || curve.Kind != kind) throw new Pkcs11Exception(CKR.CKR_CURVE_NOT_SUPPORTED);
        return curve;
    }

    /// <summary>The curve of an EC key object by its key type.</summary>
    public static EcCurve OfKey(Objects.AttributeSet key, CurveKind kind) =>
        Parse(key.RequireBytes(CKA.CKA_EC_PARAMS), kind);
}
