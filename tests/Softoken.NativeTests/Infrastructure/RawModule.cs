using System.Runtime.InteropServices;
using Net.Pkcs11Interop.Common;

namespace Softoken.NativeTests.Infrastructure;

/// <summary>Calls any exported C_* function by name with raw arguments (CK_ULONGs and pointers, all one machine
/// word on Linux), for what Pkcs11Interop does not let a test express: NULL or garbage pointers, PKCS #11 3.0
/// functions, PKCS #11 3.2 functions, calls before C_Initialize. The library is the same loaded instance Pkcs11Interop uses.</summary>
internal sealed class RawModule
{
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] private delegate nuint Fn0();
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] private delegate nuint Fn1(nuint a);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] private delegate nuint Fn2(nuint a, nuint b);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] private delegate nuint Fn3(nuint a, nuint b, nuint c);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] private delegate nuint Fn4(nuint a, nuint b, nuint c, nuint d);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] private delegate nuint Fn5(nuint a, nuint b, nuint c, nuint d, nuint e);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] private delegate nuint Fn6(nuint a, nuint b, nuint c, nuint d, nuint e, nuint f);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] private delegate nuint Fn7(nuint a, nuint b, nuint c, nuint d, nuint e, nuint f, nuint g);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] private delegate nuint Fn8(nuint a, nuint b, nuint c, nuint d, nuint e, nuint f, nuint g, nuint h);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] private delegate nuint Fn9(nuint a, nuint b, nuint c, nuint d, nuint e, nuint f, nuint g, nuint h, nuint i);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] private delegate nuint Fn10(nuint a, nuint b, nuint c, nuint d, nuint e, nuint f, nuint g, nuint h, nuint i, nuint j);

    private static readonly Lazy<RawModule> Shared = new(() => new RawModule(Softoken.TestSupport.ModulePath.Value));
    private readonly IntPtr library;

    private RawModule(string path) => library = NativeLibrary.Load(path);

    /// <summary>The module, dlopen()ed once for the test process (it is linked -z nodelete anyway).</summary>
    public static RawModule Instance => Shared.Value;

    public bool TryGetExport(string name, out IntPtr address) => NativeLibrary.TryGetExport(library, name, out address);

    /// <summary>Calls <paramref name="name"/> with exactly the given arguments and returns its CK_RV.</summary>
    public CKR Call(string name, params nuint[] a) => CallPointer(NativeLibrary.GetExport(library, name), a);

    /// <summary>Calls the function at <paramref name="f"/> (an entry of a function list) with exactly the given
    /// arguments: how a PKCS #11 3.2 client reaches C_EncapsulateKey, which Pkcs11Interop does not know.</summary>
    public static CKR CallPointer(IntPtr f, params nuint[] a)
    {
        nuint rv = a.Length switch
        {
            0 => Marshal.GetDelegateForFunctionPointer<Fn0>(f)(),
            1 => Marshal.GetDelegateForFunctionPointer<Fn1>(f)(a[0]),
            2 => Marshal.GetDelegateForFunctionPointer<Fn2>(f)(a[0], a[1]),
            3 => Marshal.GetDelegateForFunctionPointer<Fn3>(f)(a[0], a[1], a[2]),
            4 => Marshal.GetDelegateForFunctionPointer<Fn4>(f)(a[0], a[1], a[2], a[3]),
            5 => Marshal.GetDelegateForFunctionPointer<Fn5>(f)(a[0], a[1], a[2], a[3], a[4]),
            6 => Marshal.GetDelegateForFunctionPointer<Fn6>(f)(a[0], a[1], a[2], a[3], a[4], a[5]),
            7 => Marshal.GetDelegateForFunctionPointer<Fn7>(f)(a[0], a[1], a[2], a[3], a[4], a[5], a[6]),
            8 => Marshal.GetDelegateForFunctionPointer<Fn8>(f)(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]),
            9 => Marshal.GetDelegateForFunctionPointer<Fn9>(f)(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8]),
            10 => Marshal.GetDelegateForFunctionPointer<Fn10>(f)(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9]),
            _ => throw new ArgumentOutOfRangeException(nameof(a)),
        };
        return (CKR)(uint)rv;
    }
}
