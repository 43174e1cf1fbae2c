using Softoken.Crypto;

namespace Softoken.Tests.Crypto;

/// <summary>The buffered RNG: every byte of the generator is served once, in order; a buffer filled under another
/// process id (a fork) is discarded; C_Finalize (Dispose) wipes the buffers; large requests bypass them.</summary>
public sealed class RandomSourceTests
{
    /// <summary>A generator that counts its calls and writes a running counter, so that served bytes can be traced.</summary>
    private sealed class CountingSource
    {
        private byte next;

        public int Calls { get; private set; }

        public void Fill(Span<byte> destination)
        {
            Calls++;
            foreach (ref var b in destination) b = next++;
        }
    }

    private static byte[] Draw(RandomSource random, int length)
    {
        var bytes = new byte[length];
        random.Fill(bytes);
        return bytes;
    }

    private static byte[] Counter(int from, int length) => Enumerable.Range(from, length).Select(i => (byte)i).ToArray();

    [Fact]
    public void SmallRequestsAreServedFromOneBufferInOrder()
    {
        var source = new CountingSource();
        var random = new RandomSource(() => 1, source.Fill);

        Assert.Equal(Counter(0, 32), Draw(random, 32));
        Assert.Equal(Counter(32, 16), Draw(random, 16));
        Assert.Equal(1, source.Calls);
    }

    [Fact]
    public void AnExhaustedBufferIsRefilledAndNeverServedTwice()
    {
        var source = new CountingSource();
        var random = new RandomSource(() => 1, source.Fill);
        for (int i = 0; i < RandomSource.BufferSize / 256; i++) Draw(random, 256);
        Assert.Equal(1, source.Calls);

        Assert.Equal(Counter(RandomSource.BufferSize, 8), Draw(random, 8));
        Assert.Equal(2, source.Calls);
    }

    [Fact]
    public void OneCallReadsTheProcessIdOnceAndTheNextCallReadsItAfresh()
    {
        var source = new CountingSource();
        int pid = 100, reads = 0;
        var random = new RandomSource(() => { reads++; return pid; }, source.Fill);

        using (random.OneCall())
        {
            Draw(random, 32);
            Draw(random, 16);
            using (random.OneCall()) Draw(random, 8);
            Draw(random, 8);
        }
        Assert.Equal(1, reads);

        pid = 101; // a fork between two calls: the child's first draw discards the parent's buffer
        Assert.Equal(Counter(RandomSource.BufferSize, 8), Draw(random, 8));
        Assert.Equal(2, reads);
        Assert.Equal(2, source.Calls);
    }

    [Fact]
    public void ANewProcessIdDiscardsTheBuffer()
    {
        var source = new CountingSource();
        int pid = 100;
        var random = new RandomSource(() => pid, source.Fill);
        Draw(random, 32);

        pid = 101;
        Assert.Equal(Counter(RandomSource.BufferSize, 32), Draw(random, 32));
        Assert.Equal(2, source.Calls);
    }

    [Fact]
    public void DisposeWipesTheBuffersAndLaterRequestsRefill()
    {
        var source = new CountingSource();
        var random = new RandomSource(() => 1, source.Fill);
        Draw(random, 32);

        random.Dispose();

        Assert.Equal(Counter(RandomSource.BufferSize, 32), Draw(random, 32));
        Assert.Equal(2, source.Calls);
    }

    [Fact]
    public void LargeRequestsGoStraightToTheGenerator()
    {
        var source = new CountingSource();
        var random = new RandomSource(() => 1, source.Fill);
        Assert.Equal(Counter(0, RandomSource.MaxBuffered + 1), Draw(random, RandomSource.MaxBuffered + 1));
        Assert.Equal(Counter(RandomSource.MaxBuffered + 1, 4), Draw(random, 4));
        Assert.Equal(2, source.Calls);
    }

    [Fact]
    public void SeedingStillChangesTheOutput()
    {
        var plain = new RandomSource(() => 1, new CountingSource().Fill);
        var seeded = new RandomSource(() => 1, new CountingSource().Fill);
        seeded.Seed("seed"u8);
        Assert.NotEqual(Draw(plain, 32), Draw(seeded, 32));
    }
}
