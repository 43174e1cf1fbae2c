using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Softoken.Mechanisms.Parameters;
using Softoken.Module;
using Softoken.Native.Abi;
using Softoken.Native.Interop;
using Softoken.Native.Interop.Parameters;
using Softoken.Objects;

namespace Softoken.Native.Exports;

/// <summary>Key management (PKCS #11 v3.0 section 5.18).</summary>
internal static unsafe class KeysExports
{
    [UnmanagedCallersOnly(EntryPoint = "C_GenerateKey", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_GenerateKey(CK_ULONG hSession, CK_MECHANISM* pMechanism, CK_ATTRIBUTE* pTemplate, CK_ULONG ulCount, CK_ULONG* phKey)
    {
        try
        {
            var module = SoftokenModule.Current;
            var session = module.Sessions.Get(hSession);
            var (type, parameter) = Mechanism.Decode(pMechanism);
            Args.Require(phKey);
            using var template = Templates.Read(pTemplate, ulCount);
            *phKey = (CK_ULONG)module.GenerateKey(session, type, parameter, template);
            // The PBE mechanisms also return the derived IV through CK_PBE_PARAMS.pInitVector.
            if (parameter is PbeParameter { InitVector: not null } pbe) PbeParameterDecoders.WriteBack(pMechanism->pParameter, pbe);
            return Boundary.Ok;
        }
        catch (Exception e)
        {
            return Boundary.ToRv(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "C_GenerateKeyPair", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_GenerateKeyPair(CK_ULONG hSession, CK_MECHANISM* pMechanism, CK_ATTRIBUTE* pPublicKeyTemplate, CK_ULONG ulPublicKeyAttributeCount, CK_ATTRIBUTE* pPrivateKeyTemplate, CK_ULONG ulPrivateKeyAttributeCount, CK_ULONG* phPublicKey, CK_ULONG* phPrivateKey)
    {
        try
        {
            var module = SoftokenModule.Current;
            var session = module.Sessions.Get(hSession);
            var (type, parameter) = Mechanism.Decode(pMechanism);
            Args.Require(phPublicKey);
            Args.Require(phPrivateKey);
            using var publicTemplate = Templates.Read(pPublicKeyTemplate, ulPublicKeyAttributeCount);
            using var privateTemplate = Templates.Read(pPrivateKeyTemplate, ulPrivateKeyAttributeCount);
            var (hPublic, hPrivate) = module.GenerateKeyPair(session, type, parameter, publicTemplate, privateTemplate);
            *phPublicKey = (CK_ULONG)hPublic;
            *phPrivateKey = (CK_ULONG)hPrivate;
            return Boundary.Ok;
        }
        catch (Exception e)
        {
            return Boundary.ToRv(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "C_WrapKey", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_WrapKey(CK_ULONG hSession, CK_MECHANISM* pMechanism, CK_ULONG hWrappingKey, CK_ULONG hKey, byte* pWrappedKey, CK_ULONG* pulWrappedKeyLen)
    {
        try
        {
            var module = SoftokenModule.Current;
            var session = module.Sessions.Get(hSession);
            var (type, parameter) = Mechanism.Decode(pMechanism);
            Args.Require(pulWrappedKeyLen);
            var wrapped = module.WrapKey(session, type, parameter, hWrappingKey, hKey);
            return Output.Copy(wrapped, pWrappedKey, pulWrappedKeyLen);
        }
        catch (Exception e)
        {
            return Boundary.ToRv(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "C_UnwrapKey", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_UnwrapKey(CK_ULONG hSession, CK_MECHANISM* pMechanism, CK_ULONG hUnwrappingKey, byte* pWrappedKey, CK_ULONG ulWrappedKeyLen, CK_ATTRIBUTE* pTemplate, CK_ULONG ulAttributeCount, CK_ULONG* phKey)
    {
        try
        {
            var module = SoftokenModule.Current;
            var session = module.Sessions.Get(hSession);
            var (type, parameter) = Mechanism.Decode(pMechanism);
            Args.Require(phKey);
            using var template = Templates.Read(pTemplate, ulAttributeCount);
            *phKey = (CK_ULONG)module.UnwrapKey(session, type, parameter, hUnwrappingKey, Args.In(pWrappedKey, ulWrappedKeyLen), template);
            return Boundary.Ok;
        }
        catch (Exception e)
        {
            return Boundary.ToRv(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "C_DeriveKey", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_DeriveKey(CK_ULONG hSession, CK_MECHANISM* pMechanism, CK_ULONG hBaseKey, CK_ATTRIBUTE* pTemplate, CK_ULONG ulAttributeCount, CK_ULONG* phKey)
    {
        try
        {
            var module = SoftokenModule.Current;
            var session = module.Sessions.Get(hSession);
            var (type, parameter) = Mechanism.Decode(pMechanism);
            using var template = Templates.Read(pTemplate, ulAttributeCount);
            var outcome = module.DeriveKey(session, type, parameter, hBaseKey, template);
            // The TLS key block returns its keys through the parameter; phKey may then be NULL.
            if (outcome.KeyBlock is { } keys && outcome.Result.Extra is TlsKeyMaterial block)
            {
                TlsParameterDecoders.WriteKeyMaterial(type, pMechanism->pParameter, block, keys[0], keys[1], keys[2], keys[3]);
                if (phKey != null) *phKey = 0;
                return Boundary.Ok;
            }
            if (outcome.Result.Extra is TlsVersionOutput version) TlsParameterDecoders.WriteVersion(type, pMechanism->pParameter, version);
            if (phKey != null) *phKey = (CK_ULONG)outcome.Handle;
            return Boundary.Ok;
        }
        catch (Exception e)
        {
            return Boundary.ToRv(e);
        }
    }

    /// <summary>PKCS #11 v3.2 authenticated key wrapping (section 5.18): no mechanism of Softoken offers it.</summary>
    [UnmanagedCallersOnly(EntryPoint = "C_WrapKeyAuthenticated", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_WrapKeyAuthenticated(CK_ULONG hSession, CK_MECHANISM* pMechanism, CK_ULONG hWrappingKey, CK_ULONG hKey,
        byte* pAssociatedData, CK_ULONG ulAssociatedDataLen, byte* pWrappedKey, CK_ULONG* pulWrappedKeyLen) => Boundary.NotSupported();

    [UnmanagedCallersOnly(EntryPoint = "C_UnwrapKeyAuthenticated", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_UnwrapKeyAuthenticated(CK_ULONG hSession, CK_MECHANISM* pMechanism, CK_ULONG hUnwrappingKey, byte* pWrappedKey,
        CK_ULONG ulWrappedKeyLen, CK_ATTRIBUTE* pTemplate, CK_ULONG ulAttributeCount, byte* pAssociatedData, CK_ULONG ulAssociatedDataLen,
        CK_ULONG* phKey) => Boundary.NotSupported();
}
