using Softoken.Mechanisms;
using Softoken.Pkcs11;

namespace Softoken.Native.Interop.Parameters;

/// <summary>Mechanisms whose C_DeriveKey or C_GenerateKey returns more than a key write it back through their
/// parameter structure (CK_TLS12_KEY_MAT_PARAMS' handles and IVs, CK_PBE_PARAMS' IV ...). Each family that
/// has such outputs adds its writer to <see cref="Writers"/>.</summary>
internal static unsafe class ParameterWriteBack
{
    public delegate void Writer(byte* parameter, CK_ULONG length, DeriveResult result, Func<Objects.AttributeSet, ulong> addKey);

    private static readonly Dictionary<CKM, Writer> Writers = [];

    /// <summary>Writes the extra outputs of <paramref name="result"/>; <paramref name="addKey"/> stores an extra
    /// key object (TLS key block keys) and returns its handle.</summary>
    public static void Apply(CKM mechanism, void* parameter, CK_ULONG length, DeriveResult result, Func<Objects.AttributeSet, ulong> addKey)
    {
        if (result.Extra is null) return;
        if (!Writers.TryGetValue(mechanism, out var writer)) throw new Pkcs11Exception(CKR.CKR_GENERAL_ERROR, $"no write-back for {mechanism}");
        writer((byte*)parameter, length, result, addKey);
    }
}
