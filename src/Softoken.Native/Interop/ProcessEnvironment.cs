using System.Runtime.InteropServices;

namespace Softoken.Native.Interop;

/// <summary>Reads the host process's environment as it is now, with libc's getenv: the runtime's own
/// Environment API may answer from a snapshot taken when the runtime started, but a host can change its
/// environment (setenv) between loading the module and each C_Initialize.</summary>
internal static partial class ProcessEnvironment
{
    public static string? Get(string name)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS() && !OperatingSystem.IsFreeBSD())
            return Environment.GetEnvironmentVariable(name);
        var value = getenv(name);
        return value == IntPtr.Zero ? null : Marshal.PtrToStringUTF8(value);
    }

    /// <summary>The process id as the kernel gives it now: the runtime's Environment.ProcessId is read once and
    /// stays the parent's in a child of fork.</summary>
    public static int ProcessId() =>
        OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD() ? getpid() : Environment.ProcessId;

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr getenv(string name);

    [LibraryImport("libc")]
    private static partial int getpid();
}
