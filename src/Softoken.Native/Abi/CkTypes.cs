// CK_ULONG is "unsigned long": 64 bits on Linux and macOS (LP64), 32 bits on Windows (LLP64), where the
// specification also packs every structure to 1 byte.
#if WINDOWS_ABI
global using CK_ULONG = uint;
#else
global using CK_ULONG = nuint;
#endif

namespace Softoken.Native.Abi;

internal static class AbiLayout
{
#if WINDOWS_ABI
    public const int Pack = 1;
#else
    public const int Pack = 0;
#endif

    /// <summary>CK_UNAVAILABLE_INFORMATION: ~0UL.</summary>
    public static readonly CK_ULONG Unavailable = CK_ULONG.MaxValue;

    public const CK_ULONG EffectivelyInfinite = 0;
}
