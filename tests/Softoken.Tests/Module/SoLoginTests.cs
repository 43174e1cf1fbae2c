using Softoken.Module;
using Softoken.Pkcs11;
using Softoken.Storage;

namespace Softoken.Tests.Module;

/// <summary>The SO login rules around read-only sessions, including the NSS bootstrap exception that
/// <c>modutil -changepw</c> depends on (conformance/nss.sh drives it through NSS). The module is a process-wide
/// singleton, so every test class that initialises it belongs to this collection.</summary>
[Collection(ModuleCollection.Name)]
public sealed class SoLoginTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("softoken-test-").FullName;

    public SoLoginTests()
    {
        SoftokenModule.Initialize($"configdir='sql:{directory}' pinIterations=1000", _ => null,
            config => SqliteTokenStore.Open(config));
    }

    public void Dispose()
    {
        SoftokenModule.Shutdown();
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public void BootstrapAcceptsSoLoginWhileAnotherSessionIsReadOnly()
    {
        var module = SoftokenModule.Current;
        module.OpenSession(2, CKF.CKF_SERIAL_SESSION);
        var rw = module.OpenSession(2, CKF.CKF_SERIAL_SESSION | CKF.CKF_RW_SESSION);

        module.Login(rw, CKU.CKU_SO, ReadOnlySpan<byte>.Empty);
        module.InitPin(rw, "first"u8);
        module.Logout(rw);

        Assert.Equal(CKF.CKF_USER_PIN_INITIALIZED, module.GetTokenInfo(2).Flags & CKF.CKF_USER_PIN_INITIALIZED);
    }

    [Fact]
    public void BootstrapStillNeedsAReadWriteLoginSession()
    {
        var module = SoftokenModule.Current;
        var ro = module.OpenSession(2, CKF.CKF_SERIAL_SESSION);

        var e = Assert.Throws<Pkcs11Exception>(() => module.Login(ro, CKU.CKU_SO, ReadOnlySpan<byte>.Empty));
        Assert.Equal(CKR.CKR_SESSION_READ_ONLY_EXISTS, e.Rv);
    }

    [Fact]
    public void OutsideTheBootstrapAReadOnlySessionBlocksTheSo()
    {
        var module = SoftokenModule.Current;
        module.InitToken(2, "so-pin"u8, "Test"u8);
        module.OpenSession(2, CKF.CKF_SERIAL_SESSION);
        var rw = module.OpenSession(2, CKF.CKF_SERIAL_SESSION | CKF.CKF_RW_SESSION);

        var e = Assert.Throws<Pkcs11Exception>(() => module.Login(rw, CKU.CKU_SO, "so-pin"u8));
        Assert.Equal(CKR.CKR_SESSION_READ_ONLY_EXISTS, e.Rv);
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ModuleCollection
{
    public const string Name = "SoftokenModule";
}
