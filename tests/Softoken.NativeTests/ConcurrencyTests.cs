using System.Collections.Concurrent;
using System.Security.Cryptography;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.LowLevelAPI80;
using Softoken.NativeTests.Infrastructure;

namespace Softoken.NativeTests;

/// <summary>Issue 2, item 8: safe with many threads and many sessions. Every call must succeed and every digest
/// must be right while threads open and close sessions, digest, draw random bytes, read token info and log the
/// user in and out, all at once.</summary>
public sealed class ConcurrencyTests(ModuleFixture fixture) : InitializedModuleTest(fixture)
{
    private const string UserPin = "1234";

    [Fact]
    public void ManyThreadsWithManySessionsHammerTheModule()
    {
        SetUserPin(UserPin);
        var errors = new ConcurrentQueue<string>();
        int operations = 0;
        void Check(CKR rv, string what)
        {
            if (rv != CKR.CKR_OK) errors.Enqueue($"{what}: {rv}");
        }

        void Worker(int id)
        {
            var random = new Random(id);
            var open = new List<ulong>();
            for (int i = 0; i < 300; i++)
            {
                ulong slot = (ulong)(1 + ((id + i) % 2));
                ulong flags = CKF.CKF_SERIAL_SESSION | (i % 3 == 0 ? CKF.CKF_RW_SESSION : 0);
                Check(OpenRawSession(slot, flags, out var session), "C_OpenSession");
                open.Add(session);

                var data = new byte[random.Next(0, 300)];
                random.NextBytes(data);
                var mechanism = CkmUtils.CreateMechanism(CKM.CKM_SHA256);
                Check(LowLevel.C_DigestInit(session, ref mechanism), "C_DigestInit");
                int half = data.Length / 2;
                Check(LowLevel.C_DigestUpdate(session, data[..half], (ulong)half), "C_DigestUpdate");
                Check(LowLevel.C_DigestUpdate(session, data[half..], (ulong)(data.Length - half)), "C_DigestUpdate");
                var digest = new byte[32];
                ulong length = 32;
                Check(LowLevel.C_DigestFinal(session, digest, ref length), "C_DigestFinal");
                if (!digest.AsSpan().SequenceEqual(SHA256.HashData(data))) errors.Enqueue("wrong digest");

                var bytes = new byte[16];
                Check(LowLevel.C_GenerateRandom(session, bytes, 16), "C_GenerateRandom");
                var info = new CK_SESSION_INFO();
                Check(LowLevel.C_GetSessionInfo(session, ref info), "C_GetSessionInfo");
                if (info.SlotId != slot) errors.Enqueue($"session {session} reports slot {info.SlotId}");

                // Keep a few sessions open across iterations so closes interleave with other threads' opens.
                if (open.Count > 3)
                {
                    int index = random.Next(open.Count);
                    Check(LowLevel.C_CloseSession(open[index]), "C_CloseSession");
                    open.RemoveAt(index);
                }
                Interlocked.Increment(ref operations);
            }
            foreach (var session in open) Check(LowLevel.C_CloseSession(session), "C_CloseSession");
        }

        using var stop = new CancellationTokenSource();
        var loginThread = new Thread(() =>
        {
            // A session of its own on slot 2 keeps the login alive while the workers' sessions come and go.
            Check(OpenRawSession(KeyStorageSlotId, CKF.CKF_SERIAL_SESSION, out var session), "C_OpenSession");
            var pin = System.Text.Encoding.ASCII.GetBytes(UserPin);
            while (!stop.IsCancellationRequested)
            {
                Check(LowLevel.C_Login(session, CKU.CKU_USER, pin, (ulong)pin.Length), "C_Login");
                var token = new CK_TOKEN_INFO();
                Check(LowLevel.C_GetTokenInfo(KeyStorageSlotId, ref token), "C_GetTokenInfo");
                Check(LowLevel.C_Logout(session), "C_Logout");
            }
        });
        loginThread.Start();
        var workers = Enumerable.Range(0, 8).Select(i => new Thread(() => Worker(i))).ToList();
        workers.ForEach(t => t.Start());
        workers.ForEach(t => t.Join());
        stop.Cancel();
        loginThread.Join();

        Assert.Empty(errors.Take(20));
        Assert.Equal(8 * 300, operations);
        Assert.Equal(1UL, KeyStorageSlot.GetTokenInfo().SessionCount);
        Assert.Equal(0UL, CryptoSlot.GetTokenInfo().SessionCount);
    }

    [Fact]
    public void ThreadsSharingOneSessionAreSerialised()
    {
        Assert.Equal(CKR.CKR_OK, OpenRawSession(CryptoSlotId, CKF.CKF_SERIAL_SESSION, out var session));
        var errors = new ConcurrentQueue<string>();
        var threads = Enumerable.Range(0, 8).Select(_ => new Thread(() =>
        {
            for (int i = 0; i < 500; i++)
            {
                var bytes = new byte[32];
                var rv = LowLevel.C_GenerateRandom(session, bytes, 32);
                if (rv != CKR.CKR_OK) errors.Enqueue(rv.ToString());
                var mechanism = CkmUtils.CreateMechanism(CKM.CKM_SHA_1);
                // One digest operation per session: concurrent inits may only see OPERATION_ACTIVE, never corrupt state.
                rv = LowLevel.C_DigestInit(session, ref mechanism);
                if (rv == CKR.CKR_OK)
                {
                    ulong length = 20;
                    var digest = new byte[20];
                    rv = LowLevel.C_Digest(session, bytes, 32, digest, ref length);
                    if (rv is not (CKR.CKR_OK or CKR.CKR_OPERATION_NOT_INITIALIZED)) errors.Enqueue($"C_Digest {rv}");
                }
                else if (rv != CKR.CKR_OPERATION_ACTIVE)
                {
                    errors.Enqueue($"C_DigestInit {rv}");
                }
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.Empty(errors);
    }
}
