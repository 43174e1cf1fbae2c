using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Security.Cryptography;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Nist;
using Org.BouncyCastle.Asn1.Oiw;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Digests;
using Softoken.Pkcs11;

namespace Softoken.Crypto;

/// <summary>One hash function as the public-key mechanisms use it: its PKCS #11 digest mechanism, size, the
/// platform name when .NET (OpenSSL) offers it, a BouncyCastle digest otherwise, and its DigestInfo prefix
/// (PKCS #1 v2.2 section 9.2).</summary>
internal sealed class HashSpec
{
    private readonly Func<IDigest> bouncy;
    private readonly ConcurrentBag<IncrementalHash> pool = [];

    public HashSpec(CKM mechanism, int size, HashAlgorithmName? platform, Func<IDigest> bouncy, DerObjectIdentifier oid)
    {
        Mechanism = mechanism;
        Size = size;
        Platform = platform is { } name && IsSupported(name) ? name : null;
        this.bouncy = bouncy;
        Oid = oid;
        var info = new DigestInfo(new AlgorithmIdentifier(oid, DerNull.Instance), new byte[size]).GetDerEncoded();
        DigestInfoPrefix = info[..^size];
    }

    public CKM Mechanism { get; }

    public int Size { get; }

    /// <summary>The .NET name when the platform can hash and sign with it; null means BouncyCastle only.</summary>
    public HashAlgorithmName? Platform { get; }

    public DerObjectIdentifier Oid { get; }

    public byte[] DigestInfoPrefix { get; }

    public IDigest CreateBouncy() => bouncy();

    /// <summary>A running hash: OpenSSL's, from a pool (creating an OpenSSL hash context costs more than hashing a
    /// short message), or BouncyCastle's when the platform lacks the algorithm.</summary>
    public IDigestEngine CreateEngine() =>
        Platform is { } name ? new PooledDigest(this, pool.TryTake(out var h) ? h : IncrementalHash.CreateHash(name)) : new BouncyDigest(bouncy());

    private void Return(IncrementalHash hash)
    {
        if (pool.Count < 32) pool.Add(hash);
        else hash.Dispose();
    }

    private sealed class PooledDigest(HashSpec owner, IncrementalHash hash) : IDigestEngine
    {
        private IncrementalHash? current = hash;
        private bool dirty;

        public int Size => owner.Size;

        public void Update(ReadOnlySpan<byte> data)
        {
            current!.AppendData(data);
            dirty = true;
        }

        public int Finish(Span<byte> destination)
        {
            dirty = false;
            return current!.GetHashAndReset(destination);
        }

        public IDigestEngine Clone() => new PooledDigest(owner, current!.Clone()) { dirty = dirty };

        public void Dispose()
        {
            var h = Interlocked.Exchange(ref current, null);
            if (h is null) return;
            if (dirty)
            {
                // Back to the pool only in its initial state.
                Span<byte> scratch = stackalloc byte[64];
                h.GetHashAndReset(scratch);
            }
            owner.Return(h);
        }
    }

    public byte[] DigestInfo(ReadOnlySpan<byte> hash) => [.. DigestInfoPrefix, .. hash];

    private static bool IsSupported(HashAlgorithmName name) =>
        name == HashAlgorithmName.SHA3_256 ? SHA3_256.IsSupported
        : name == HashAlgorithmName.SHA3_384 ? SHA3_384.IsSupported
        : name == HashAlgorithmName.SHA3_512 ? SHA3_512.IsSupported
        : true;
}

/// <summary>The hash functions by digest mechanism, MGF1 type and X9.63 KDF type.</summary>
internal static class HashSpecs
{
    public static readonly HashSpec Md2 = new(CKM.CKM_MD2, 16, null, () => new MD2Digest(), PkcsObjectIdentifiers.MD2);
    public static readonly HashSpec Md5 = new(CKM.CKM_MD5, 16, HashAlgorithmName.MD5, () => new MD5Digest(), PkcsObjectIdentifiers.MD5);
    public static readonly HashSpec Sha1 = new(CKM.CKM_SHA_1, 20, HashAlgorithmName.SHA1, () => new Sha1Digest(), OiwObjectIdentifiers.IdSha1);
    public static readonly HashSpec Sha224 = new(CKM.CKM_SHA224, 28, null, () => new Sha224Digest(), NistObjectIdentifiers.IdSha224);
    public static readonly HashSpec Sha256 = new(CKM.CKM_SHA256, 32, HashAlgorithmName.SHA256, () => new Sha256Digest(), NistObjectIdentifiers.IdSha256);
    public static readonly HashSpec Sha384 = new(CKM.CKM_SHA384, 48, HashAlgorithmName.SHA384, () => new Sha384Digest(), NistObjectIdentifiers.IdSha384);
    public static readonly HashSpec Sha512 = new(CKM.CKM_SHA512, 64, HashAlgorithmName.SHA512, () => new Sha512Digest(), NistObjectIdentifiers.IdSha512);
    // .NET has no SHA3-224 name; OpenSSL does, but only BouncyCastle reaches it from here.
    public static readonly HashSpec Sha3_224 = new(CKM.CKM_SHA3_224, 28, null, () => new Sha3Digest(224), NistObjectIdentifiers.IdSha3_224);
    public static readonly HashSpec Sha3_256 = new(CKM.CKM_SHA3_256, 32, HashAlgorithmName.SHA3_256, () => new Sha3Digest(256), NistObjectIdentifiers.IdSha3_256);
    public static readonly HashSpec Sha3_384 = new(CKM.CKM_SHA3_384, 48, HashAlgorithmName.SHA3_384, () => new Sha3Digest(384), NistObjectIdentifiers.IdSha3_384);
    public static readonly HashSpec Sha3_512 = new(CKM.CKM_SHA3_512, 64, HashAlgorithmName.SHA3_512, () => new Sha3Digest(512), NistObjectIdentifiers.IdSha3_512);

    private static readonly HashSpec[] All = [Md2, Md5, Sha1, Sha224, Sha256, Sha384, Sha512, Sha3_224, Sha3_256, Sha3_384, Sha3_512];

    private static readonly FrozenDictionary<CKM, HashSpec> ByMechanism = All.ToFrozenDictionary(h => h.Mechanism);

    private static readonly FrozenDictionary<CKG, HashSpec> ByMgf = new Dictionary<CKG, HashSpec>
    {
        [CKG.CKG_MGF1_SHA1] = Sha1, [CKG.CKG_MGF1_SHA224] = Sha224, [CKG.CKG_MGF1_SHA256] = Sha256,
        [CKG.CKG_MGF1_SHA384] = Sha384, [CKG.CKG_MGF1_SHA512] = Sha512, [CKG.CKG_MGF1_SHA3_224] = Sha3_224,
        [CKG.CKG_MGF1_SHA3_256] = Sha3_256, [CKG.CKG_MGF1_SHA3_384] = Sha3_384, [CKG.CKG_MGF1_SHA3_512] = Sha3_512,
    }.ToFrozenDictionary();

    private static readonly FrozenDictionary<CKD, HashSpec> ByKdf = new Dictionary<CKD, HashSpec>
    {
        [CKD.CKD_SHA1_KDF] = Sha1, [CKD.CKD_SHA224_KDF] = Sha224, [CKD.CKD_SHA256_KDF] = Sha256,
        [CKD.CKD_SHA384_KDF] = Sha384, [CKD.CKD_SHA512_KDF] = Sha512, [CKD.CKD_SHA3_224_KDF] = Sha3_224,
        [CKD.CKD_SHA3_256_KDF] = Sha3_256, [CKD.CKD_SHA3_384_KDF] = Sha3_384, [CKD.CKD_SHA3_512_KDF] = Sha3_512,
    }.ToFrozenDictionary();

    /// <summary>The hash a parameter structure names (CK_RSA_PKCS_PSS_PARAMS.hashAlg ...); MD2 and MD5 are not allowed there.</summary>
    public static HashSpec ParameterHash(CKM mechanism) =>
        mechanism is not (CKM.CKM_MD5 or CKM.CKM_MD2) && ByMechanism.TryGetValue(mechanism, out var h)
            ? h : throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID, "hash " + mechanism);

    public static HashSpec Mgf(CKG mgf) =>
        ByMgf.TryGetValue(mgf, out var h) ? h : throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID, "MGF " + mgf);

    public static HashSpec? Kdf(CKD kdf) => ByKdf.GetValueOrDefault(kdf);

    /// <summary>The hash whose DigestInfo <paramref name="data"/> is, for the fast PKCS #1 v1.5 path; the DigestInfo
    /// with absent (rather than NULL) parameters is not recognised and takes the generic path.</summary>
    public static HashSpec? FromDigestInfo(ReadOnlySpan<byte> data)
    {
        foreach (var h in All)
        {
            if (data.Length == h.DigestInfoPrefix.Length + h.Size && data.StartsWith(h.DigestInfoPrefix)) return h;
        }
        return null;
    }
}
