namespace Softoken.NativeTests.Infrastructure;

/// <summary>One per test class: a fresh <see cref="TokenDirectory"/> under which every test of the class gets its
/// own token database directory.</summary>
public sealed class ModuleFixture : IDisposable
{
    private int next;

    internal TokenDirectory Root { get; } = new();

    /// <summary>A new, empty directory for one token database.</summary>
    internal string NewDatabaseDirectory()
    {
        var dir = Path.Combine(Root.Path, $"token{Interlocked.Increment(ref next)}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    public void Dispose() => Root.Dispose();
}
