using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Softoken.Native.Interop;

namespace Softoken.Native.Exports;

/// <summary>Asynchronous sessions (PKCS #11 v3.2 section 5.20). Softoken completes every call before it returns and
/// never opens a session with CKF_ASYNC_SESSION, so there is nothing to complete, identify or join.</summary>
internal static unsafe class AsyncExports
{
    [UnmanagedCallersOnly(EntryPoint = "C_AsyncComplete", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_AsyncComplete(CK_ULONG hSession, byte* pFunctionName, void* pResult) => Boundary.NotSupported();

    [UnmanagedCallersOnly(EntryPoint = "C_AsyncGetID", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_AsyncGetID(CK_ULONG hSession, byte* pFunctionName, CK_ULONG* pulID) => Boundary.NotSupported();

    [UnmanagedCallersOnly(EntryPoint = "C_AsyncJoin", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_AsyncJoin(CK_ULONG hSession, byte* pFunctionName, CK_ULONG ulID, byte* pData, CK_ULONG ulData) => Boundary.NotSupported();
}
