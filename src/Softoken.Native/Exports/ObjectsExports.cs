using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Softoken.Native.Abi;
using Softoken.Native.Interop;

namespace Softoken.Native.Exports;

/// <summary>Object management (PKCS #11 v3.0 section 5.7).</summary>
internal static unsafe class ObjectsExports
{
    [UnmanagedCallersOnly(EntryPoint = "C_CreateObject", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_CreateObject(CK_ULONG hSession, CK_ATTRIBUTE* pTemplate, CK_ULONG ulCount, CK_ULONG* phObject) => Boundary.NotSupported();

    [UnmanagedCallersOnly(EntryPoint = "C_CopyObject", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_CopyObject(CK_ULONG hSession, CK_ULONG hObject, CK_ATTRIBUTE* pTemplate, CK_ULONG ulCount, CK_ULONG* phNewObject) => Boundary.NotSupported();

    [UnmanagedCallersOnly(EntryPoint = "C_DestroyObject", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_DestroyObject(CK_ULONG hSession, CK_ULONG hObject) => Boundary.NotSupported();

    [UnmanagedCallersOnly(EntryPoint = "C_GetObjectSize", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_GetObjectSize(CK_ULONG hSession, CK_ULONG hObject, CK_ULONG* pulSize) => Boundary.NotSupported();

    [UnmanagedCallersOnly(EntryPoint = "C_GetAttributeValue", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_GetAttributeValue(CK_ULONG hSession, CK_ULONG hObject, CK_ATTRIBUTE* pTemplate, CK_ULONG ulCount) => Boundary.NotSupported();

    [UnmanagedCallersOnly(EntryPoint = "C_SetAttributeValue", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_SetAttributeValue(CK_ULONG hSession, CK_ULONG hObject, CK_ATTRIBUTE* pTemplate, CK_ULONG ulCount) => Boundary.NotSupported();

    [UnmanagedCallersOnly(EntryPoint = "C_FindObjectsInit", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_FindObjectsInit(CK_ULONG hSession, CK_ATTRIBUTE* pTemplate, CK_ULONG ulCount) => Boundary.NotSupported();

    [UnmanagedCallersOnly(EntryPoint = "C_FindObjects", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_FindObjects(CK_ULONG hSession, CK_ULONG* phObject, CK_ULONG ulMaxObjectCount, CK_ULONG* pulObjectCount) => Boundary.NotSupported();

    [UnmanagedCallersOnly(EntryPoint = "C_FindObjectsFinal", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_FindObjectsFinal(CK_ULONG hSession) => Boundary.NotSupported();
}
