using System.Runtime.InteropServices;

namespace Softoken.NativeTests.Infrastructure;

/// <summary>The process environment as libc sees it. The module reads it with getenv at each C_Initialize;
/// Environment.SetEnvironmentVariable only changes .NET's own copy.</summary>
internal static class NativeEnvironment
{
    public static string? Get(string name)
    {
        var value = getenv(name);
        return value == IntPtr.Zero ? null : Marshal.PtrToStringUTF8(value);
    }

    /// <summary>Sets a variable, or removes it when <paramref name="value"/> is null.</summary>
    public static void Set(string name, string? value)
    {
        int rc = value is null ? unsetenv(name) : setenv(name, value, 1);
        if (rc != 0) throw new InvalidOperationException($"cannot set {name} (errno {Marshal.GetLastPInvokeError()})");
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int setenv(string name, string value, int overwrite);

    [DllImport("libc", SetLastError = true)]
    private static extern int unsetenv(string name);

    [DllImport("libc")]
    private static extern IntPtr getenv(string name);
}

/// <summary>Changes native environment variables for one test and puts the old values back afterwards.</summary>
internal sealed class EnvironmentScope : IDisposable
{
    /// <summary>Every variable through which the module finds its configuration.</summary>
    public static readonly string[] ConfigurationVariables =
        ["SOFTOKEN_PARAMS", "SOFTOKEN_CONF", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "HOME"];

    private readonly Dictionary<string, string?> saved = [];

    public void Set(string name, string? value)
    {
        saved.TryAdd(name, NativeEnvironment.Get(name));
        NativeEnvironment.Set(name, value);
    }

    public void Dispose()
    {
        foreach (var (name, value) in saved) NativeEnvironment.Set(name, value);
        saved.Clear();
    }
}
