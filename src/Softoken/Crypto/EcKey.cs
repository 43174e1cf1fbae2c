using System.Security.Cryptography;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math.EC.Multiplier;
using Softoken.Objects;
using Softoken.Pkcs11;

namespace Softoken.Crypto;

/// <summary>An EC (Weierstrass) key object: the curve, the private scalar d (CKA_VALUE, left-padded to the order
/// length) and the public point Q (raw uncompressed; from CKA_EC_POINT, or computed from d), with its OpenSSL
/// imports (cached) and its BouncyCastle form.</summary>
internal sealed class EcKey : IDisposable
{
    private static readonly PlatformKeyCache<ECDsa> Signers = KeyCaches.Shared<ECDsa>(64);
    private static readonly PlatformKeyCache<ECDiffieHellman> Agreements = KeyCaches.Shared<ECDiffieHellman>(64);

    /// <summary>ECDH peers' public keys as OpenSSL imported them: .NET checks an imported point with a full
    /// multiplication by the group order, which costs as much as the agreement itself, so a peer that comes back
    /// (a static key, a benchmark) is imported once.</summary>
    private static readonly PlatformKeyCache<ECDiffieHellmanPublicKey> Peers = KeyCaches.Shared<ECDiffieHellmanPublicKey>(64);

    /// <summary>Decoded public points for BouncyCastle: a point keeps the precomputed multiples its first
    /// verification made (for P-384 the second and later verifications cost less than half the first).</summary>
    private static readonly PlatformKeyCache<ECPublicKeyParameters> BouncyPublics = KeyCaches.Shared<ECPublicKeyParameters>(64);

    private byte[]? point;

    /// <summary>The private key object's CKA_VALUE array, for <see cref="PrivateFingerprints"/>.</summary>
    private byte[]? valueArray;

    private EcKey(EcCurve curve, byte[]? d, byte[]? q)
    {
        Curve = curve;
        D = d;
        point = q;
    }

    public EcCurve Curve { get; }

    public byte[]? D { get; }

    public bool IsPrivate => D is not null;

    /// <summary>The raw uncompressed public point 04||X||Y.</summary>
    public byte[] Q => point ??= ComputePoint();

    public int SignatureLength => 2 * Curve.OrderLength;

    public static EcKey Private(AttributeSet key)
    {
        KeyChecks.RequireType(key, CKK.CKK_EC);
        KeyChecks.RequirePrivate(key, CKA.CKA_VALUE);
        var curve = EcCurves.OfKey(key, CurveKind.Weierstrass);
        var value = key.RequireBytes(CKA.CKA_VALUE);
        var d = Unsigned.PadLeft(value, curve.OrderLength, CKR.CKR_KEY_SIZE_RANGE);
        var scalar = Unsigned.ToBig(d);
        if (scalar.SignValue == 0 || scalar.CompareTo(curve.Bouncy.N) >= 0) throw new Pkcs11Exception(CKR.CKR_KEY_SIZE_RANGE);
        return new EcKey(curve, d, null) { valueArray = value };
    }

    /// <summary>The public half: a public key object's CKA_EC_POINT, or the point of a private key object.</summary>
    public static EcKey Public(AttributeSet key)
    {
        KeyChecks.RequireType(key, CKK.CKK_EC);
        if (KeyChecks.IsPrivate(key, CKA.CKA_VALUE))
        {
            using var priv = Private(key);
            return new EcKey(priv.Curve, null, priv.Q);
        }
        var curve = EcCurves.OfKey(key, CurveKind.Weierstrass);
        return new EcKey(curve, null, Uncompressed(curve, key.RequireBytes(CKA.CKA_EC_POINT), CKR.CKR_ATTRIBUTE_VALUE_INVALID));
    }

    /// <summary>A peer's (or a template's) point, DER-wrapped or raw, compressed or not, as 04||X||Y.</summary>
    public static byte[] Uncompressed(EcCurve curve, ReadOnlySpan<byte> value, CKR error)
    {
        var raw = EcPoints.Unwrap(value, curve, error);
        if (raw.Length == curve.PublicLength && raw[0] == 0x04) return raw;
        try
        {
            return curve.Bouncy.Curve.DecodePoint(raw).GetEncoded(false);
        }
        catch (ArgumentException)
        {
            throw new Pkcs11Exception(error, "EC point not on the curve");
        }
    }

    public static EcKey FromPoint(EcCurve curve, byte[] q) => new(curve, null, q);

    /// <summary>softokn's check when a CKK_EC public key is created (EC_ValidatePublicKey in
    /// sftk_handlePublicKeyObject): the point must be a finite point on its curve, else CKR_TEMPLATE_INCONSISTENT,
    /// so that an invalid-curve point is refused at the door. Curves the token does not know are left alone here
    /// (they fail when the key is used).</summary>
    public static void ValidateCreatedPublic(AttributeSet key)
    {
        EcCurve curve;
        try
        {
            curve = EcCurves.OfKey(key, CurveKind.Weierstrass);
            _ = curve.Bouncy;
        }
        catch (Pkcs11Exception e) when (e.Rv is CKR.CKR_CURVE_NOT_SUPPORTED or CKR.CKR_DOMAIN_PARAMS_INVALID)
        {
            return;
        }
        var raw = EcPoints.Unwrap(key.RequireBytes(CKA.CKA_EC_POINT), curve, CKR.CKR_TEMPLATE_INCONSISTENT);
        bool valid;
        try
        {
            var q = curve.Bouncy.Curve.DecodePoint(raw);
            valid = !q.IsInfinity && q.IsValid();
        }
        catch (ArgumentException)
        {
            valid = false;
        }
        if (!valid) throw new Pkcs11Exception(CKR.CKR_TEMPLATE_INCONSISTENT, "EC point not on the curve");
    }

    /// <summary>The .NET form; a private key goes in without Q when Q is not known yet (OpenSSL computes it).</summary>
    public ECParameters PlatformParameters(bool includePrivate)
    {
        int n = Curve.CoordinateLength;
        var parameters = new ECParameters { Curve = Curve.PlatformCurve };
        if (includePrivate) parameters.D = Unsigned.PadLeft(D!, PlatformScalarLength);
        if (!includePrivate || point is not null)
        {
            var q = Q;
            parameters.Q = new System.Security.Cryptography.ECPoint { X = q[1..(1 + n)], Y = q[(1 + n)..] };
        }
        return parameters;
    }

    /// <summary>.NET wants d as long as a coordinate (66 bytes on P-521, like the order).</summary>
    private int PlatformScalarLength => Math.Max(Curve.CoordinateLength, Curve.OrderLength);

    public PlatformKeyCache<ECDsa>.Lease? PlatformSigner()
    {
        if (!Curve.UsePlatform) return null;
        return TryAcquire(Signers, Fingerprint("ecdsa"), () => Import(ECDsa.Create(), IsPrivate));
    }

    public PlatformKeyCache<ECDiffieHellman>.Lease? PlatformAgreement()
    {
        if (!Curve.UsePlatform) return null;
        return TryAcquire(Agreements, Fingerprint("ecdh"), () => Import(ECDiffieHellman.Create(), IsPrivate));
    }

    private T Import<T>(T key, bool includePrivate) where T : ECAlgorithm
    {
        var p = PlatformParameters(includePrivate);
        try
        {
            key.ImportParameters(p);
            return key;
        }
        catch
        {
            key.Dispose();
            throw;
        }
        finally
        {
            if (p.D is not null) CryptographicOperations.ZeroMemory(p.D);
        }
    }

    /// <summary>Hands a freshly generated OpenSSL key to the cache (ownership passes to it).</summary>
    public static void Adopt(EcKey key, ECDsa ecdsa)
    {
        using var lease = Signers.Acquire(key.Fingerprint("ecdsa"), () => ecdsa);
    }

    public ECPrivateKeyParameters BouncyPrivate() =>
        new("EC", Unsigned.ToBig(D!), new DerObjectIdentifier(Curve.Oid));

    /// <summary>BouncyCastle's public key for repeated use (verification, ECDH), cached by point; a point not on the
    /// curve is CKR_PUBLIC_KEY_INVALID.</summary>
    public ECPublicKeyParameters CachedBouncyPublic()
    {
        using var lease = BouncyPublics.Acquire(KeyFingerprint.Of("bc-public", Curve.EncodedOid, Q), BouncyPublic);
        return lease.Key;
    }

    /// <summary>BouncyCastle's public key, decoded afresh (for encodings); a point not on the curve is
    /// CKR_PUBLIC_KEY_INVALID.</summary>
    public ECPublicKeyParameters BouncyPublic()
    {
        try
        {
            return new("EC", Curve.Bouncy.Curve.DecodePoint(Q), new DerObjectIdentifier(Curve.Oid));
        }
        catch (ArgumentException)
        {
            throw new Pkcs11Exception(CKR.CKR_PUBLIC_KEY_INVALID, "EC point not on the curve");
        }
    }

    /// <summary>An ECDH peer's point (raw, uncompressed) as an OpenSSL public key, imported once per point; a point
    /// OpenSSL refuses is CKR_MECHANISM_PARAM_INVALID.</summary>
    public static PlatformKeyCache<ECDiffieHellmanPublicKey>.Lease PlatformPeer(EcCurve curve, byte[] point) =>
        Peers.Acquire(KeyFingerprint.Of("ecdh-peer", curve.EncodedOid, point), () =>
        {
            using var peer = ECDiffieHellman.Create();
            try
            {
                peer.ImportParameters(FromPoint(curve, point).PlatformParameters(false));
            }
            catch (CryptographicException)
            {
                throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID, "EC point not on the curve");
            }
            return peer.PublicKey;
        });

    /// <summary>The cache keys of a key object's imports and decodings.</summary>
    public static IReadOnlyList<KeyFingerprint> FingerprintsOf(AttributeSet key)
    {
        if (KeyChecks.IsPrivate(key, CKA.CKA_VALUE))
        {
            using var priv = Private(key);
            return [priv.Fingerprint("ecdsa"), priv.Fingerprint("ecdh")];
        }
        using var pub = Public(key);
        return [pub.Fingerprint("ecdsa"), KeyFingerprint.Of("bc-public", pub.Curve.EncodedOid, pub.Q)];
    }

    private KeyFingerprint Fingerprint(string use)
    {
        if (!IsPrivate) return KeyFingerprint.Of(use + "-public", Curve.EncodedOid, point);
        if (valueArray is null) return PrivateFingerprint(use);
        return PrivateFingerprints.Get(valueArray, Curve, use, this, static (key, u) => key.PrivateFingerprint(u));
    }

    private KeyFingerprint PrivateFingerprint(string use) => KeyFingerprint.Of(use + "-private", Curve.EncodedOid, D);

    private byte[] ComputePoint()
    {
        if (D is null) throw new Pkcs11Exception(CKR.CKR_TEMPLATE_INCOMPLETE, "CKA_EC_POINT");
        if (Curve.UsePlatform)
        {
            using var key = ECDsa.Create();
            var p = new ECParameters { Curve = Curve.PlatformCurve, D = Unsigned.PadLeft(D, PlatformScalarLength) };
            try
            {
                key.ImportParameters(p);
                var q = key.ExportParameters(false).Q;
                return [0x04, .. q.X!, .. q.Y!];
            }
            catch (CryptographicException)
            {
                // fall back to BouncyCastle
            }
            finally
            {
                CryptographicOperations.ZeroMemory(p.D);
            }
        }
        var g = new FixedPointCombMultiplier().Multiply(Curve.Bouncy.G, Unsigned.ToBig(D));
        return g.Normalize().GetEncoded(false);
    }

    private static PlatformKeyCache<T>.Lease? TryAcquire<T>(PlatformKeyCache<T> cache, KeyFingerprint fp, Func<T> create)
        where T : class, IDisposable
    {
        try
        {
            return cache.Acquire(fp, create);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        if (D is not null) CryptographicOperations.ZeroMemory(D);
    }
}
