using System.Collections.Concurrent;
using System.Security.Cryptography;
using Net.Pkcs11Interop.Common;
using Softoken.NativeTests.Infrastructure;

namespace Softoken.NativeTests.Objects;

/// <summary>Issue 3, item 7: threads in one process use different sessions at once, creating, finding, changing and
/// destroying token and session objects; every call succeeds, every search and read is right, and the end state is
/// exactly what the threads left.</summary>
public sealed class ObjectConcurrencyTests(ModuleFixture fixture) : ObjectTest(fixture)
{
    private const int Workers = 6;
    private const int Iterations = 40;

    [Fact]
    public void ThreadsWithTheirOwnSessionsCreateFindAndDestroyObjectsAtOnce()
    {
        var keeper = UserSession();
        var errors = new ConcurrentQueue<string>();
        var done = 0;

        void Worker(int worker)
        {
            try
            {
                var session = OpenRw();
                for (int i = 0; i < Iterations; i++)
                {
                    var label = $"w{worker}-{i}";
                    var value = RandomNumberGenerator.GetBytes(32);
                    var data = Create(session, Data(label, token: true));
                    var key = Create(session, [.. TestKeys.Aes(value), Token(), Attr.Of(CKA.CKA_SENSITIVE, false), Label(label)]);
                    var temporary = Create(session, Data(label));
                    var found = Find(session, Label(label));
                    if (!found.Order().SequenceEqual(new[] { data, key, temporary }.Order()))
                        errors.Enqueue($"{label}: found {found.Length}");
                    if (!Get(session, key, CKA.CKA_VALUE).SequenceEqual(value)) errors.Enqueue($"{label}: wrong value");
                    Check(Set(session, data, Label(label + " renamed")), $"{label}: set");
                    Check(Set(session, temporary, Attr.Of(CKA.CKA_VALUE, value)), $"{label}: set temporary");
                    if (i % 2 == 0) Check(Destroy(session, data), $"{label}: destroy data");
                    Check(Destroy(session, temporary), $"{label}: destroy temporary");
                }
                Check(LowLevel.C_CloseSession(session), "close");
                Interlocked.Increment(ref done);
            }
            catch (Exception e)
            {
                errors.Enqueue($"worker {worker}: {e.Message}");
            }
        }

        void Check(CKR rv, string what)
        {
            if (rv != CKR.CKR_OK) errors.Enqueue($"{what}: {rv}");
        }

        using var stop = new CancellationTokenSource();
        int searches = 0;
        void Searcher()
        {
            try
            {
                var session = OpenRo();
                while (!stop.IsCancellationRequested)
                {
                    var template = searches % 2 == 0 ? Class(CKO.CKO_DATA) : Token(false);
                    foreach (var handle in Find(session, template))
                    {
                        // An object found a moment ago may be destroyed by now, nothing else.
                        TryGet(session, handle, (ulong)CKA.CKA_LABEL, out var rv);
                        // (A label renamed between the length query and the read may no longer fit.)
                        if (rv is not (CKR.CKR_OK or CKR.CKR_OBJECT_HANDLE_INVALID or CKR.CKR_BUFFER_TOO_SMALL))
                            errors.Enqueue($"search read: {rv}");
                    }
                    Interlocked.Increment(ref searches);
                }
            }
            catch (Exception e)
            {
                errors.Enqueue($"searcher: {e.Message}");
            }
        }

        var searchers = Enumerable.Range(0, 2).Select(_ => new Thread(Searcher)).ToList();
        var workers = Enumerable.Range(0, Workers).Select(w => new Thread(() => Worker(w))).ToList();
        searchers.ForEach(t => t.Start());
        workers.ForEach(t => t.Start());
        workers.ForEach(t => t.Join());
        stop.Cancel();
        searchers.ForEach(t => t.Join());

        Assert.Empty(errors.Take(20));
        Assert.Equal(Workers, done);
        Assert.True(searches > 0);
        Assert.Equal(Workers * Iterations / 2, Find(keeper, Class(CKO.CKO_DATA)).Length);
        Assert.Equal(Workers * Iterations, Find(keeper, Class(CKO.CKO_SECRET_KEY), Token()).Length);
        Assert.Empty(Find(keeper, Token(false), Class(CKO.CKO_DATA)));
        Restart();
        var session = UserSession();
        Assert.Equal(Workers * Iterations / 2, Find(session, Class(CKO.CKO_DATA)).Length);
        Assert.Equal(Workers * Iterations, Find(session, Class(CKO.CKO_SECRET_KEY)).Length);
    }

    [Fact]
    public void ReadersOfASessionObjectBeingChangedSeeOneWholeValueOrTheOther()
    {
        var writer = UserSession();
        var first = Enumerable.Repeat((byte)0x11, 16).ToArray();
        var second = Enumerable.Repeat((byte)0x22, 40).ToArray();
        var handle = Create(writer, Data("changing", value: first));
        var errors = new ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource();
        var readers = Enumerable.Range(0, 3).Select(_ => new Thread(() =>
        {
            var session = OpenRo();
            while (!stop.IsCancellationRequested)
            {
                using var t = new NativeTemplate(Attr.Buffer(CKA.CKA_VALUE, 64), Attr.Buffer(CKA.CKA_LABEL, 64));
                var rv = GetAttributes(session, handle, t);
                if (rv != CKR.CKR_OK)
                {
                    errors.Enqueue($"read: {rv}");
                    continue;
                }
                var value = t.Bytes(0);
                if (!value.SequenceEqual(first) && !value.SequenceEqual(second)) errors.Enqueue($"read {Convert.ToHexString(value)}");
                if (FindBatched(session, 4, Label("changing")).Length != 1) errors.Enqueue("search missed the object");
            }
        })).ToList();
        readers.ForEach(t => t.Start());
        var until = DateTime.UtcNow.AddSeconds(2);
        for (int i = 0; DateTime.UtcNow < until; i++)
            Assert.Equal(CKR.CKR_OK, Set(writer, handle, Attr.Of(CKA.CKA_VALUE, i % 2 == 0 ? second : first)));
        stop.Cancel();
        readers.ForEach(t => t.Join());
        Assert.Empty(errors.Distinct().Take(10));
    }

    [Fact]
    public void ConcurrentImportsOfOneCertificateLeaveOneObject()
    {
        const int Threads = 4;
        const int Rounds = 25;
        var session = UserSession();
        var certificates = Enumerable.Range(0, Rounds).Select(r => TestKeys.MakeCertificate($"CN=Raced {r}")).ToArray();
        var handles = new ConcurrentBag<(int Round, ulong Handle)>();
        var errors = new ConcurrentQueue<string>();
        using var barrier = new Barrier(Threads);
        var threads = Enumerable.Range(0, Threads).Select(_ => new Thread(() =>
        {
            try
            {
                var own = OpenRw();
                for (int round = 0; round < Rounds; round++)
                {
                    barrier.SignalAndWait();
                    handles.Add((round, Create(own, certificates[round].Template(Token(), Label($"raced {round}")))));
                }
            }
            catch (Exception e)
            {
                errors.Enqueue(e.Message);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.Empty(errors);
        Assert.All(handles.GroupBy(h => h.Round), g => Assert.Single(g.Select(h => h.Handle).Distinct()));
        Assert.Equal(Rounds, Find(session, Class(CKO.CKO_CERTIFICATE)).Length);
    }
}
