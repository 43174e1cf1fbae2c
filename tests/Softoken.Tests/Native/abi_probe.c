/* ABI probe for tests/Softoken.Tests/Native/AbiLayoutTests.cs, compiled with gcc at test time.
 *
 * Built twice: against p11-kit's pkcs11.h (libp11-kit-dev; PKCS #11 v2.40 only in Debian 12) and, with
 * -DPROBE_OASIS_3_0, against the OASIS v3.0 header that NSS ships (libnss3-dev), which is the only system header
 * here that declares CK_INTERFACE and CK_FUNCTION_LIST_3_0. NSS's copy of the header inserts its own
 * CK_C_INITIALIZE_ARGS.LibraryParameters where the standard has pReserved (and moves pReserved after it): that is
 * the field through which NSS hands softokn-style modules their parameter string.
 *
 * No system header here declares PKCS #11 v3.2, so the OASIS build declares CK_FUNCTION_LIST_3_2 itself below, in
 * the member order of the OASIS v3.2 pkcs11.h: the 3.0 list, then the twelve functions FUNCTIONS_3_2_ADDED names.
 *
 *   abi_probe                 prints "struct NAME SIZE" and "field NAME MEMBER OFFSET SIZE" lines
 *   abi_probe MODULE PARAMS   also dlopens MODULE, initialises it with PARAMS in pReserved and checks that every
 *                             function-list entry is the exported symbol of the same name and that the info
 *                             functions write nothing past their structure; each problem is one "FAIL" line.
 */
#include <dlfcn.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#ifdef PROBE_OASIS_3_0
#include <pkcs11.h>
#else
#include <p11-kit/pkcs11.h>
#endif

/* Every CK_FUNCTION_LIST member in the order this probe expects; the layout test checks that the offsets the
 * header gives follow exactly this order, so a misordered name here cannot pass. */
#define FUNCTIONS_2_40(X) \
    X(C_Initialize) X(C_Finalize) X(C_GetInfo) X(C_GetFunctionList) X(C_GetSlotList) X(C_GetSlotInfo) \
    X(C_GetTokenInfo) X(C_GetMechanismList) X(C_GetMechanismInfo) X(C_InitToken) X(C_InitPIN) X(C_SetPIN) \
    X(C_OpenSession) X(C_CloseSession) X(C_CloseAllSessions) X(C_GetSessionInfo) X(C_GetOperationState) \
    X(C_SetOperationState) X(C_Login) X(C_Logout) X(C_CreateObject) X(C_CopyObject) X(C_DestroyObject) \
    X(C_GetObjectSize) X(C_GetAttributeValue) X(C_SetAttributeValue) X(C_FindObjectsInit) X(C_FindObjects) \
    X(C_FindObjectsFinal) X(C_EncryptInit) X(C_Encrypt) X(C_EncryptUpdate) X(C_EncryptFinal) X(C_DecryptInit) \
    X(C_Decrypt) X(C_DecryptUpdate) X(C_DecryptFinal) X(C_DigestInit) X(C_Digest) X(C_DigestUpdate) \
    X(C_DigestKey) X(C_DigestFinal) X(C_SignInit) X(C_Sign) X(C_SignUpdate) X(C_SignFinal) X(C_SignRecoverInit) \
    X(C_SignRecover) X(C_VerifyInit) X(C_Verify) X(C_VerifyUpdate) X(C_VerifyFinal) X(C_VerifyRecoverInit) \
    X(C_VerifyRecover) X(C_DigestEncryptUpdate) X(C_DecryptDigestUpdate) X(C_SignEncryptUpdate) \
    X(C_DecryptVerifyUpdate) X(C_GenerateKey) X(C_GenerateKeyPair) X(C_WrapKey) X(C_UnwrapKey) X(C_DeriveKey) \
    X(C_SeedRandom) X(C_GenerateRandom) X(C_GetFunctionStatus) X(C_CancelFunction) X(C_WaitForSlotEvent)

#define FUNCTIONS_3_0_ADDED(X) \
    X(C_GetInterfaceList) X(C_GetInterface) X(C_LoginUser) X(C_SessionCancel) X(C_MessageEncryptInit) \
    X(C_EncryptMessage) X(C_EncryptMessageBegin) X(C_EncryptMessageNext) X(C_MessageEncryptFinal) \
    X(C_MessageDecryptInit) X(C_DecryptMessage) X(C_DecryptMessageBegin) X(C_DecryptMessageNext) \
    X(C_MessageDecryptFinal) X(C_MessageSignInit) X(C_SignMessage) X(C_SignMessageBegin) X(C_SignMessageNext) \
    X(C_MessageSignFinal) X(C_MessageVerifyInit) X(C_VerifyMessage) X(C_VerifyMessageBegin) \
    X(C_VerifyMessageNext) X(C_MessageVerifyFinal)

/* PKCS #11 v3.2 additions, in CK_FUNCTION_LIST_3_2 order (OASIS pkcs11.h v3.2; also NSS's lib/util/pkcs11f.h). */
#define FUNCTIONS_3_2_ADDED(X) \
    X(C_EncapsulateKey) X(C_DecapsulateKey) X(C_VerifySignatureInit) X(C_VerifySignature) \
    X(C_VerifySignatureUpdate) X(C_VerifySignatureFinal) X(C_GetSessionValidationFlags) X(C_AsyncComplete) \
    X(C_AsyncGetID) X(C_AsyncJoin) X(C_WrapKeyAuthenticated) X(C_UnwrapKeyAuthenticated)

#ifdef PROBE_OASIS_3_0
/* Every member is a function pointer; the probe compares addresses only, so one pointer type serves them all. */
typedef CK_RV (*CK_PROBE_FUNCTION)(void);
#define MEMBER_3_2(name) CK_PROBE_FUNCTION name;
typedef struct CK_FUNCTION_LIST_3_2 {
    CK_VERSION version;
    FUNCTIONS_2_40(MEMBER_3_2)
    FUNCTIONS_3_0_ADDED(MEMBER_3_2)
    FUNCTIONS_3_2_ADDED(MEMBER_3_2)
} CK_FUNCTION_LIST_3_2;
#endif

#define STRUCT(T) printf("struct %s %zu\n", #T, sizeof(T));
#define FIELD(T, f) printf("field %s %s %zu %zu\n", #T, #f, offsetof(T, f), sizeof(((T *)0)->f));

static void print_layout(void)
{
    STRUCT(CK_VERSION) FIELD(CK_VERSION, major) FIELD(CK_VERSION, minor)

    STRUCT(CK_INFO)
    FIELD(CK_INFO, cryptokiVersion) FIELD(CK_INFO, manufacturerID) FIELD(CK_INFO, flags)
    FIELD(CK_INFO, libraryDescription) FIELD(CK_INFO, libraryVersion)

    STRUCT(CK_SLOT_INFO)
    FIELD(CK_SLOT_INFO, slotDescription) FIELD(CK_SLOT_INFO, manufacturerID) FIELD(CK_SLOT_INFO, flags)
    FIELD(CK_SLOT_INFO, hardwareVersion) FIELD(CK_SLOT_INFO, firmwareVersion)

    STRUCT(CK_TOKEN_INFO)
    FIELD(CK_TOKEN_INFO, label) FIELD(CK_TOKEN_INFO, manufacturerID) FIELD(CK_TOKEN_INFO, model)
    FIELD(CK_TOKEN_INFO, serialNumber) FIELD(CK_TOKEN_INFO, flags) FIELD(CK_TOKEN_INFO, ulMaxSessionCount)
    FIELD(CK_TOKEN_INFO, ulSessionCount) FIELD(CK_TOKEN_INFO, ulMaxRwSessionCount)
    FIELD(CK_TOKEN_INFO, ulRwSessionCount) FIELD(CK_TOKEN_INFO, ulMaxPinLen) FIELD(CK_TOKEN_INFO, ulMinPinLen)
    FIELD(CK_TOKEN_INFO, ulTotalPublicMemory) FIELD(CK_TOKEN_INFO, ulFreePublicMemory)
    FIELD(CK_TOKEN_INFO, ulTotalPrivateMemory) FIELD(CK_TOKEN_INFO, ulFreePrivateMemory)
    FIELD(CK_TOKEN_INFO, hardwareVersion) FIELD(CK_TOKEN_INFO, firmwareVersion) FIELD(CK_TOKEN_INFO, utcTime)

    STRUCT(CK_SESSION_INFO)
    FIELD(CK_SESSION_INFO, slotID) FIELD(CK_SESSION_INFO, state) FIELD(CK_SESSION_INFO, flags)
    FIELD(CK_SESSION_INFO, ulDeviceError)

    STRUCT(CK_MECHANISM_INFO)
    FIELD(CK_MECHANISM_INFO, ulMinKeySize) FIELD(CK_MECHANISM_INFO, ulMaxKeySize) FIELD(CK_MECHANISM_INFO, flags)

    STRUCT(CK_MECHANISM)
    FIELD(CK_MECHANISM, mechanism) FIELD(CK_MECHANISM, pParameter) FIELD(CK_MECHANISM, ulParameterLen)

    STRUCT(CK_ATTRIBUTE)
    FIELD(CK_ATTRIBUTE, type) FIELD(CK_ATTRIBUTE, pValue) FIELD(CK_ATTRIBUTE, ulValueLen)

    STRUCT(CK_C_INITIALIZE_ARGS)
    FIELD(CK_C_INITIALIZE_ARGS, CreateMutex) FIELD(CK_C_INITIALIZE_ARGS, DestroyMutex)
    FIELD(CK_C_INITIALIZE_ARGS, LockMutex) FIELD(CK_C_INITIALIZE_ARGS, UnlockMutex)
    FIELD(CK_C_INITIALIZE_ARGS, flags) FIELD(CK_C_INITIALIZE_ARGS, pReserved)
#ifdef PROBE_OASIS_3_0
    FIELD(CK_C_INITIALIZE_ARGS, LibraryParameters)
#endif

    STRUCT(CK_FUNCTION_LIST)
    FIELD(CK_FUNCTION_LIST, version)
#define LIST_FIELD(name) FIELD(CK_FUNCTION_LIST, name)
    FUNCTIONS_2_40(LIST_FIELD)

#ifdef PROBE_OASIS_3_0
    STRUCT(CK_INTERFACE)
    FIELD(CK_INTERFACE, pInterfaceName) FIELD(CK_INTERFACE, pFunctionList) FIELD(CK_INTERFACE, flags)

    STRUCT(CK_FUNCTION_LIST_3_0)
    FIELD(CK_FUNCTION_LIST_3_0, version)
#define LIST30_FIELD(name) FIELD(CK_FUNCTION_LIST_3_0, name)
    FUNCTIONS_2_40(LIST30_FIELD)
    FUNCTIONS_3_0_ADDED(LIST30_FIELD)

    STRUCT(CK_FUNCTION_LIST_3_2)
    FIELD(CK_FUNCTION_LIST_3_2, version)
#define LIST32_FIELD(name) FIELD(CK_FUNCTION_LIST_3_2, name)
    FUNCTIONS_2_40(LIST32_FIELD)
    FUNCTIONS_3_0_ADDED(LIST32_FIELD)
    FUNCTIONS_3_2_ADDED(LIST32_FIELD)
#endif
}

static int failures;

#define CHECK(cond, ...) \
    do { \
        if (!(cond)) { \
            failures++; \
            printf("FAIL "); \
            printf(__VA_ARGS__); \
            printf("\n"); \
        } \
    } while (0)

#define CANARY 0xA5
/* "PKCS 11" 3.0, 3.2 and 2.40, and "Vendor NSS KEM Interface". */
#define INTERFACE_COUNT 4
static unsigned char buffer[4096] __attribute__((aligned(64)));

static void fill(void) { memset(buffer, CANARY, sizeof buffer); }

/* True when no byte from offset "from" to the end of the buffer was written. */
static int untouched_from(size_t from)
{
    for (size_t i = from; i < sizeof buffer; i++)
        if (buffer[i] != CANARY) return 0;
    return 1;
}

static void *handle;

static void *symbol(const char *name)
{
    void *p = dlsym(handle, name);
    CHECK(p != NULL, "export %s missing", name);
    return p;
}

/* Function pointers compared as addresses (POSIX guarantees the conversion through dlsym's void *). */
#define SAME_240(name) \
    CHECK((void *)list->name == symbol(#name), "list CK_FUNCTION_LIST.%s is not the exported %s", #name, #name);

static void check_function_lists(CK_FUNCTION_LIST_PTR list)
{
    CHECK(list->version.major == 2 && list->version.minor == 40, "list C_GetFunctionList version %d.%d, not 2.40",
          list->version.major, list->version.minor);
    FUNCTIONS_2_40(SAME_240)

#ifdef PROBE_OASIS_3_0
    CK_C_GetInterface get_interface = (CK_C_GetInterface)symbol("C_GetInterface");
    CK_INTERFACE_PTR by_version = NULL, by_default = NULL, v240 = NULL, v32 = NULL;
    CK_VERSION version30 = { 3, 0 }, version240 = { 2, 40 }, version32 = { 3, 2 };
    CK_RV rv = get_interface((CK_UTF8CHAR_PTR) "PKCS 11", &version30, &by_version, 0);
    CHECK(rv == CKR_OK && by_version != NULL, "list C_GetInterface(PKCS 11, 3.0) rv 0x%lx", rv);
    rv = get_interface(NULL, NULL, &by_default, 0);
    CHECK(rv == CKR_OK && by_default != NULL, "list C_GetInterface(NULL, NULL) rv 0x%lx", rv);
    rv = get_interface((CK_UTF8CHAR_PTR) "PKCS 11", &version240, &v240, 0);
    CHECK(rv == CKR_OK && v240 != NULL, "list C_GetInterface(PKCS 11, 2.40) rv 0x%lx", rv);
    rv = get_interface((CK_UTF8CHAR_PTR) "PKCS 11", &version32, &v32, 0);
    CHECK(rv == CKR_OK && v32 != NULL, "list C_GetInterface(PKCS 11, 3.2) rv 0x%lx", rv);
    if (by_version == NULL || by_default == NULL || v240 == NULL || v32 == NULL) return;
    CHECK(by_default->pFunctionList == by_version->pFunctionList, "list the default interface is not 3.0");
    CHECK(strcmp((const char *)by_version->pInterfaceName, "PKCS 11") == 0, "list interface name is not PKCS 11");

    CK_FUNCTION_LIST_3_0_PTR list30 = (CK_FUNCTION_LIST_3_0_PTR)by_version->pFunctionList;
    CHECK(list30->version.major == 3 && list30->version.minor == 0, "list 3.0 interface version %d.%d",
          list30->version.major, list30->version.minor);
#define SAME_30(name) \
    CHECK((void *)list30->name == symbol(#name), "list CK_FUNCTION_LIST_3_0.%s is not the exported %s", #name, #name);
    FUNCTIONS_2_40(SAME_30)
    FUNCTIONS_3_0_ADDED(SAME_30)

    CK_FUNCTION_LIST_PTR list240 = (CK_FUNCTION_LIST_PTR)v240->pFunctionList;
    CHECK(list240->version.major == 2 && list240->version.minor == 40, "list 2.40 interface version %d.%d",
          list240->version.major, list240->version.minor);
#define SAME_240_INTERFACE(name) \
    CHECK((void *)list240->name == symbol(#name), "list 2.40 interface's %s is not the exported %s", #name, #name);
    FUNCTIONS_2_40(SAME_240_INTERFACE)

    CK_FUNCTION_LIST_3_2 *list32 = (CK_FUNCTION_LIST_3_2 *)v32->pFunctionList;
    CHECK(list32->version.major == 3 && list32->version.minor == 2, "list 3.2 interface version %d.%d",
          list32->version.major, list32->version.minor);
#define SAME_32(name) \
    CHECK((void *)list32->name == symbol(#name), "list CK_FUNCTION_LIST_3_2.%s is not the exported %s", #name, #name);
    FUNCTIONS_2_40(SAME_32)
    FUNCTIONS_3_0_ADDED(SAME_32)
    FUNCTIONS_3_2_ADDED(SAME_32)
#else
    (void)list;
#endif
}

static void check_canaries(CK_FUNCTION_LIST_PTR f)
{
    CK_RV rv;

    fill();
    rv = f->C_GetInfo((CK_INFO_PTR)buffer);
    CHECK(rv == CKR_OK, "canary C_GetInfo rv 0x%lx", rv);
    CHECK(untouched_from(sizeof(CK_INFO)), "canary C_GetInfo wrote past sizeof(CK_INFO)");
    CHECK(((CK_INFO_PTR)buffer)->libraryDescription[31] != CANARY, "canary C_GetInfo left libraryDescription");

    for (CK_SLOT_ID slot = 1; slot <= 2; slot++)
    {
        fill();
        rv = f->C_GetSlotInfo(slot, (CK_SLOT_INFO_PTR)buffer);
        CHECK(rv == CKR_OK, "canary C_GetSlotInfo(%lu) rv 0x%lx", slot, rv);
        CHECK(untouched_from(sizeof(CK_SLOT_INFO)), "canary C_GetSlotInfo(%lu) wrote past sizeof(CK_SLOT_INFO)", slot);
        CHECK(((CK_SLOT_INFO_PTR)buffer)->firmwareVersion.minor != CANARY, "canary C_GetSlotInfo left firmwareVersion");

        fill();
        rv = f->C_GetTokenInfo(slot, (CK_TOKEN_INFO_PTR)buffer);
        CHECK(rv == CKR_OK, "canary C_GetTokenInfo(%lu) rv 0x%lx", slot, rv);
        CHECK(untouched_from(sizeof(CK_TOKEN_INFO)), "canary C_GetTokenInfo(%lu) wrote past sizeof(CK_TOKEN_INFO)", slot);
        CHECK(((CK_TOKEN_INFO_PTR)buffer)->utcTime[15] != CANARY, "canary C_GetTokenInfo left utcTime");
    }

    CK_SESSION_HANDLE session = 0;
    rv = f->C_OpenSession(2, CKF_SERIAL_SESSION, NULL, NULL, &session);
    CHECK(rv == CKR_OK, "canary C_OpenSession rv 0x%lx", rv);
    fill();
    rv = f->C_GetSessionInfo(session, (CK_SESSION_INFO_PTR)buffer);
    CHECK(rv == CKR_OK, "canary C_GetSessionInfo rv 0x%lx", rv);
    CHECK(untouched_from(sizeof(CK_SESSION_INFO)), "canary C_GetSessionInfo wrote past sizeof(CK_SESSION_INFO)");
    CHECK(((CK_SESSION_INFO_PTR)buffer)->ulDeviceError == 0, "canary C_GetSessionInfo left ulDeviceError");

    fill();
    rv = f->C_GetMechanismInfo(1, CKM_SHA256, (CK_MECHANISM_INFO_PTR)buffer);
    CHECK(rv == CKR_OK, "canary C_GetMechanismInfo rv 0x%lx", rv);
    CHECK(untouched_from(sizeof(CK_MECHANISM_INFO)), "canary C_GetMechanismInfo wrote past sizeof(CK_MECHANISM_INFO)");
    CHECK((((CK_MECHANISM_INFO_PTR)buffer)->flags & CKF_DIGEST) != 0, "canary C_GetMechanismInfo left flags");

    fill();
    CK_ULONG count = 4;
    rv = f->C_GetSlotList(CK_FALSE, (CK_SLOT_ID_PTR)buffer, &count);
    CHECK(rv == CKR_OK && count == 2, "canary C_GetSlotList rv 0x%lx count %lu", rv, count);
    CHECK(untouched_from(count * sizeof(CK_SLOT_ID)), "canary C_GetSlotList wrote past its %lu entries", count);

    count = 0;
    rv = f->C_GetMechanismList(1, NULL, &count);
    CHECK(rv == CKR_OK && count > 0 && count < 256, "canary C_GetMechanismList length rv 0x%lx", rv);
    fill();
    CK_ULONG room = count + 4;
    rv = f->C_GetMechanismList(1, (CK_MECHANISM_TYPE_PTR)buffer, &room);
    CHECK(rv == CKR_OK && room == count, "canary C_GetMechanismList rv 0x%lx count %lu", rv, room);
    CHECK(untouched_from(count * sizeof(CK_MECHANISM_TYPE)), "canary C_GetMechanismList wrote past its entries");

    CK_MECHANISM sha256 = { CKM_SHA256, NULL, 0 };
    rv = f->C_DigestInit(session, &sha256);
    CHECK(rv == CKR_OK, "canary C_DigestInit rv 0x%lx", rv);
    fill();
    CK_ULONG length = 64;
    rv = f->C_Digest(session, (CK_BYTE_PTR) "abc", 3, buffer, &length);
    CHECK(rv == CKR_OK && length == 32, "canary C_Digest rv 0x%lx length %lu", rv, length);
    CHECK(untouched_from(32), "canary C_Digest wrote past the 32-byte digest");
    CHECK(buffer[0] == 0xba && buffer[31] == 0xad, "canary C_Digest wrong SHA-256 of abc");

#ifdef PROBE_OASIS_3_0
    CK_C_GetInterfaceList get_list = (CK_C_GetInterfaceList)symbol("C_GetInterfaceList");
    fill();
    count = 5;
    rv = get_list((CK_INTERFACE_PTR)buffer, &count);
    CHECK(rv == CKR_OK && count == INTERFACE_COUNT, "canary C_GetInterfaceList rv 0x%lx count %lu", rv, count);
    CHECK(untouched_from(INTERFACE_COUNT * sizeof(CK_INTERFACE)), "canary C_GetInterfaceList wrote past its entries");
#endif

    rv = f->C_CloseSession(session);
    CHECK(rv == CKR_OK, "canary C_CloseSession rv 0x%lx", rv);
}

static void check_module(const char *path, const char *parameters)
{
    handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL)
    {
        CHECK(0, "dlopen %s: %s", path, dlerror());
        return;
    }
    CK_C_GetFunctionList get_function_list = (CK_C_GetFunctionList)symbol("C_GetFunctionList");
    if (get_function_list == NULL) return;
    CK_FUNCTION_LIST_PTR list = NULL;
    CK_RV rv = get_function_list(&list);
    CHECK(rv == CKR_OK && list != NULL, "list C_GetFunctionList rv 0x%lx", rv);
    if (list == NULL) return;
    check_function_lists(list);

    CK_C_INITIALIZE_ARGS args;
    memset(&args, 0, sizeof args);
    args.flags = CKF_OS_LOCKING_OK;
#ifdef PROBE_OASIS_3_0
    args.LibraryParameters = (CK_CHAR_PTR *)parameters; /* as NSS passes it */
#else
    args.pReserved = (void *)parameters;
#endif
    rv = list->C_Initialize(&args);
    CHECK(rv == CKR_OK, "canary C_Initialize rv 0x%lx", rv);
    if (rv != CKR_OK) return;
    check_canaries(list);
    rv = list->C_Finalize(NULL);
    CHECK(rv == CKR_OK, "canary C_Finalize rv 0x%lx", rv);
}

int main(int argc, char **argv)
{
    print_layout();
    if (argc == 3) check_module(argv[1], argv[2]);
    printf("failures %d\n", failures);
    return failures == 0 ? 0 : 1;
}
