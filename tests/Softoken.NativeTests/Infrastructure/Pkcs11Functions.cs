namespace Softoken.NativeTests.Infrastructure;

/// <summary>Every function of CK_FUNCTION_LIST_3_2 (the 3.0 list, then the 3.2 additions), in specification order,
/// with its number of parameters.</summary>
internal static class Pkcs11Functions
{
    public static readonly (string Name, int Parameters)[] All =
    [
        ("C_Initialize", 1), ("C_Finalize", 1), ("C_GetInfo", 1), ("C_GetFunctionList", 1), ("C_GetSlotList", 3),
        ("C_GetSlotInfo", 2), ("C_GetTokenInfo", 2), ("C_GetMechanismList", 3), ("C_GetMechanismInfo", 3),
        ("C_InitToken", 4), ("C_InitPIN", 3), ("C_SetPIN", 5), ("C_OpenSession", 5), ("C_CloseSession", 1),
        ("C_CloseAllSessions", 1), ("C_GetSessionInfo", 2), ("C_GetOperationState", 3), ("C_SetOperationState", 5),
        ("C_Login", 4), ("C_Logout", 1), ("C_CreateObject", 4), ("C_CopyObject", 5), ("C_DestroyObject", 2),
        ("C_GetObjectSize", 3), ("C_GetAttributeValue", 4), ("C_SetAttributeValue", 4), ("C_FindObjectsInit", 3),
        ("C_FindObjects", 4), ("C_FindObjectsFinal", 1), ("C_EncryptInit", 3), ("C_Encrypt", 5),
        ("C_EncryptUpdate", 5), ("C_EncryptFinal", 3), ("C_DecryptInit", 3), ("C_Decrypt", 5), ("C_DecryptUpdate", 5),
        ("C_DecryptFinal", 3), ("C_DigestInit", 2), ("C_Digest", 5), ("C_DigestUpdate", 3), ("C_DigestKey", 2),
        ("C_DigestFinal", 3), ("C_SignInit", 3), ("C_Sign", 5), ("C_SignUpdate", 3), ("C_SignFinal", 3),
        ("C_SignRecoverInit", 3), ("C_SignRecover", 5), ("C_VerifyInit", 3), ("C_Verify", 5), ("C_VerifyUpdate", 3),
        ("C_VerifyFinal", 3), ("C_VerifyRecoverInit", 3), ("C_VerifyRecover", 5), ("C_DigestEncryptUpdate", 5),
        ("C_DecryptDigestUpdate", 5), ("C_SignEncryptUpdate", 5), ("C_DecryptVerifyUpdate", 5), ("C_GenerateKey", 5),
        ("C_GenerateKeyPair", 8), ("C_WrapKey", 6), ("C_UnwrapKey", 8), ("C_DeriveKey", 6), ("C_SeedRandom", 3),
        ("C_GenerateRandom", 3), ("C_GetFunctionStatus", 1), ("C_CancelFunction", 1), ("C_WaitForSlotEvent", 3),
        // PKCS #11 3.0 additions.
        ("C_GetInterfaceList", 2), ("C_GetInterface", 4), ("C_LoginUser", 6), ("C_SessionCancel", 2),
        ("C_MessageEncryptInit", 3), ("C_EncryptMessage", 9), ("C_EncryptMessageBegin", 5),
        ("C_EncryptMessageNext", 8), ("C_MessageEncryptFinal", 1), ("C_MessageDecryptInit", 3),
        ("C_DecryptMessage", 9), ("C_DecryptMessageBegin", 5), ("C_DecryptMessageNext", 8),
        ("C_MessageDecryptFinal", 1), ("C_MessageSignInit", 3), ("C_SignMessage", 7), ("C_SignMessageBegin", 3),
        ("C_SignMessageNext", 7), ("C_MessageSignFinal", 1), ("C_MessageVerifyInit", 3), ("C_VerifyMessage", 7),
        ("C_VerifyMessageBegin", 3), ("C_VerifyMessageNext", 7), ("C_MessageVerifyFinal", 1),
        // PKCS #11 3.2 additions (OASIS pkcs11f.h v3.2 order).
        ("C_EncapsulateKey", 8), ("C_DecapsulateKey", 8), ("C_VerifySignatureInit", 5), ("C_VerifySignature", 3),
        ("C_VerifySignatureUpdate", 3), ("C_VerifySignatureFinal", 1), ("C_GetSessionValidationFlags", 3),
        ("C_AsyncComplete", 3), ("C_AsyncGetID", 3), ("C_AsyncJoin", 5), ("C_WrapKeyAuthenticated", 8),
        ("C_UnwrapKeyAuthenticated", 10),
    ];

    public const int Version240Count = 68;

    public const int Version30Count = 92;

    public const int Version32Count = 104;

    /// <summary>Callable before C_Initialize (PKCS #11 v3.0 sections 5.4 and 5.4.x).</summary>
    public static readonly string[] UsableBeforeInitialize =
        ["C_Initialize", "C_GetFunctionList", "C_GetInterfaceList", "C_GetInterface"];

    /// <summary>What issue 2 leaves to later issues: present in every table, answering CKR_FUNCTION_NOT_SUPPORTED.
    /// Remove a name here when the issue that implements it lands (and test it there).</summary>
    public static readonly string[] NotYetImplemented =
    [
        "C_MessageEncryptInit", "C_EncryptMessage",
        "C_EncryptMessageBegin", "C_EncryptMessageNext", "C_MessageEncryptFinal", "C_MessageDecryptInit",
        "C_DecryptMessage", "C_DecryptMessageBegin", "C_DecryptMessageNext", "C_MessageDecryptFinal",
        "C_MessageSignInit", "C_SignMessage", "C_SignMessageBegin", "C_SignMessageNext", "C_MessageSignFinal",
        "C_MessageVerifyInit", "C_VerifyMessage", "C_VerifyMessageBegin", "C_VerifyMessageNext",
        "C_MessageVerifyFinal",
        "C_GetSessionValidationFlags", "C_AsyncComplete", "C_AsyncGetID", "C_AsyncJoin", "C_WrapKeyAuthenticated",
        "C_UnwrapKeyAuthenticated",
    ];

    public static int ParameterCount(string name) => All.Single(f => f.Name == name).Parameters;

    /// <summary>Calls a function with every argument zero (NULL pointers, handle 0).</summary>
    public static Net.Pkcs11Interop.Common.CKR CallWithZeros(RawModule module, string name) =>
        module.Call(name, new nuint[ParameterCount(name)]);
}
