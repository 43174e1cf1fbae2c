/* A second process on the same token database, for tests/Softoken.NativeTests/TwoProcessTests.cs. Compiled with
 * gcc at test time against p11-kit's pkcs11.h; the module finds its database through SOFTOKEN_PARAMS.
 *
 *   token_client MODULE flags       prints "flags 0x... rv 0x..." (slot 2's CK_TOKEN_INFO.flags) and
 *                                   "serial ..." (its serialNumber)
 *   token_client MODULE login PIN   prints "login 0x..." (the CK_RV of C_Login(CKU_USER, PIN) on slot 2)
 */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include <p11-kit/pkcs11.h>

int main(int argc, char **argv)
{
    if (argc < 3) return 2;
    void *module = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (module == NULL)
    {
        printf("dlopen %s\n", dlerror());
        return 3;
    }
    CK_C_GetFunctionList get_function_list = (CK_C_GetFunctionList)dlsym(module, "C_GetFunctionList");
    CK_FUNCTION_LIST_PTR f = NULL;
    if (get_function_list == NULL || get_function_list(&f) != CKR_OK) return 4;

    CK_C_INITIALIZE_ARGS args;
    memset(&args, 0, sizeof args);
    args.flags = CKF_OS_LOCKING_OK;
    CK_RV rv = f->C_Initialize(&args);
    if (rv != CKR_OK)
    {
        printf("C_Initialize 0x%lx\n", rv);
        return 5;
    }

    if (strcmp(argv[2], "flags") == 0)
    {
        CK_TOKEN_INFO info;
        rv = f->C_GetTokenInfo(2, &info);
        printf("flags 0x%lx rv 0x%lx\n", info.flags, rv);
        printf("serial %.16s\n", (const char *)info.serialNumber);
    }
    else if (strcmp(argv[2], "login") == 0 && argc == 4)
    {
        CK_SESSION_HANDLE session;
        rv = f->C_OpenSession(2, CKF_SERIAL_SESSION, NULL, NULL, &session);
        if (rv == CKR_OK) rv = f->C_Login(session, CKU_USER, (CK_UTF8CHAR_PTR)argv[3], strlen(argv[3]));
        printf("login 0x%lx\n", rv);
    }
    else
    {
        return 2;
    }
    rv = f->C_Finalize(NULL);
    return rv == CKR_OK ? 0 : 6;
}
