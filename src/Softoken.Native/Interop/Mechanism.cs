using Softoken.Native.Abi;
using Softoken.Pkcs11;

namespace Softoken.Native.Interop;

/// <summary>Reads a CK_MECHANISM into its type and raw parameter bytes.</summary>
internal static unsafe class Mechanism
{
    public static CKM Type(CK_MECHANISM* p)
    {
        Args.Require(p);
        return (CKM)(ulong)p->mechanism;
    }

    public static ReadOnlySpan<byte> Parameter(CK_MECHANISM* p)
    {
        Args.Require(p);
        return Args.In((byte*)p->pParameter, p->ulParameterLen);
    }
}
