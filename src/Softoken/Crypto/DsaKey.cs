using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Parameters;
using Softoken.Objects;
using Softoken.Pkcs11;

namespace Softoken.Crypto;

/// <summary>A DSA key object (PKCS #11 v3.0 section 2.2): the domain parameters and x (private) or y (public),
/// y being computed when only x is known, with its OpenSSL import (cached) and its BouncyCastle form.</summary>
internal sealed class DsaKey : IDisposable
{
    public const int MinPrimeBits = 512;
    public const int MaxPrimeBits = 3072;
    private static readonly PlatformKeyCache<DSA> Keys = KeyCaches.Shared<DSA>(32);

    private byte[]? y;

    private DsaKey(AttributeSet key, bool? isPrivate)
    {
        P = Component(key, CKA.CKA_PRIME);
        Q = Component(key, CKA.CKA_SUBPRIME);
        G = Component(key, CKA.CKA_BASE);
        int pBits = Unsigned.BitLength(P), qBits = Unsigned.BitLength(Q);
        if (pBits < MinPrimeBits || pBits > MaxPrimeBits || qBits < 160 || qBits > 256) throw new Pkcs11Exception(CKR.CKR_KEY_SIZE_RANGE);
        if (isPrivate == true) X = Component(key, CKA.CKA_VALUE);
        else if (isPrivate == false) y = Component(key, CKA.CKA_VALUE);
    }

    public byte[] P { get; }

    public byte[] Q { get; }

    public byte[] G { get; }

    public byte[]? X { get; }

    public byte[] Y => y ??= Unsigned.FromBig(Unsigned.ToBig(G).ModPow(Unsigned.ToBig(X!), Unsigned.ToBig(P)));

    public int SignatureLength => 2 * Q.Length;

    /// <summary>Only the domain parameters (CKA_PRIME, CKA_SUBPRIME, CKA_BASE) of a template, checked for size.</summary>
    public static DsaKey Domain(AttributeSet template) => new(template, null);

    public static DsaKey Private(AttributeSet key)
    {
        KeyChecks.RequireType(key, CKK.CKK_DSA);
        KeyChecks.RequirePrivate(key, CKA.CKA_VALUE);
        return new DsaKey(key, true);
    }

    /// <summary>A public key object, or the public half of a private key object.</summary>
    public static DsaKey Public(AttributeSet key)
    {
        KeyChecks.RequireType(key, CKK.CKK_DSA);
        if (!KeyChecks.IsPrivate(key, CKA.CKA_VALUE)) return new DsaKey(key, false);
        using var priv = new DsaKey(key, true);
        var pub = new AttributeSet();
        pub.Set(CKA.CKA_PRIME, priv.P);
        pub.Set(CKA.CKA_SUBPRIME, priv.Q);
        pub.Set(CKA.CKA_BASE, priv.G);
        pub.Set(CKA.CKA_VALUE, priv.Y);
        return new DsaKey(pub, false);
    }

    public DsaParameters BouncyParameters() => new(Unsigned.ToBig(P), Unsigned.ToBig(Q), Unsigned.ToBig(G));

    public DsaPrivateKeyParameters BouncyPrivate() => new(Unsigned.ToBig(X!), BouncyParameters());

    public DsaPublicKeyParameters BouncyPublic() => new(Unsigned.ToBig(Y), BouncyParameters());

    private KeyFingerprint Fingerprint() =>
        X is not null ? KeyFingerprint.Of("dsa-private", P, Q, G, X) : KeyFingerprint.Of("dsa-public", P, Q, G, Y);

    /// <summary>The cache keys of a key object's imports (the private one of a private key object, whose public form
    /// is left to expire: computing y is a modular exponentiation).</summary>
    public static IReadOnlyList<KeyFingerprint> FingerprintsOf(AttributeSet key)
    {
        using var k = KeyChecks.IsPrivate(key, CKA.CKA_VALUE) ? Private(key) : Public(key);
        return [k.Fingerprint()];
    }

    /// <summary>The OpenSSL key (about five times faster than BouncyCastle for DSA-2048), or null if .NET refuses it.</summary>
    public PlatformKeyCache<DSA>.Lease? Platform()
    {
        var fp = Fingerprint();
        try
        {
            return Keys.Acquire(fp, () =>
            {
                var parameters = new DSAParameters
                {
                    P = P, Q = Q, G = Unsigned.PadLeft(G, P.Length), Y = Unsigned.PadLeft(Y, P.Length),
                    X = X is null ? null : Unsigned.PadLeft(X, Q.Length),
                };
                var dsa = DSA.Create();
                try
                {
                    dsa.ImportParameters(parameters);
                    return dsa;
                }
                catch
                {
                    dsa.Dispose();
                    throw;
                }
                finally
                {
                    if (parameters.X is not null) CryptographicOperations.ZeroMemory(parameters.X);
                }
            });
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    private static byte[] Component(AttributeSet key, CKA type) => Unsigned.Strip(key.RequireBytes(type)).ToArray();

    public void Dispose()
    {
        if (X is not null) CryptographicOperations.ZeroMemory(X);
    }
}
