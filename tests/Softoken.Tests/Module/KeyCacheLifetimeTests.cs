using System.Security.Cryptography;
using Softoken.Crypto;
using Softoken.Mechanisms.Parameters;
using Softoken.Module;
using Softoken.Objects;
using Softoken.Pkcs11;
using Softoken.Storage;
using Softoken.Tests.Crypto;

namespace Softoken.Tests.Module;

/// <summary>The shared key caches follow their objects: C_DestroyObject drops a key's imports (OpenSSL's copy is
/// freed once the last operation using it ends) and C_Finalize drops everything.</summary>
[Collection(ModuleCollection.Name)]
public sealed class KeyCacheLifetimeTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("softoken-test-").FullName;

    public KeyCacheLifetimeTests()
    {
        SoftokenModule.Initialize($"configdir='sql:{directory}' pinIterations=1000", _ => null,
            config => SqliteTokenStore.Open(config));
    }

    public void Dispose()
    {
        if (SoftokenModule.IsInitialized) SoftokenModule.Shutdown();
        Directory.Delete(directory, recursive: true);
    }

    private static (ulong Handle, AttributeSet Attributes) NewSigningKey()
    {
        var (_, priv) = Pk.Generate(CKM.CKM_EC_KEY_PAIR_GEN, Pk.Template((CKA.CKA_EC_PARAMS, Pk.EncodedOid("1.2.840.10045.3.1.7"))));
        var template = Pk.Template((CKA.CKA_CLASS, CKO.CKO_PRIVATE_KEY), (CKA.CKA_KEY_TYPE, CKK.CKK_EC), (CKA.CKA_TOKEN, false),
            (CKA.CKA_SIGN, true), (CKA.CKA_EC_PARAMS, priv.Bytes(CKA.CKA_EC_PARAMS)!), (CKA.CKA_VALUE, priv.Bytes(CKA.CKA_VALUE)!));
        var module = SoftokenModule.Current;
        var session = module.OpenSession(1, CKF.CKF_SERIAL_SESSION);
        var handle = module.CreateObject(session, template);
        module.SignInit(session, CKM.CKM_ECDSA, MechanismParameter.None, handle);
        var signature = new byte[64];
        Assert.Equal(64, session.Sign(new byte[32], signature));
        return (handle, priv);
    }

    [Fact]
    public void DestroyingAKeyDropsItsImport()
    {
        var (handle, attributes) = NewSigningKey();
        using var key = EcKey.Private(attributes);
        var before = key.PlatformSigner()!;
        var imported = before.Key;

        var module = SoftokenModule.Current;
        module.DestroyObject(module.OpenSession(1, CKF.CKF_SERIAL_SESSION), handle);

        using (var after = key.PlatformSigner()!) Assert.NotSame(imported, after.Key);
        imported.SignHash(new byte[32]); // the holder of a lease may finish
        before.Dispose();
        Assert.Throws<ObjectDisposedException>(() => imported.SignHash(new byte[32]));
    }

    [Fact]
    public void FinalizeDropsEveryImport()
    {
        var (_, attributes) = NewSigningKey();
        using var key = EcKey.Private(attributes);
        var lease = key.PlatformSigner()!;
        var imported = lease.Key;

        SoftokenModule.Shutdown();
        imported.SignHash(new byte[32]); // still leased
        lease.Dispose();
        Assert.Throws<ObjectDisposedException>(() => imported.SignHash(new byte[32]));
        using var fresh = key.PlatformSigner()!;
        Assert.NotSame(imported, fresh.Key);
        Assert.NotNull(fresh.Key.SignHash(new byte[32]));
    }
}
