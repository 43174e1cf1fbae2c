using Softoken.Crypto;

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
}
