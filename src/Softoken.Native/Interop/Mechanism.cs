using Softoken.Mechanisms.Parameters;
using Softoken.Native.Abi;
using Softoken.Native.Interop.Parameters;
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

    /// <summary>The mechanism and its decoded parameter.</summary>
    public static (CKM Type, MechanismParameter Parameter) Decode(CK_MECHANISM* p)
    {
        var type = Type(p);
        return (type, ParameterDecoder.Decode(type, p->pParameter, p->ulParameterLen));
    }

    public static ReadOnlySpan<byte> Parameter(CK_MECHANISM* p)
    {
        Args.Require(p);
        return Args.In((byte*)p->pParameter, p->ulParameterLen);
    }
}
