using Softoken.Crypto;
using Softoken.Pkcs11;

namespace Softoken.Tests.Crypto;

public sealed class PlatformKeyCacheTests
{
    private sealed class Key : IDisposable
    {
        public bool Disposed { get; private set; }

        public void Dispose() => Disposed = true;
    }

    [Fact]
    public void SameAttributesShareOneImportAndEvictionWaitsForTheLastLease()
    {
        var cache = new PlatformKeyCache<Key>(2);
        var a = KeyFingerprint.Of("t", [1], [2]);
        Assert.Equal(a, KeyFingerprint.Of("t", [1], [2]));
        Assert.NotEqual(a, KeyFingerprint.Of("t", [1, 2]));
        Assert.NotEqual(a, KeyFingerprint.Of("u", [1], [2]));

        int created = 0;
        Key Create() { created++; return new Key(); }
        var first = cache.Acquire(a, Create);
        using (var again = cache.Acquire(a, Create)) Assert.Same(first.Key, again.Key);
        Assert.Equal(1, created);

        cache.Acquire(KeyFingerprint.Of("t", [3]), Create).Dispose();
        cache.Acquire(KeyFingerprint.Of("t", [4]), Create).Dispose();
        Assert.Equal(2, cache.Count);
        // The first key was evicted while leased: still usable, disposed once released.
        Assert.False(first.Key.Disposed);
        var key = first.Key;
        first.Dispose();
        first.Dispose();
        Assert.True(key.Disposed);
        using var fresh = cache.Acquire(a, Create);
        Assert.NotSame(key, fresh.Key);
    }

    [Fact]
    public void EvictAndClearDisposeUnleasedKeysAtOnceAndLeasedOnesOnRelease()
    {
        var cache = new PlatformKeyCache<Key>(8);
        var a = KeyFingerprint.Of("t", [1]);
        var b = KeyFingerprint.Of("t", [2]);
        var leased = cache.Acquire(a, () => new Key());
        Key idle;
        using (var lease = cache.Acquire(b, () => new Key())) idle = lease.Key;

        cache.Evict(b);
        Assert.True(idle.Disposed);
        Assert.Equal(1, cache.Count);
        Assert.Null(cache.TryAcquire(b));

        cache.Clear();
        Assert.Equal(0, cache.Count);
        Assert.False(leased.Key.Disposed);
        var key = leased.Key;
        leased.Dispose();
        Assert.True(key.Disposed);
        using var again = cache.Acquire(a, () => new Key());
        Assert.NotSame(key, again.Key);
        Assert.False(again.Key.Disposed);
    }

    [Fact]
    public void NoThreadIsHandedADisposedKeyWhileOthersEvict()
    {
        // Dedicated threads and a fixed amount of work (not a time limit): the thread pool may be busy with other
        // tests.
        var cache = new PlatformKeyCache<Key>(2);
        var fingerprints = Enumerable.Range(0, 4).Select(i => KeyFingerprint.Of("t", [(byte)i])).ToArray();
        int bad = 0, uses = 0, running = 3;
        var threads = Enumerable.Range(0, 3).Select(t => new Thread(() =>
        {
            var random = new Random(t);
            for (int i = 0; i < 20_000; i++)
            {
                using var lease = cache.Acquire(fingerprints[random.Next(fingerprints.Length)], () => new Key());
                if (lease.Key.Disposed) Interlocked.Increment(ref bad);
                Thread.SpinWait(10);
                if (lease.Key.Disposed) Interlocked.Increment(ref bad);
                Interlocked.Increment(ref uses);
            }
            Interlocked.Decrement(ref running);
        })).ToList();
        threads.Add(new Thread(() =>
        {
            int i = 0;
            while (Volatile.Read(ref running) > 0)
            {
                if (++i % 7 == 0) cache.Clear();
                else cache.Evict(fingerprints[i % fingerprints.Length]);
                Thread.Yield();
            }
        }));
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.Equal(0, bad);
        Assert.Equal(60_000, uses);
        Assert.True(cache.Count <= 2);
    }

    [Fact]
    public void AChangedKeyNeverFindsTheImportOfItsOldValue()
    {
        var (_, priv) = TestKeys.P256;
        var changed = priv.Clone();
        var d = (byte[])priv.Bytes(CKA.CKA_VALUE)!.Clone();
        d[^1] ^= 1;
        changed.Set(CKA.CKA_VALUE, d);
        using var original = EcKey.Private(priv);
        using var other = EcKey.Private(changed);
        using var first = original.PlatformSigner()!;
        using var second = other.PlatformSigner()!;
        Assert.NotSame(first.Key, second.Key);
        Assert.NotEqual(first.Key.ExportParameters(false).Q.X, second.Key.ExportParameters(false).Q.X);
    }

    [Fact]
    public void ForgettingAKeyObjectDropsItsImports()
    {
        // A key of its own: the shared TestKeys pairs are leased by tests running in parallel, and a lease held
        // elsewhere rightly keeps the import alive past this test's own release.
        var (pub, priv) = Pk.Generate(CKM.CKM_RSA_PKCS_KEY_PAIR_GEN, Pk.Template((CKA.CKA_MODULUS_BITS, 1024)));
        using var key = RsaKey.Private(priv);
        var lease = key.Platform()!;
        var imported = lease.Key;
        using var publicKey = RsaKey.Public(pub);
        var publicLease = publicKey.Platform()!;
        var importedPublic = publicLease.Key;

        KeyCaches.Forget(priv);
        using (var again = key.Platform()!) Assert.NotSame(imported, again.Key);
        using (var again = publicKey.Platform()!) Assert.NotSame(importedPublic, again.Key);
        // Still usable by the operation that holds it, freed when that ends.
        var digest = new byte[32];
        imported.SignHash(digest, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        lease.Dispose();
        publicLease.Dispose();
        Assert.Throws<ObjectDisposedException>(() =>
            imported.SignHash(digest, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1));
    }

    [Fact]
    public void BouncyCastleRsaKeysAreMadeOncePerKeyAndForgottenWithIt()
    {
        var (pub, priv) = Pk.Generate(CKM.CKM_RSA_PKCS_KEY_PAIR_GEN, Pk.Template((CKA.CKA_MODULUS_BITS, 1024)));
        using var key = RsaKey.Private(priv);
        using var publicKey = RsaKey.Public(pub);
        var bouncyPrivate = key.BouncyPrivate();
        var bouncyPublic = publicKey.BouncyPublic();
        Assert.Same(bouncyPrivate, key.BouncyPrivate());
        using (var again = RsaKey.Private(priv)) Assert.Same(bouncyPrivate, again.BouncyPrivate());
        Assert.Same(bouncyPublic, publicKey.BouncyPublic());
        Assert.True(bouncyPrivate.IsPrivate);
        Assert.False(bouncyPublic.IsPrivate);
        Assert.Equal(pub.RequireBytes(CKA.CKA_MODULUS), bouncyPublic.Modulus.ToByteArrayUnsigned());

        KeyCaches.Forget(priv);
        Assert.NotSame(bouncyPrivate, key.BouncyPrivate());
        Assert.NotSame(bouncyPublic, publicKey.BouncyPublic());
    }
}
