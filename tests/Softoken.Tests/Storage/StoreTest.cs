using Softoken.Configuration;
using Softoken.Tokens;

namespace Softoken.Tests.Storage;

/// <summary>A token database of a test's own: a temporary directory (deleted afterwards), its configuration with a
/// cheap PIN KDF, and a master key for sealing.</summary>
public abstract class StoreTest : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("softoken-store-");

    protected byte[] MasterKey { get; } = PinVault.NewMasterKey();

    protected string DirectoryPath => dir.FullName;

    private protected ModuleConfig Config => ModuleConfig.FromParameters($"configdir='sql:{dir.FullName}' pinIterations=1000", "test", dir.FullName);

    public void Dispose()
    {
        dir.Delete(recursive: true);
        GC.SuppressFinalize(this);
    }
}
