using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Softoken.NativeTests.Infrastructure;

/// <summary>Pkcs11Interop 5.3 P/Invokes "libdl", but Debian 12 ships only libdl.so.2 (BUILD-NOTES).</summary>
internal static class LibdlResolver
{
    [ModuleInitializer]
    internal static void Register() =>
        NativeLibrary.SetDllImportResolver(typeof(Net.Pkcs11Interop.Common.CKR).Assembly, Resolve);

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path) =>
        name == "libdl" && OperatingSystem.IsLinux() ? NativeLibrary.Load("libdl.so.2") : IntPtr.Zero;
}
