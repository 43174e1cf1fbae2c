using System.Security.Cryptography;
using Softoken.Crypto;
using Softoken.Objects;
using Softoken.Pkcs11;

namespace Softoken.Tests.Crypto;

/// <summary>The caches keyed by a key object's value array (<see cref="KeyedPool{T}"/>, the pooled HMACs): reuse
/// while the value lives, and nothing kept or handed out once <see cref="KeyValueCaches.Forget"/> ran for it.</summary>
public sealed class KeyValueCacheTests
{
    private sealed class Keyed : IDisposable
    {
        public bool Disposed { get; private set; }

        public void Dispose() => Disposed = true;
    }

    private static void Forget(byte[] value) => KeyValueCaches.Forget(MechanismCalls.Secret(value));

    [Fact]
    public void APoolHandsBackWhatWasReturnedUntilItsKeyIsForgotten()
    {
        var pool = new KeyedPool<Keyed>();
        var value = RandomNumberGenerator.GetBytes(16);
        Assert.Null(pool.Rent(value, out var lease));
        var item = new Keyed();
        lease.Return(item);
        Assert.Same(item, pool.Rent(value, out lease));
        Assert.Null(pool.Rent((byte[])value.Clone(), out _));

        var idle = new Keyed();
        pool.Rent(value, out var idleLease);
        idleLease.Return(idle);
        Forget(value);

        Assert.True(idle.Disposed);
        lease.Return(item);
        Assert.True(item.Disposed);
        Assert.Null(pool.Rent(value, out _));
    }

    [Fact]
    public void ForgettingAKeyDisposesTheIdleObjectsOfEveryThreadsStripe()
    {
        var pool = new KeyedPool<Keyed>();
        var value = RandomNumberGenerator.GetBytes(16);
        var idle = new HashSet<Keyed>();
        var stripes = new HashSet<int>();
        // Each thread takes what its stripe holds (or a new object) and gives it back: one object per stripe.
        for (int t = 0; t < 4 * KeyedPool<Keyed>.StripeCount; t++)
        {
            var thread = new Thread(() =>
            {
                var item = pool.Rent(value, out var lease) ?? new Keyed();
                lease.Return(item);
                Assert.Same(item, pool.Rent(value, out lease));
                lease.Return(item);
                lock (idle)
                {
                    idle.Add(item);
                    stripes.Add(Environment.CurrentManagedThreadId & (KeyedPool<Keyed>.StripeCount - 1));
                }
            });
            thread.Start();
            thread.Join();
        }
        Assert.True(stripes.Count > 1);
        Assert.Equal(stripes.Count, idle.Count);
        Assert.DoesNotContain(idle, item => item.Disposed);

        Forget(value);

        Assert.All(idle, item => Assert.True(item.Disposed));
        Assert.Null(pool.Rent(value, out _));
    }

    [Fact]
    public void AStripeKeepsAtMostMaxIdleObjects()
    {
        var pool = new KeyedPool<Keyed>();
        var value = RandomNumberGenerator.GetBytes(16);
        var items = Enumerable.Range(0, KeyedPool<Keyed>.MaxIdle + 1).Select(_ => new Keyed()).ToList();
        pool.Rent(value, out var lease);
        foreach (var item in items) lease.Return(item);
        Assert.True(items[^1].Disposed);
        Assert.DoesNotContain(items[..^1], item => item.Disposed);
        for (int i = KeyedPool<Keyed>.MaxIdle - 1; i >= 0; i--) Assert.Same(items[i], pool.Rent(value, out _));
        Assert.Null(pool.Rent(value, out _));
    }

    [Fact]
    public void APoolRefusesAValueChangedInPlace()
    {
        var pool = new KeyedPool<Keyed>();
        var value = RandomNumberGenerator.GetBytes(16);
        pool.Rent(value, out var lease);
        lease.Return(new Keyed());
        value[0] ^= 1;
        Assert.Null(pool.Rent(value, out _));
    }

    private static byte[] Mac(Hmac mac, byte[] data)
    {
        mac.Update(data);
        var result = new byte[mac.Size];
        mac.Finish(result);
        return result;
    }

    [Fact]
    public void PooledHmacsAreReusedOnlyBetweenMessagesAndForgottenWithTheKey()
    {
        var value = RandomNumberGenerator.GetBytes(32);
        byte[] a = "first"u8.ToArray(), b = "second"u8.ToArray();

        var first = Hmac.ForKeyValue(HashAlg.SHA256, value);
        Assert.Equal(HMACSHA256.HashData(value, a), Mac(first, a));
        first.Release();

        var second = Hmac.ForKeyValue(HashAlg.SHA256, value);
        Assert.Same(first, second);
        Assert.Equal(HMACSHA256.HashData(value, b), Mac(second, b));

        // Released in the middle of a message: disposed, never handed out again.
        second.Update(a);
        second.Release();
        var third = Hmac.ForKeyValue(HashAlg.SHA256, value);
        Assert.NotSame(second, third);
        Assert.Equal(HMACSHA256.HashData(value, b), Mac(third, b));
        third.Release();

        Forget(value);
        var fourth = Hmac.ForKeyValue(HashAlg.SHA256, value);
        Assert.NotSame(third, fourth);
        Assert.Equal(HMACSHA256.HashData(value, a), Mac(fourth, a));
        fourth.Release();
    }

    [Fact]
    public void ForgettingASetWithoutAValueIsHarmless()
    {
        var set = new AttributeSet();
        set.SetUlong(CKA.CKA_CLASS, (ulong)CKO.CKO_DATA);
        KeyValueCaches.Forget(set);
    }
}
