using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Softoken.Native.Abi;

/// <summary>Builds the CK_FUNCTION_LIST structures once, in native memory that lives as long as the process
/// (the module is never unloaded), and the CK_INTERFACEs "PKCS 11" 3.0 (the default, first in the list, so that
/// 3.0 consumers asking for "PKCS 11" without a version keep the table they know), 3.2 and 2.40, then NSS's
/// "Vendor NSS KEM Interface" (CK_NSS_KEM_FUNCTIONS of NSS's pkcs11n.h: version 1.0, C_Encapsulate, C_Decapsulate),
/// through which NSS reaches ML-KEM.</summary>
internal static unsafe partial class FunctionTable
{
    /// <summary>CK_FUNCTION_LIST: CK_VERSION, then the pointers at their natural alignment (packed on Windows).</summary>
    private static readonly int PointerOffset = AbiLayout.Pack == 1 ? sizeof(CK_VERSION) : sizeof(void*);

    public static readonly void* Version30 = Build(3, 0, Version30Count);
    public static readonly void* Version32 = Build(3, 2, Version32Count);
    public static readonly void* Version240 = Build(2, 40, Version240Count);

    private static readonly byte* InterfaceName = Utf8("PKCS 11");

    private static readonly byte* NssKemInterfaceName = Utf8("Vendor NSS KEM Interface");

    public static readonly void* NssKemFunctions = BuildNssKem();

    public static readonly CK_INTERFACE* Interfaces = BuildInterfaces();

    public const int InterfaceCount = 4;

    /// <summary>C_GetInterface: a NULL name or version matches any; flags must all be offered.</summary>
    public static CK_INTERFACE* FindInterface(byte* name, CK_VERSION* version, ulong flags)
    {
        for (int i = 0; i < InterfaceCount; i++)
        {
            var candidate = &Interfaces[i];
            if (name != null && !SameName(name, candidate->pInterfaceName)) continue;
            var listVersion = (CK_VERSION*)candidate->pFunctionList;
            if (version != null && (version->major != listVersion->major || version->minor != listVersion->minor)) continue;
            if ((flags & ~(ulong)candidate->flags) != 0) continue;
            return candidate;
        }
        return null;
    }

    private static bool SameName(byte* a, byte* b)
    {
        for (int i = 0; i < 64; i++)
        {
            if (a[i] != b[i]) return false;
            if (a[i] == 0) return true;
        }
        return false;
    }

    private static void* Build(byte major, byte minor, int count)
    {
        var functions = Functions();
        var list = (byte*)NativeMemory.AllocZeroed((nuint)(PointerOffset + count * sizeof(void*)));
        *(CK_VERSION*)list = new CK_VERSION { major = major, minor = minor };
        for (int i = 0; i < count; i++) Unsafe.WriteUnaligned(list + PointerOffset + i * sizeof(void*), (nint)functions[i]);
        return list;
    }

    private static void* BuildNssKem()
    {
        var list = (byte*)NativeMemory.AllocZeroed((nuint)(PointerOffset + 2 * sizeof(void*)));
        *(CK_VERSION*)list = new CK_VERSION { major = 1, minor = 0 };
        Unsafe.WriteUnaligned(list + PointerOffset, (nint)(delegate* unmanaged[Cdecl]<CK_ULONG, CK_MECHANISM*, CK_ULONG, CK_ATTRIBUTE*, CK_ULONG, CK_ULONG*, byte*, CK_ULONG*, CK_ULONG>)&Exports.KemExports.NSC_Encapsulate);
        Unsafe.WriteUnaligned(list + PointerOffset + sizeof(void*), (nint)(delegate* unmanaged[Cdecl]<CK_ULONG, CK_MECHANISM*, CK_ULONG, byte*, CK_ULONG, CK_ATTRIBUTE*, CK_ULONG, CK_ULONG*, CK_ULONG>)&Exports.KemExports.NSC_Decapsulate);
        return list;
    }

    private static CK_INTERFACE* BuildInterfaces()
    {
        var interfaces = (CK_INTERFACE*)NativeMemory.AllocZeroed((nuint)(InterfaceCount * sizeof(CK_INTERFACE)));
        interfaces[0] = new CK_INTERFACE { pInterfaceName = InterfaceName, pFunctionList = Version30, flags = 0 };
        interfaces[1] = new CK_INTERFACE { pInterfaceName = InterfaceName, pFunctionList = Version32, flags = 0 };
        interfaces[2] = new CK_INTERFACE { pInterfaceName = InterfaceName, pFunctionList = Version240, flags = 0 };
        interfaces[3] = new CK_INTERFACE { pInterfaceName = NssKemInterfaceName, pFunctionList = NssKemFunctions, flags = 0 };
        return interfaces;
    }

    private static byte* Utf8(string text)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        var p = (byte*)NativeMemory.AllocZeroed((nuint)(bytes.Length + 1));
        bytes.CopyTo(new Span<byte>(p, bytes.Length));
        return p;
    }
}
