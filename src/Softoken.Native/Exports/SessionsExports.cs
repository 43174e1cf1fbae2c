using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Softoken.Module;
using Softoken.Native.Abi;
using Softoken.Native.Interop;
using Softoken.Pkcs11;

namespace Softoken.Native.Exports;

/// <summary>Session management (PKCS #11 v3.0 section 5.6) and the legacy parallel functions (5.17).</summary>
internal static unsafe class SessionsExports
{
    [UnmanagedCallersOnly(EntryPoint = "C_OpenSession", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_OpenSession(CK_ULONG slotID, CK_ULONG flags, void* pApplication, void* Notify, CK_ULONG* phSession)
    {
        try
        {
            var module = SoftokenModule.Current;
            Args.Require(phSession);
            // Notify callbacks are accepted and never called: Softoken raises no surrender events.
            *phSession = (CK_ULONG)module.OpenSession(slotID, flags).Handle;
            return Boundary.Ok;
        }
        catch (Exception e)
        {
            return Boundary.ToRv(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "C_CloseSession", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_CloseSession(CK_ULONG hSession)
    {
        try
        {
            SoftokenModule.Current.CloseSession(hSession);
            return Boundary.Ok;
        }
        catch (Exception e)
        {
            return Boundary.ToRv(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "C_CloseAllSessions", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_CloseAllSessions(CK_ULONG slotID)
    {
        try
        {
            SoftokenModule.Current.CloseAllSessions(slotID);
            return Boundary.Ok;
        }
        catch (Exception e)
        {
            return Boundary.ToRv(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "C_GetSessionInfo", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_GetSessionInfo(CK_ULONG hSession, CK_SESSION_INFO* pInfo)
    {
        try
        {
            var session = SoftokenModule.Current.Sessions.Get(hSession);
            Args.Require(pInfo);
            pInfo->slotID = (CK_ULONG)session.Slot.Id;
            pInfo->state = (CK_ULONG)(ulong)session.State;
            pInfo->flags = (CK_ULONG)session.Flags;
            pInfo->ulDeviceError = 0;
            return Boundary.Ok;
        }
        catch (Exception e)
        {
            return Boundary.ToRv(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "C_Login", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_Login(CK_ULONG hSession, CK_ULONG userType, byte* pPin, CK_ULONG ulPinLen)
    {
        try
        {
            var module = SoftokenModule.Current;
            module.Login(module.Sessions.Get(hSession), (CKU)(ulong)userType, Args.In(pPin, ulPinLen));
            return Boundary.Ok;
        }
        catch (Exception e)
        {
            return Boundary.ToRv(e);
        }
    }

    /// <summary>PKCS #11 3.0 C_LoginUser. Softoken's token has no named users, so the user name is not
    /// consulted (the specification lets a token ignore it).</summary>
    [UnmanagedCallersOnly(EntryPoint = "C_LoginUser", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_LoginUser(CK_ULONG hSession, CK_ULONG userType, byte* pPin, CK_ULONG ulPinLen, byte* pUsername, CK_ULONG ulUsernameLen)
    {
        try
        {
            var module = SoftokenModule.Current;
            _ = Args.In(pUsername, ulUsernameLen);
            module.Login(module.Sessions.Get(hSession), (CKU)(ulong)userType, Args.In(pPin, ulPinLen));
            return Boundary.Ok;
        }
        catch (Exception e)
        {
            return Boundary.ToRv(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "C_Logout", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_Logout(CK_ULONG hSession)
    {
        try
        {
            var module = SoftokenModule.Current;
            module.Logout(module.Sessions.Get(hSession));
            return Boundary.Ok;
        }
        catch (Exception e)
        {
            return Boundary.ToRv(e);
        }
    }

    /// <summary>PKCS #11 3.0 C_SessionCancel: ends the operations named by the CKF_ operation flags.</summary>
    [UnmanagedCallersOnly(EntryPoint = "C_SessionCancel", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_SessionCancel(CK_ULONG hSession, CK_ULONG flags)
    {
        try
        {
            SoftokenModule.Current.Sessions.Get(hSession).Cancel(flags);
            return Boundary.Ok;
        }
        catch (Exception e)
        {
            return Boundary.ToRv(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "C_GetOperationState", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_GetOperationState(CK_ULONG hSession, byte* pOperationState, CK_ULONG* pulOperationStateLen)
    {
        try
        {
            var module = SoftokenModule.Current;
            var session = module.Sessions.Get(hSession);
            Args.Require(pulOperationStateLen);
            if (pOperationState == null)
            {
                // The length query must not save anything, but must fail as the save would.
                _ = session.DigestLength();
                *pulOperationStateLen = (CK_ULONG)Crypto.DigestStateVault.StateLength;
                return Boundary.Ok;
            }
            return Output.Copy(session.SaveOperationState(module.DigestStates), pOperationState, pulOperationStateLen);
        }
        catch (Exception e)
        {
            return Boundary.ToRv(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "C_SetOperationState", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_SetOperationState(CK_ULONG hSession, byte* pOperationState, CK_ULONG ulOperationStateLen, CK_ULONG hEncryptionKey, CK_ULONG hAuthenticationKey)
    {
        try
        {
            var module = SoftokenModule.Current;
            var session = module.Sessions.Get(hSession);
            // Saved digests need no key: a key given anyway is CKR_KEY_NOT_NEEDED (PKCS #11 v3.0 section 5.6).
            if (hEncryptionKey != 0 || hAuthenticationKey != 0) return Boundary.Rv(CKR.CKR_KEY_NOT_NEEDED);
            session.RestoreOperationState(module.DigestStates, Args.In(pOperationState, ulOperationStateLen));
            return Boundary.Ok;
        }
        catch (Exception e)
        {
            return Boundary.ToRv(e);
        }
    }

    /// <summary>Legacy: functions never run in parallel (PKCS #11 v3.0 section 5.17).</summary>
    [UnmanagedCallersOnly(EntryPoint = "C_GetFunctionStatus", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_GetFunctionStatus(CK_ULONG hSession)
    {
        try
        {
            _ = SoftokenModule.Current.Sessions.Get(hSession);
            return Boundary.Rv(CKR.CKR_FUNCTION_NOT_PARALLEL);
        }
        catch (Exception e)
        {
            return Boundary.ToRv(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "C_CancelFunction", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_CancelFunction(CK_ULONG hSession)
    {
        try
        {
            _ = SoftokenModule.Current.Sessions.Get(hSession);
            return Boundary.Rv(CKR.CKR_FUNCTION_NOT_PARALLEL);
        }
        catch (Exception e)
        {
            return Boundary.ToRv(e);
        }
    }

    /// <summary>PKCS #11 v3.2 section 5.6: validation (FIPS indicator) flags. Softoken claims no validation.</summary>
    [UnmanagedCallersOnly(EntryPoint = "C_GetSessionValidationFlags", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_GetSessionValidationFlags(CK_ULONG hSession, CK_ULONG type, CK_ULONG* pFlags) => Boundary.NotSupported();
}
