using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Parameters;
using Softoken.Objects;
using Softoken.Pkcs11;

namespace Softoken.Crypto;

/// <summary>An RSA key object's components (PKCS #11 v3.0 section 2.1.2/2.1.3), read once per operation, with
/// its OpenSSL import (cached) and its BouncyCastle form.</summary>
internal sealed class RsaKey : IDisposable
{
    private static readonly PlatformKeyCache<RSA> PrivateKeys = KeyCaches.Shared<RSA>(64);
    private static readonly PlatformKeyCache<RSA> PublicKeys = KeyCaches.Shared<RSA>(64);

    /// <summary>BouncyCastle's key objects, made once per key and kept like the OpenSSL imports: making one runs
    /// BouncyCastle's modulus validation (a Miller-Rabin compositeness test; 22-27 ms for RSA-2048 and 166 ms for
    /// RSA-4096 here), which used to be paid on every raw RSA, PKCS #1 v1.5 signature of arbitrary data or recovery.</summary>
    private static readonly PlatformKeyCache<RsaKeyParameters> BouncyForms = KeyCaches.Shared<RsaKeyParameters>(64);

    private RsaKey(AttributeSet key, bool isPrivate)
    {
        Modulus = Unsigned.Strip(key.RequireBytes(CKA.CKA_MODULUS)).ToArray();
        PublicExponent = Component(key, CKA.CKA_PUBLIC_EXPONENT);
        IsPrivate = isPrivate;
        if (isPrivate)
        {
            PrivateExponent = Component(key, CKA.CKA_PRIVATE_EXPONENT) ?? throw new Pkcs11Exception(CKR.CKR_TEMPLATE_INCOMPLETE, "CKA_PRIVATE_EXPONENT");
            Prime1 = Component(key, CKA.CKA_PRIME_1);
            Prime2 = Component(key, CKA.CKA_PRIME_2);
            Exponent1 = Component(key, CKA.CKA_EXPONENT_1);
            Exponent2 = Component(key, CKA.CKA_EXPONENT_2);
            Coefficient = Component(key, CKA.CKA_COEFFICIENT);
        }
        else if (PublicExponent is null)
        {
            throw new Pkcs11Exception(CKR.CKR_TEMPLATE_INCOMPLETE, "CKA_PUBLIC_EXPONENT");
        }
        Bits = Unsigned.BitLength(Modulus);
        if (Bits < 512 || Bits > 16384 || (Modulus[^1] & 1) == 0) throw new Pkcs11Exception(CKR.CKR_KEY_SIZE_RANGE);
    }

    public byte[] Modulus { get; }

    public byte[]? PublicExponent { get; }

    public byte[]? PrivateExponent { get; }

    public byte[]? Prime1 { get; }

    public byte[]? Prime2 { get; }

    public byte[]? Exponent1 { get; }

    public byte[]? Exponent2 { get; }

    public byte[]? Coefficient { get; }

    public bool IsPrivate { get; }

    public int Bits { get; }

    /// <summary>k, the modulus length in bytes: the length of every signature and ciphertext.</summary>
    public int Length => Modulus.Length;

    public bool HasCrt => Prime1 is not null && Prime2 is not null && Exponent1 is not null && Exponent2 is not null
        && Coefficient is not null && PublicExponent is not null;

    /// <summary>The private half of a key object (for C_Sign, C_Decrypt, C_SignRecover, C_UnwrapKey).</summary>
    public static RsaKey Private(AttributeSet key)
    {
        KeyChecks.RequireType(key, CKK.CKK_RSA);
        KeyChecks.RequirePrivate(key, CKA.CKA_PRIVATE_EXPONENT);
        return new RsaKey(key, true);
    }

    /// <summary>The public half: a public key object, or a private key object that holds the public exponent.</summary>
    public static RsaKey Public(AttributeSet key)
    {
        KeyChecks.RequireType(key, CKK.CKK_RSA);
        return new RsaKey(key, false);
    }

    public RsaKeyParameters BouncyPublic()
    {
        if (PublicExponent is null) throw new Pkcs11Exception(CKR.CKR_TEMPLATE_INCOMPLETE, "CKA_PUBLIC_EXPONENT");
        using var lease = BouncyForms.Acquire(BouncyPublicFingerprint(),
            () => new RsaKeyParameters(false, Unsigned.ToBig(Modulus), Unsigned.ToBig(PublicExponent)));
        return lease.Key;
    }

    public RsaKeyParameters BouncyPrivate()
    {
        using var lease = BouncyForms.Acquire(BouncyPrivateFingerprint(), () => HasCrt
            ? new RsaPrivateCrtKeyParameters(Unsigned.ToBig(Modulus), Unsigned.ToBig(PublicExponent!), Unsigned.ToBig(PrivateExponent!),
                Unsigned.ToBig(Prime1!), Unsigned.ToBig(Prime2!), Unsigned.ToBig(Exponent1!), Unsigned.ToBig(Exponent2!), Unsigned.ToBig(Coefficient!))
            : new RsaKeyParameters(true, Unsigned.ToBig(Modulus), Unsigned.ToBig(PrivateExponent!)));
        return lease.Key;
    }

    /// <summary>The OpenSSL key, or null when .NET cannot take this key (no CRT components, unbalanced primes):
    /// the caller then uses BouncyCastle.</summary>
    public PlatformKeyCache<RSA>.Lease? Platform()
    {
        if (IsPrivate)
        {
            if (!HasCrt || Prime1!.Length > (Length + 1) / 2 || Prime2!.Length > (Length + 1) / 2) return null;
            return TryAcquire(PrivateKeys, PrivateFingerprint(), () =>
            {
                int half = (Length + 1) / 2;
                var p = new RSAParameters
                {
                    Modulus = Modulus, Exponent = PublicExponent, D = Pad(PrivateExponent!, Length),
                    P = Pad(Prime1!, half), Q = Pad(Prime2!, half), DP = Pad(Exponent1!, half), DQ = Pad(Exponent2!, half),
                    InverseQ = Pad(Coefficient!, half),
                };
                try { return Import(p); }
                finally { Wipe(p); }
            });
        }
        return TryAcquire(PublicKeys, PublicFingerprint(), () => Import(new RSAParameters { Modulus = Modulus, Exponent = PublicExponent }));
    }

    /// <summary>Puts an OpenSSL key generated for this key object into the cache (ownership passes to the cache).</summary>
    public static void Adopt(RsaKey key, RSA rsa)
    {
        using var lease = PrivateKeys.Acquire(key.PrivateFingerprint(), () => rsa);
    }

    /// <summary>The cache keys of a key object's imports: its public form, and its private one for a private key.</summary>
    public static IReadOnlyList<KeyFingerprint> FingerprintsOf(AttributeSet key)
    {
        var fingerprints = new List<KeyFingerprint>(2);
        if (KeyChecks.IsPrivate(key, CKA.CKA_PRIVATE_EXPONENT))
        {
            using var priv = Private(key);
            fingerprints.Add(priv.PrivateFingerprint());
            fingerprints.Add(priv.BouncyPrivateFingerprint());
        }
        if (key.Has(CKA.CKA_PUBLIC_EXPONENT))
        {
            using var pub = Public(key);
            fingerprints.Add(pub.PublicFingerprint());
            fingerprints.Add(pub.BouncyPublicFingerprint());
        }
        return fingerprints;
    }

    private KeyFingerprint PublicFingerprint() => KeyFingerprint.Of("rsa-public", Modulus, PublicExponent);

    private KeyFingerprint PrivateFingerprint() =>
        KeyFingerprint.Of("rsa-private", Modulus, PublicExponent, PrivateExponent, Prime1, Prime2, Exponent1, Exponent2, Coefficient);

    private KeyFingerprint BouncyPublicFingerprint() => KeyFingerprint.Of("bc-rsa-public", Modulus, PublicExponent);

    private KeyFingerprint BouncyPrivateFingerprint() =>
        KeyFingerprint.Of("bc-rsa-private", Modulus, PublicExponent, PrivateExponent, Prime1, Prime2, Exponent1, Exponent2, Coefficient);

    private static PlatformKeyCache<RSA>.Lease? TryAcquire(PlatformKeyCache<RSA> cache, KeyFingerprint fp, Func<RSA> create)
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

    private static RSA Import(RSAParameters parameters)
    {
        var rsa = RSA.Create();
        try
        {
            rsa.ImportParameters(parameters);
            return rsa;
        }
        catch
        {
            rsa.Dispose();
            throw;
        }
    }

    private static byte[]? Component(AttributeSet key, CKA type) =>
        key.Bytes(type) is { Length: > 0 } v ? Unsigned.Strip(v).ToArray() : null;

    private static byte[] Pad(byte[] value, int length) => Unsigned.PadLeft(value, length);

    private static void Wipe(RSAParameters p)
    {
        foreach (var a in new[] { p.D, p.P, p.Q, p.DP, p.DQ, p.InverseQ }) if (a is not null) CryptographicOperations.ZeroMemory(a);
    }

    /// <summary>Wipes this object's copies of the private components.</summary>
    public void Dispose()
    {
        foreach (var a in new[] { PrivateExponent, Prime1, Prime2, Exponent1, Exponent2, Coefficient })
        {
            if (a is not null) CryptographicOperations.ZeroMemory(a);
        }
    }
}
