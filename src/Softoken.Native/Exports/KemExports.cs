using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Softoken.Module;
using Softoken.Native.Abi;
using Softoken.Native.Interop;
using Softoken.Pkcs11;

namespace Softoken.Native.Exports;

/// <summary>Key encapsulation (PKCS #11 v3.2 section 5.18: C_EncapsulateKey, C_DecapsulateKey), and the same two
/// calls in the argument order of NSS's "Vendor NSS KEM Interface" (CK_NSS_KEM_FUNCTIONS in NSS's pkcs11n.h, which
/// puts the new key's handle before the ciphertext and the ciphertext before the template).</summary>
internal static unsafe class KemExports
{
    [UnmanagedCallersOnly(EntryPoint = "C_EncapsulateKey", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_EncapsulateKey(CK_ULONG hSession, CK_MECHANISM* pMechanism, CK_ULONG hPublicKey, CK_ATTRIBUTE* pTemplate,
        CK_ULONG ulAttributeCount, byte* pCiphertext, CK_ULONG* pulCiphertextLen, CK_ULONG* phKey) =>
        Encapsulate(hSession, pMechanism, hPublicKey, pTemplate, ulAttributeCount, pCiphertext, pulCiphertextLen, phKey);

    [UnmanagedCallersOnly(EntryPoint = "C_DecapsulateKey", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG C_DecapsulateKey(CK_ULONG hSession, CK_MECHANISM* pMechanism, CK_ULONG hPrivateKey, CK_ATTRIBUTE* pTemplate,
        CK_ULONG ulAttributeCount, byte* pCiphertext, CK_ULONG ulCiphertextLen, CK_ULONG* phKey) =>
        Decapsulate(hSession, pMechanism, hPrivateKey, pTemplate, ulAttributeCount, pCiphertext, ulCiphertextLen, phKey);

    /// <summary>CK_NSS_KEM_FUNCTIONS.C_Encapsulate: reached only through the vendor interface, never exported by name.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG NSC_Encapsulate(CK_ULONG hSession, CK_MECHANISM* pMechanism, CK_ULONG hPublicKey, CK_ATTRIBUTE* pTemplate,
        CK_ULONG ulAttributeCount, CK_ULONG* phKey, byte* pCiphertext, CK_ULONG* pulCiphertextLen) =>
        Encapsulate(hSession, pMechanism, hPublicKey, pTemplate, ulAttributeCount, pCiphertext, pulCiphertextLen, phKey);

    /// <summary>CK_NSS_KEM_FUNCTIONS.C_Decapsulate.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static CK_ULONG NSC_Decapsulate(CK_ULONG hSession, CK_MECHANISM* pMechanism, CK_ULONG hPrivateKey, byte* pCiphertext,
        CK_ULONG ulCiphertextLen, CK_ATTRIBUTE* pTemplate, CK_ULONG ulAttributeCount, CK_ULONG* phKey) =>
        Decapsulate(hSession, pMechanism, hPrivateKey, pTemplate, ulAttributeCount, pCiphertext, ulCiphertextLen, phKey);

    /// <summary>The output-buffer convention applies to the ciphertext: a NULL pCiphertext asks for its length and a
    /// short buffer is CKR_BUFFER_TOO_SMALL; in both cases no key is made and *phKey is untouched.</summary>
    private static CK_ULONG Encapsulate(CK_ULONG hSession, CK_MECHANISM* pMechanism, CK_ULONG hPublicKey, CK_ATTRIBUTE* pTemplate,
        CK_ULONG ulAttributeCount, byte* pCiphertext, CK_ULONG* pulCiphertextLen, CK_ULONG* phKey)
    {
        try
        {
            var module = SoftokenModule.Current;
            var session = module.Sessions.Get(hSession);
            var (type, parameter) = Mechanism.Decode(pMechanism);
            Args.Require(pulCiphertextLen);
            if (Args.IsBad(pCiphertext)) return Boundary.Rv(CKR.CKR_ARGUMENTS_BAD);
            if (pCiphertext != null) Args.Require(phKey);
            using var template = Templates.Read(pTemplate, ulAttributeCount);
            int room = pCiphertext == null ? 0 : (int)Math.Min((ulong)*pulCiphertextLen, int.MaxValue);
            var outcome = module.EncapsulateKey(session, type, parameter, hPublicKey, template, room);
            *pulCiphertextLen = (CK_ULONG)outcome.Ciphertext.Length;
            if (outcome.Handle is not { } handle) return pCiphertext == null ? Boundary.Ok : Boundary.Rv(CKR.CKR_BUFFER_TOO_SMALL);
            outcome.Ciphertext.CopyTo(new Span<byte>(pCiphertext, outcome.Ciphertext.Length));
            *phKey = (CK_ULONG)handle;
            return Boundary.Ok;
        }
        catch (Exception e)
        {
            return Boundary.ToRv(e);
        }
    }

    private static CK_ULONG Decapsulate(CK_ULONG hSession, CK_MECHANISM* pMechanism, CK_ULONG hPrivateKey, CK_ATTRIBUTE* pTemplate,
        CK_ULONG ulAttributeCount, byte* pCiphertext, CK_ULONG ulCiphertextLen, CK_ULONG* phKey)
    {
        try
        {
            var module = SoftokenModule.Current;
            var session = module.Sessions.Get(hSession);
            var (type, parameter) = Mechanism.Decode(pMechanism);
            Args.Require(phKey);
            Args.Require(pCiphertext);
            var ciphertext = Args.In(pCiphertext, ulCiphertextLen).ToArray();
            using var template = Templates.Read(pTemplate, ulAttributeCount);
            *phKey = (CK_ULONG)module.DecapsulateKey(session, type, parameter, hPrivateKey, ciphertext, template);
            return Boundary.Ok;
        }
        catch (Exception e)
        {
            return Boundary.ToRv(e);
        }
    }
}
