using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Softoken.Native.Abi;
using Softoken.Native.Interop;

namespace Softoken.Native.Exports;

/// <summary>Key management (PKCS #11 v3.0 section 5.18).</summary>
internal static unsafe class KeysExports
{
    [UnmanagedCallersOnly(EntryPoint = "C_GenerateKey", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_GenerateKey(CK_ULONG hSession, CK_MECHANISM* pMechanism, CK_ATTRIBUTE* pTemplate, CK_ULONG ulCount, CK_ULONG* phKey) => Boundary.NotSupported();

    [UnmanagedCallersOnly(EntryPoint = "C_GenerateKeyPair", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_GenerateKeyPair(CK_ULONG hSession, CK_MECHANISM* pMechanism, CK_ATTRIBUTE* pPublicKeyTemplate, CK_ULONG ulPublicKeyAttributeCount, CK_ATTRIBUTE* pPrivateKeyTemplate, CK_ULONG ulPrivateKeyAttributeCount, CK_ULONG* phPublicKey, CK_ULONG* phPrivateKey) => Boundary.NotSupported();

    [UnmanagedCallersOnly(EntryPoint = "C_WrapKey", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_WrapKey(CK_ULONG hSession, CK_MECHANISM* pMechanism, CK_ULONG hWrappingKey, CK_ULONG hKey, byte* pWrappedKey, CK_ULONG* pulWrappedKeyLen) => Boundary.NotSupported();

    [UnmanagedCallersOnly(EntryPoint = "C_UnwrapKey", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_UnwrapKey(CK_ULONG hSession, CK_MECHANISM* pMechanism, CK_ULONG hUnwrappingKey, byte* pWrappedKey, CK_ULONG ulWrappedKeyLen, CK_ATTRIBUTE* pTemplate, CK_ULONG ulAttributeCount, CK_ULONG* phKey) => Boundary.NotSupported();

    [UnmanagedCallersOnly(EntryPoint = "C_DeriveKey", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_DeriveKey(CK_ULONG hSession, CK_MECHANISM* pMechanism, CK_ULONG hBaseKey, CK_ATTRIBUTE* pTemplate, CK_ULONG ulAttributeCount, CK_ULONG* phKey) => Boundary.NotSupported();
}
