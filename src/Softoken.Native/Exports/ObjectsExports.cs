using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Softoken.Module;
using Softoken.Native.Abi;
using Softoken.Native.Interop;
using Softoken.Pkcs11;

namespace Softoken.Native.Exports;

/// <summary>Object management (PKCS #11 v3.0 section 5.7).</summary>
internal static unsafe class ObjectsExports
{
    [UnmanagedCallersOnly(EntryPoint = "C_CreateObject", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_CreateObject(CK_ULONG hSession, CK_ATTRIBUTE* pTemplate, CK_ULONG ulCount, CK_ULONG* phObject)
    {
        try
        {
            var module = SoftokenModule.Current;
            var session = module.Sessions.Get(hSession);
            Args.Require(phObject);
            using var template = Templates.Read(pTemplate, ulCount);
            *phObject = (CK_ULONG)module.CreateObject(session, template);
            return Boundary.Ok;
        }
        catch (Exception e)
        {
            return Boundary.ToRv(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "C_CopyObject", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_CopyObject(CK_ULONG hSession, CK_ULONG hObject, CK_ATTRIBUTE* pTemplate, CK_ULONG ulCount, CK_ULONG* phNewObject)
    {
        try
        {
            var module = SoftokenModule.Current;
            var session = module.Sessions.Get(hSession);
            Args.Require(phNewObject);
            using var template = Templates.Read(pTemplate, ulCount);
            *phNewObject = (CK_ULONG)module.CopyObject(session, hObject, template);
            return Boundary.Ok;
        }
        catch (Exception e)
        {
            return Boundary.ToRv(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "C_DestroyObject", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_DestroyObject(CK_ULONG hSession, CK_ULONG hObject)
    {
        try
        {
            var module = SoftokenModule.Current;
            module.DestroyObject(module.Sessions.Get(hSession), hObject);
            return Boundary.Ok;
        }
        catch (Exception e)
        {
            return Boundary.ToRv(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "C_GetObjectSize", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_GetObjectSize(CK_ULONG hSession, CK_ULONG hObject, CK_ULONG* pulSize)
    {
        try
        {
            var module = SoftokenModule.Current;
            var session = module.Sessions.Get(hSession);
            Args.Require(pulSize);
            *pulSize = (CK_ULONG)module.GetObjectSize(session, hObject);
            return Boundary.Ok;
        }
        catch (Exception e)
        {
            return Boundary.ToRv(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "C_GetAttributeValue", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_GetAttributeValue(CK_ULONG hSession, CK_ULONG hObject, CK_ATTRIBUTE* pTemplate, CK_ULONG ulCount)
    {
        try
        {
            var module = SoftokenModule.Current;
            var session = module.Sessions.Get(hSession);
            var reads = module.GetAttributeValues(session, hObject, Templates.Types(pTemplate, ulCount));
            return Boundary.Rv(Templates.Write(pTemplate, reads));
        }
        catch (Exception e)
        {
            return Boundary.ToRv(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "C_SetAttributeValue", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_SetAttributeValue(CK_ULONG hSession, CK_ULONG hObject, CK_ATTRIBUTE* pTemplate, CK_ULONG ulCount)
    {
        try
        {
            var module = SoftokenModule.Current;
            var session = module.Sessions.Get(hSession);
            using var template = Templates.Read(pTemplate, ulCount);
            module.SetAttributeValues(session, hObject, template);
            return Boundary.Ok;
        }
        catch (Exception e)
        {
            return Boundary.ToRv(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "C_FindObjectsInit", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_FindObjectsInit(CK_ULONG hSession, CK_ATTRIBUTE* pTemplate, CK_ULONG ulCount)
    {
        try
        {
            var module = SoftokenModule.Current;
            var session = module.Sessions.Get(hSession);
            using var template = Templates.Read(pTemplate, ulCount);
            module.FindObjectsInit(session, template);
            return Boundary.Ok;
        }
        catch (Exception e)
        {
            return Boundary.ToRv(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "C_FindObjects", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_FindObjects(CK_ULONG hSession, CK_ULONG* phObject, CK_ULONG ulMaxObjectCount, CK_ULONG* pulObjectCount)
    {
        try
        {
            var session = SoftokenModule.Current.Sessions.Get(hSession);
            Args.Require(pulObjectCount);
            if (ulMaxObjectCount != 0) Args.Require(phObject);
            int max = (int)Math.Min((ulong)ulMaxObjectCount, 4096);
            Span<ulong> found = stackalloc ulong[max];
            int count;
            lock (session.Gate)
            {
                var find = session.Find ?? throw new Pkcs11Exception(CKR.CKR_OPERATION_NOT_INITIALIZED);
                count = find.Take(found);
            }
            for (int i = 0; i < count; i++) phObject[i] = (CK_ULONG)found[i];
            *pulObjectCount = (CK_ULONG)count;
            return Boundary.Ok;
        }
        catch (Exception e)
        {
            return Boundary.ToRv(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "C_FindObjectsFinal", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_FindObjectsFinal(CK_ULONG hSession)
    {
        try
        {
            var session = SoftokenModule.Current.Sessions.Get(hSession);
            lock (session.Gate)
            {
                if (session.Find is null) return Boundary.Rv(CKR.CKR_OPERATION_NOT_INITIALIZED);
                session.Find = null;
            }
            return Boundary.Ok;
        }
        catch (Exception e)
        {
            return Boundary.ToRv(e);
        }
    }
}
