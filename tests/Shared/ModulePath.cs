namespace Softoken.TestSupport;

/// <summary>Where the published module is: $SOFTOKEN_MODULE (set by build.sh), else out/libsoftoken.so above the
/// test assembly.</summary>
internal static class ModulePath
{
    public static string Value { get; } = Find();

    private static string Find()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("SOFTOKEN_MODULE");
        if (!string.IsNullOrEmpty(fromEnvironment)) return Path.GetFullPath(fromEnvironment);
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "out", "libsoftoken.so");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException("out/libsoftoken.so not found: run ./build.sh first or set SOFTOKEN_MODULE");
    }
}
