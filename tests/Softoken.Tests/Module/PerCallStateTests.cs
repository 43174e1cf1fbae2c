using System.Security.Cryptography;
using System.Text;
using Softoken.Module;
using Softoken.Objects;
using Softoken.Pkcs11;
using Softoken.Sessions;
using Softoken.Storage;

namespace Softoken.Tests.Module;

/// <summary>The state kept between calls for speed (bench/RESULTS.md): a session's idle digest engine, the per-slot
/// open-session count, and the token store's prepared find and load statements. Each must give the same answers as
/// the uncached path, whatever order the calls come in.</summary>
[Collection(ModuleCollection.Name)]
public sealed class PerCallStateTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("softoken-test-").FullName;

    public PerCallStateTests()
    {
        SoftokenModule.Initialize($"configdir='sql:{directory}' pinIterations=1000", _ => null,
            config => SqliteTokenStore.Open(config));
    }

    public void Dispose()
    {
        SoftokenModule.Shutdown();
        Directory.Delete(directory, recursive: true);
    }

    private static byte[] DigestOnce(Session session, CKM mechanism, byte[] data)
    {
        session.DigestInit(mechanism, ReadOnlySpan<byte>.Empty);
        var output = new byte[session.DigestLength()];
        int length = session.DigestOnce(data, output);
        return output[..length];
    }

    [Fact]
    public void ReusedDigestEnginesGiveFreshDigestsWhateverTheOrder()
    {
        var session = SoftokenModule.Current.OpenSession(1, CKF.CKF_SERIAL_SESSION);
        byte[] a = Encoding.ASCII.GetBytes("abc"), b = new byte[1000];

        Assert.Equal(SHA256.HashData(a), DigestOnce(session, CKM.CKM_SHA256, a));
        Assert.Equal(SHA256.HashData(b), DigestOnce(session, CKM.CKM_SHA256, b));
        Assert.Equal(SHA1.HashData(a), DigestOnce(session, CKM.CKM_SHA_1, a));
        Assert.Equal(SHA256.HashData(a), DigestOnce(session, CKM.CKM_SHA256, a));

        // Multi-part after one-shot, on the engine the one-shot left idle.
        session.DigestInit(CKM.CKM_SHA256, ReadOnlySpan<byte>.Empty);
        session.DigestUpdate(a);
        session.DigestUpdate(b);
        var output = new byte[32];
        session.DigestFinal(output);
        Assert.Equal(SHA256.HashData(a.Concat(b).ToArray()), output);
    }

    [Fact]
    public void AnAbandonedDigestIsNotReused()
    {
        var session = SoftokenModule.Current.OpenSession(1, CKF.CKF_SERIAL_SESSION);
        byte[] a = Encoding.ASCII.GetBytes("abc");
        Assert.Equal(SHA256.HashData(a), DigestOnce(session, CKM.CKM_SHA256, a));

        session.DigestInit(CKM.CKM_SHA256, ReadOnlySpan<byte>.Empty);
        session.DigestUpdate(Encoding.ASCII.GetBytes("left behind"));
        session.Cancel(CKF.CKF_DIGEST);

        Assert.Equal(SHA256.HashData(a), DigestOnce(session, CKM.CKM_SHA256, a));
    }

    [Fact]
    public void ClosingTheLastSessionOfASlotLogsOutAndOnlyThen()
    {
        var module = SoftokenModule.Current;
        var rw = module.OpenSession(2, CKF.CKF_SERIAL_SESSION | CKF.CKF_RW_SESSION);
        module.Login(rw, CKU.CKU_SO, ReadOnlySpan<byte>.Empty);
        module.InitPin(rw, "user-pin"u8);
        module.Logout(rw);
        module.Login(rw, CKU.CKU_USER, "user-pin"u8);

        var other = module.OpenSession(2, CKF.CKF_SERIAL_SESSION);
        var crypto = module.OpenSession(1, CKF.CKF_SERIAL_SESSION);
        module.CloseSession(other.Handle);
        module.CloseSession(crypto.Handle);
        Assert.Equal(CKS.CKS_RW_USER_FUNCTIONS, rw.State);

        module.CloseSession(rw.Handle);
        var again = module.OpenSession(2, CKF.CKF_SERIAL_SESSION);
        Assert.Equal(CKS.CKS_RO_PUBLIC_SESSION, again.State);

        var e = Assert.Throws<Pkcs11Exception>(() => module.InitToken(2, "so-pin"u8, "Test"u8));
        Assert.Equal(CKR.CKR_SESSION_EXISTS, e.Rv);
        module.CloseSession(again.Handle);
        module.InitToken(2, "so-pin"u8, "Test"u8);
    }

    [Fact]
    public void PreparedFindsMatchWhateverTheTemplateShape()
    {
        var module = SoftokenModule.Current;
        var rw = module.OpenSession(2, CKF.CKF_SERIAL_SESSION | CKF.CKF_RW_SESSION);
        for (int i = 0; i < 3; i++) module.CreateObject(rw, Data($"label-{i % 2}", $"value-{i}"));

        for (int round = 0; round < 2; round++)
        {
            Assert.Equal(2, Find(module, rw, (CKA.CKA_LABEL, "label-0")).Length);
            Assert.Single(Find(module, rw, (CKA.CKA_LABEL, "label-1")));
            Assert.Single(Find(module, rw, (CKA.CKA_LABEL, "label-0"), (CKA.CKA_VALUE, "value-2")));
            Assert.Empty(Find(module, rw, (CKA.CKA_LABEL, "label-1"), (CKA.CKA_VALUE, "value-2")));
            Assert.Equal(3, Find(module, rw, (CKA.CKA_APPLICATION, "bench-test")).Length);
        }

        var handle = Find(module, rw, (CKA.CKA_VALUE, "value-1")).Single();
        var read = module.GetAttributeValues(rw, handle, [CKA.CKA_LABEL]);
        Assert.Equal("label-1", Encoding.ASCII.GetString(read[0].Value!));
        module.DestroyObject(rw, handle);
        Assert.Empty(Find(module, rw, (CKA.CKA_VALUE, "value-1")));
    }

    private static AttributeSet Data(string label, string value)
    {
        var set = new AttributeSet();
        set.SetUlong(CKA.CKA_CLASS, (ulong)CKO.CKO_DATA);
        set.SetBool(CKA.CKA_TOKEN, true);
        set.SetBool(CKA.CKA_PRIVATE, false);
        set.Set(CKA.CKA_LABEL, Encoding.ASCII.GetBytes(label));
        set.Set(CKA.CKA_APPLICATION, Encoding.ASCII.GetBytes("bench-test"));
        set.Set(CKA.CKA_VALUE, Encoding.ASCII.GetBytes(value));
        return set;
    }

    private static ulong[] Find(SoftokenModule module, Session session, params (CKA Type, string Value)[] criteria)
    {
        var template = new AttributeSet();
        foreach (var (type, value) in criteria) template.Set(type, Encoding.ASCII.GetBytes(value));
        module.FindObjectsInit(session, template);
        var found = new ulong[16];
        int count;
        lock (session.Gate)
        {
            count = session.Find!.Take(found);
            session.Find = null;
        }
        return found[..count];
    }
}
