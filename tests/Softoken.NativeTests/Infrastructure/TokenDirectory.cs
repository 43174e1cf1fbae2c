namespace Softoken.NativeTests.Infrastructure;

/// <summary>A fresh, private token database directory for one test, removed afterwards.</summary>
internal sealed class TokenDirectory : IDisposable
{
    public TokenDirectory() => Path = Directory.CreateTempSubdirectory("softoken-test-").FullName;

    public string Path { get; }

    /// <summary>The NSS-style parameter string that points the module at this directory.</summary>
    public string Parameters(string extra = "") => $"configdir='sql:{Path}' {extra}".Trim();

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
