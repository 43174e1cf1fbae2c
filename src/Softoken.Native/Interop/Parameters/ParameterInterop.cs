using Softoken.Mechanisms.Parameters;
using Softoken.Pkcs11;

namespace Softoken.Native.Interop.Parameters;

/// <summary>The parameter decoding and write-back entry points in pointer-free form (addresses as nint), for
/// callers that have no unsafe context: the unit tests check the ABI layouts through these.</summary>
internal static unsafe class ParameterInterop
{
    public static MechanismParameter Decode(CKM mechanism, nint parameter, ulong length) =>
        ParameterDecoder.Decode(mechanism, (void*)parameter, (CK_ULONG)length);

    public static void WritePbeInitVector(nint parameter, PbeParameter decoded) =>
        PbeParameterDecoders.WriteBack((void*)parameter, decoded);

    public static void WriteTlsVersion(CKM mechanism, nint parameter, TlsVersionOutput version) =>
        TlsParameterDecoders.WriteVersion(mechanism, (void*)parameter, version);

    public static void WriteTlsKeyMaterial(CKM mechanism, nint parameter, TlsKeyMaterial material, ulong[] handles) =>
        TlsParameterDecoders.WriteKeyMaterial(mechanism, (void*)parameter, material, handles[0], handles[1], handles[2], handles[3]);
}
