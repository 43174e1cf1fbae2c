using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Softoken.Mechanisms;
using Softoken.Module;
using Softoken.Native.Abi;
using Softoken.Native.Interop;
using Softoken.Pkcs11;

namespace Softoken.Native.Exports;

/// <summary>Slot and token management (PKCS #11 v3.0 section 5.5).</summary>
internal static unsafe class SlotsAndTokensExports
{
    [UnmanagedCallersOnly(EntryPoint = "C_GetSlotList", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_GetSlotList(byte tokenPresent, CK_ULONG* pSlotList, CK_ULONG* pulCount)
    {
        try
        {
            var module = SoftokenModule.Current;
            Span<ulong> ids = [module.CryptoSlot.Id, module.KeyStorageSlot.Id];
            return Output.CopyList(ids, pSlotList, pulCount);
        }
        catch (Exception e)
        {
            return Boundary.ToRv(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "C_GetSlotInfo", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_GetSlotInfo(CK_ULONG slotID, CK_SLOT_INFO* pInfo)
    {
        try
        {
            var info = SoftokenModule.Current.GetSlot(slotID).GetSlotInfo();
            Args.Require(pInfo);
            Text.Pad(info.Description, pInfo->slotDescription, 64);
            Text.Pad(info.ManufacturerId, pInfo->manufacturerID, 32);
            pInfo->flags = (CK_ULONG)info.Flags;
            pInfo->hardwareVersion = new CK_VERSION { major = LibraryInfo.LibraryMajor, minor = LibraryInfo.LibraryMinor };
            pInfo->firmwareVersion = pInfo->hardwareVersion;
            return Boundary.Ok;
        }
        catch (Exception e)
        {
            return Boundary.ToRv(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "C_GetTokenInfo", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_GetTokenInfo(CK_ULONG slotID, CK_TOKEN_INFO* pInfo)
    {
        try
        {
            var info = SoftokenModule.Current.GetTokenInfo(slotID);
            Args.Require(pInfo);
            Text.Pad(info.Label, pInfo->label, 32);
            Text.Pad(info.ManufacturerId, pInfo->manufacturerID, 32);
            Text.Pad(info.Model, pInfo->model, 16);
            Text.Pad(info.SerialNumber, pInfo->serialNumber, 16);
            pInfo->flags = (CK_ULONG)info.Flags;
            pInfo->ulMaxSessionCount = AbiLayout.EffectivelyInfinite;
            pInfo->ulSessionCount = (CK_ULONG)info.SessionCount;
            pInfo->ulMaxRwSessionCount = AbiLayout.EffectivelyInfinite;
            pInfo->ulRwSessionCount = (CK_ULONG)info.RwSessionCount;
            pInfo->ulMaxPinLen = (CK_ULONG)info.MaxPinLength;
            pInfo->ulMinPinLen = (CK_ULONG)info.MinPinLength;
            pInfo->ulTotalPublicMemory = AbiLayout.Unavailable;
            pInfo->ulFreePublicMemory = AbiLayout.Unavailable;
            pInfo->ulTotalPrivateMemory = AbiLayout.Unavailable;
            pInfo->ulFreePrivateMemory = AbiLayout.Unavailable;
            pInfo->hardwareVersion = new CK_VERSION { major = LibraryInfo.LibraryMajor, minor = LibraryInfo.LibraryMinor };
            pInfo->firmwareVersion = pInfo->hardwareVersion;
            Text.Pad(info.UtcTime, pInfo->utcTime, 16);
            return Boundary.Ok;
        }
        catch (Exception e)
        {
            return Boundary.ToRv(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "C_GetMechanismList", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_GetMechanismList(CK_ULONG slotID, CK_ULONG* pMechanismList, CK_ULONG* pulCount)
    {
        try
        {
            var slot = SoftokenModule.Current.GetSlot(slotID);
            var rows = MechanismRegistry.ListedOn(slot.MechanismSet);
            Span<ulong> types = rows.Count <= 512 ? stackalloc ulong[rows.Count] : new ulong[rows.Count];
            for (int i = 0; i < rows.Count; i++) types[i] = (ulong)rows[i].Type;
            return Output.CopyList(types, pMechanismList, pulCount);
        }
        catch (Exception e)
        {
            return Boundary.ToRv(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "C_GetMechanismInfo", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_GetMechanismInfo(CK_ULONG slotID, CK_ULONG type, CK_MECHANISM_INFO* pInfo)
    {
        try
        {
            var slot = SoftokenModule.Current.GetSlot(slotID);
            var row = MechanismRegistry.Find((CKM)(ulong)type);
            if (row is null || (row.ListedOn & slot.MechanismSet) == 0) return Boundary.Rv(CKR.CKR_MECHANISM_INVALID);
            Args.Require(pInfo);
            pInfo->ulMinKeySize = (CK_ULONG)row.MinKeySize;
            pInfo->ulMaxKeySize = (CK_ULONG)row.MaxKeySize;
            pInfo->flags = (CK_ULONG)row.Flags;
            return Boundary.Ok;
        }
        catch (Exception e)
        {
            return Boundary.ToRv(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "C_InitToken", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_InitToken(CK_ULONG slotID, byte* pPin, CK_ULONG ulPinLen, byte* pLabel)
    {
        try
        {
            var module = SoftokenModule.Current;
            Args.Require(pLabel);
            module.InitToken(slotID, Args.In(pPin, ulPinLen), new ReadOnlySpan<byte>(pLabel, 32));
            return Boundary.Ok;
        }
        catch (Exception e)
        {
            return Boundary.ToRv(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "C_InitPIN", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_InitPIN(CK_ULONG hSession, byte* pPin, CK_ULONG ulPinLen)
    {
        try
        {
            var module = SoftokenModule.Current;
            module.InitPin(module.Sessions.Get(hSession), Args.In(pPin, ulPinLen));
            return Boundary.Ok;
        }
        catch (Exception e)
        {
            return Boundary.ToRv(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "C_SetPIN", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_SetPIN(CK_ULONG hSession, byte* pOldPin, CK_ULONG ulOldLen, byte* pNewPin, CK_ULONG ulNewLen)
    {
        try
        {
            var module = SoftokenModule.Current;
            module.SetPin(module.Sessions.Get(hSession), Args.In(pOldPin, ulOldLen), Args.In(pNewPin, ulNewLen));
            return Boundary.Ok;
        }
        catch (Exception e)
        {
            return Boundary.ToRv(e);
        }
    }

    /// <summary>Slots never change (no removable tokens): CKF_DONT_BLOCK answers CKR_NO_EVENT; a blocking wait
    /// would never return, so it is not supported, as in softokn.</summary>
    [UnmanagedCallersOnly(EntryPoint = "C_WaitForSlotEvent", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_WaitForSlotEvent(CK_ULONG flags, CK_ULONG* pSlot, void* pReserved)
    {
        try
        {
            _ = SoftokenModule.Current;
            if (pReserved != null) return Boundary.Rv(CKR.CKR_ARGUMENTS_BAD);
            Args.Require(pSlot);
            return ((ulong)flags & CKF.CKF_DONT_BLOCK) != 0 ? Boundary.Rv(CKR.CKR_NO_EVENT) : Boundary.Rv(CKR.CKR_FUNCTION_NOT_SUPPORTED);
        }
        catch (Exception e)
        {
            return Boundary.ToRv(e);
        }
    }
}
