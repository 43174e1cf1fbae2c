using System.Security.Cryptography;
using Softoken.Crypto;
using Softoken.Mechanisms.Parameters;
using Softoken.Module;
using Softoken.Objects;
using Softoken.Pkcs11;
using Softoken.Sessions;
using Softoken.Storage;

namespace Softoken.Tests.Module;

/// <summary>Operation inits share a session key's attributes instead of copying them (bench/RESULTS.md): an operation
/// in progress keeps working when its key is destroyed, the key's value is wiped as soon as the last operation using
/// it ends (or at C_Finalize), the caches keyed by the value forget it then, and a destroyed or changed key is never
/// used again.</summary>
[Collection(ModuleCollection.Name)]
public sealed class KeyLeaseTests : IDisposable
{
    private static readonly byte[] Iv = new byte[16];
    private static readonly byte[] Block = "sixteen byte msg"u8.ToArray();

    private readonly string directory = Directory.CreateTempSubdirectory("softoken-test-").FullName;
    private readonly SoftokenModule module;
    private readonly Session session;

    public KeyLeaseTests()
    {
        SoftokenModule.Initialize($"configdir='sql:{directory}' pinIterations=1000", _ => null,
            config => SqliteTokenStore.Open(config));
        module = SoftokenModule.Current;
        session = module.OpenSession(1, CKF.CKF_SERIAL_SESSION | CKF.CKF_RW_SESSION);
    }

    public void Dispose()
    {
        if (SoftokenModule.IsInitialized) SoftokenModule.Shutdown();
        Directory.Delete(directory, recursive: true);
    }

    private ulong CreateAesKey(byte[] value)
    {
        var template = new AttributeSet();
        template.SetUlong(CKA.CKA_CLASS, (ulong)CKO.CKO_SECRET_KEY);
        template.SetUlong(CKA.CKA_KEY_TYPE, (ulong)CKK.CKK_AES);
        template.SetBool(CKA.CKA_TOKEN, false);
        template.SetBool(CKA.CKA_ENCRYPT, true);
        template.Set(CKA.CKA_VALUE, (byte[])value.Clone());
        return module.CreateObject(session, template);
    }

    /// <summary>The object's current attribute set itself (not a copy), to watch it being wiped.</summary>
    private AttributeSet StoredSet(ulong handle)
    {
        using var lease = module.Objects.LeaseSessionObject(handle)!.Value.Lease;
        return lease.Attributes;
    }

    private static byte[] ExpectedCbc(byte[] key)
    {
        using var aes = Aes.Create();
        aes.Key = key;
        return aes.EncryptCbc(Block, Iv, PaddingMode.None);
    }

    private byte[] EncryptOnce(ulong handle)
    {
        module.EncryptInit(session, CKM.CKM_AES_CBC, new BytesParameter(Iv), handle);
        var output = new byte[16];
        Assert.Equal(16, session.CipherOneShot(true, Block, output));
        return output;
    }

    [Fact]
    public void AKeyDestroyedDuringAnOperationIsWipedWhenTheOperationEnds()
    {
        var value = RandomNumberGenerator.GetBytes(16);
        var handle = CreateAesKey(value);
        Assert.Equal(ExpectedCbc(value), EncryptOnce(handle));
        var set = StoredSet(handle);

        module.EncryptInit(session, CKM.CKM_AES_CBC, new BytesParameter(Iv), handle);
        module.DestroyObject(session, handle);
        Assert.Equal(value, set.Bytes(CKA.CKA_VALUE));

        var output = new byte[16];
        session.CipherOneShot(true, Block, output);
        Assert.Equal(ExpectedCbc(value), output);
        Assert.Equal(0, set.Count);

        var e = Assert.Throws<Pkcs11Exception>(() => module.EncryptInit(session, CKM.CKM_AES_CBC, new BytesParameter(Iv), handle));
        Assert.Equal(CKR.CKR_KEY_HANDLE_INVALID, e.Rv);
    }

    [Fact]
    public void TheCachedKeyScheduleIsWipedWithTheKey()
    {
        var value = RandomNumberGenerator.GetBytes(16);
        var handle = CreateAesKey(value);
        EncryptOnce(handle);
        var stored = StoredSet(handle).Bytes(CKA.CKA_VALUE)!;
        if (AesKeySchedules.Get(stored, true, out var cachedCopy) is null) return; // no AES-NI: nothing is cached
        Assert.NotSame(stored, cachedCopy);
        Assert.Equal(value, cachedCopy);

        module.DestroyObject(session, handle);

        Assert.All(cachedCopy, b => Assert.Equal(0, b));
        Assert.All(stored, b => Assert.Equal(0, b));
    }

    [Fact]
    public void AChangedKeyIsUsedAsChangedAndItsOldSetIsWiped()
    {
        var value = RandomNumberGenerator.GetBytes(16);
        var handle = CreateAesKey(value);
        EncryptOnce(handle);
        var before = StoredSet(handle);

        var changes = new AttributeSet();
        changes.SetBool(CKA.CKA_ENCRYPT, false);
        module.SetAttributeValues(session, handle, changes);

        Assert.Equal(0, before.Count);
        var e = Assert.Throws<Pkcs11Exception>(() => EncryptOnce(handle));
        Assert.Equal(CKR.CKR_KEY_FUNCTION_NOT_PERMITTED, e.Rv);
    }

    [Fact]
    public void ClosingTheSessionAndFinalizeWipeKeysInUse()
    {
        var handle = CreateAesKey(RandomNumberGenerator.GetBytes(16));
        var set = StoredSet(handle);
        module.EncryptInit(session, CKM.CKM_AES_CBC, new BytesParameter(Iv), handle);
        module.CloseSession(session.Handle);
        Assert.Equal(0, set.Count);

        var other = module.OpenSession(1, CKF.CKF_SERIAL_SESSION | CKF.CKF_RW_SESSION);
        var template = new AttributeSet();
        template.SetUlong(CKA.CKA_CLASS, (ulong)CKO.CKO_SECRET_KEY);
        template.SetUlong(CKA.CKA_KEY_TYPE, (ulong)CKK.CKK_AES);
        template.SetBool(CKA.CKA_ENCRYPT, true);
        template.Set(CKA.CKA_VALUE, RandomNumberGenerator.GetBytes(16));
        var second = module.CreateObject(other, template);
        var secondSet = StoredSet(second);
        module.EncryptInit(other, CKM.CKM_AES_CBC, new BytesParameter(Iv), second);

        SoftokenModule.Shutdown();

        Assert.Equal(0, secondSet.Count);
    }
}
