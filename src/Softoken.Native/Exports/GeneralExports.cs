using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Softoken.Module;
using Softoken.Native.Abi;
using Softoken.Native.Interop;
using Softoken.Pkcs11;
using Softoken.Storage;

namespace Softoken.Native.Exports;

/// <summary>General-purpose functions (PKCS #11 v3.0 section 5.4).</summary>
internal static unsafe class GeneralExports
{
    private const int MaxParameterStringLength = 64 * 1024;

    [UnmanagedCallersOnly(EntryPoint = "C_Initialize", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_Initialize(void* pInitArgs)
    {
        try
        {
            string? parameters = null;
            if (pInitArgs != null)
            {
                Args.Require(pInitArgs);
                var args = (CK_C_INITIALIZE_ARGS*)pInitArgs;
                int given = (args->CreateMutex != null ? 1 : 0) + (args->DestroyMutex != null ? 1 : 0)
                    + (args->LockMutex != null ? 1 : 0) + (args->UnlockMutex != null ? 1 : 0);
                if (given is not (0 or 4)) return Boundary.Rv(CKR.CKR_ARGUMENTS_BAD);
                // Softoken locks with the OS primitives only; an application that insists on its own mutex
                // callbacks gets CKR_CANT_LOCK (PKCS #11 v3.0 section 5.4, case 3), as softokn answers.
                if (given == 4 && ((ulong)args->flags & CKF.CKF_OS_LOCKING_OK) == 0) return Boundary.Rv(CKR.CKR_CANT_LOCK);
                if (args->pReserved != null)
                {
                    Args.Require(args->pReserved);
                    parameters = Text.ReadTerminated((byte*)args->pReserved, MaxParameterStringLength)
                        ?? throw new Pkcs11Exception(CKR.CKR_ARGUMENTS_BAD);
                }
            }
            SoftokenModule.Initialize(parameters, ProcessEnvironment.Get, SqliteTokenStore.Open, ProcessEnvironment.ProcessId);
            return Boundary.Ok;
        }
        catch (Exception e)
        {
            return Boundary.ToRv(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "C_Finalize", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_Finalize(void* pReserved)
    {
        try
        {
            if (pReserved != null) return Boundary.Rv(CKR.CKR_ARGUMENTS_BAD);
            SoftokenModule.Shutdown();
            return Boundary.Ok;
        }
        catch (Exception e)
        {
            return Boundary.ToRv(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "C_GetInfo", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_GetInfo(CK_INFO* pInfo)
    {
        try
        {
            var config = SoftokenModule.Current.Config;
            Args.Require(pInfo);
            pInfo->cryptokiVersion = new CK_VERSION { major = LibraryInfo.CryptokiMajor, minor = LibraryInfo.CryptokiMinor };
            Text.Pad(config.ManufacturerId, pInfo->manufacturerID, 32);
            pInfo->flags = 0;
            Text.Pad(config.LibraryDescription, pInfo->libraryDescription, 32);
            pInfo->libraryVersion = new CK_VERSION { major = LibraryInfo.LibraryMajor, minor = LibraryInfo.LibraryMinor };
            return Boundary.Ok;
        }
        catch (Exception e)
        {
            return Boundary.ToRv(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "C_GetFunctionList", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_GetFunctionList(void** ppFunctionList)
    {
        try
        {
            Args.Require(ppFunctionList);
            *ppFunctionList = FunctionTable.Version240;
            return Boundary.Ok;
        }
        catch (Exception e)
        {
            return Boundary.ToRv(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "C_GetInterfaceList", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_GetInterfaceList(CK_INTERFACE* pInterfacesList, CK_ULONG* pulCount)
    {
        try
        {
            int count = FunctionTable.InterfaceCount;
            if (!Output.Prepare(pInterfacesList, pulCount, count, out var rv)) return rv;
            for (int i = 0; i < count; i++) pInterfacesList[i] = FunctionTable.Interfaces[i];
            *pulCount = (CK_ULONG)count;
            return Boundary.Ok;
        }
        catch (Exception e)
        {
            return Boundary.ToRv(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "C_GetInterface", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_GetInterface(byte* pInterfaceName, CK_VERSION* pVersion, CK_INTERFACE** ppInterface, CK_ULONG flags)
    {
        try
        {
            Args.Require(ppInterface);
            if (Args.IsBad(pInterfaceName) || Args.IsBad(pVersion)) return Boundary.Rv(CKR.CKR_ARGUMENTS_BAD);
            var found = FunctionTable.FindInterface(pInterfaceName, pVersion, (ulong)flags);
            if (found == null) return Boundary.Rv(CKR.CKR_ARGUMENTS_BAD);
            *ppInterface = found;
            return Boundary.Ok;
        }
        catch (Exception e)
        {
            return Boundary.ToRv(e);
        }
    }
}
