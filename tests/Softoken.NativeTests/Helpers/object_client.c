/* Another process on the same token database, for tests/Softoken.NativeTests/Objects/ObjectProcessTests.cs. Compiled
 * with gcc at test time against p11-kit's pkcs11.h; the module finds its database through SOFTOKEN_PARAMS.
 *
 *   object_client MODULE create LABEL          a public token data object; prints "create 0x<rv>"
 *   object_client MODULE count LABEL           prints "count N rv 0x<rv>" (objects with that CKA_LABEL, no login)
 *   object_client MODULE destroy LABEL         destroys every object with that label; prints "destroy N rv 0x<rv>"
 *   object_client MODULE value PIN LABEL       logs in, prints "value <hex of CKA_VALUE> rv 0x<rv>" of the one object
 *   object_client MODULE writeloop PIN COUNT   logs in, then for i = 0 .. COUNT-1 creates a token secret key
 *                                              (CKA_ID = i big-endian, CKA_VALUE = pattern(i), label "new-i") and
 *                                              renames it "kill-i"; prints "created i" after each; runs until killed
 *                                              or done
 *   object_client MODULE importcerts DIR COUNT START_MS
 *                                              imports DIR/0.der .. DIR/COUNT-1.der as token X.509 certificates, one
 *                                              every 20 ms from START_MS (CLOCK_REALTIME milliseconds), so that several
 *                                              processes import the same certificate at the same moment; prints
 *                                              "imported i handle" for each
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <p11-kit/pkcs11.h>

static CK_FUNCTION_LIST_PTR f;

static CK_RV find_by_label(CK_SESSION_HANDLE session, const char *label, CK_OBJECT_HANDLE *found, CK_ULONG max, CK_ULONG *count)
{
    CK_ATTRIBUTE template[] = {{CKA_LABEL, (void *)label, strlen(label)}};
    CK_RV rv = f->C_FindObjectsInit(session, template, 1);
    if (rv != CKR_OK) return rv;
    *count = 0;
    for (;;)
    {
        CK_ULONG n = 0;
        rv = f->C_FindObjects(session, found + *count, max - *count, &n);
        if (rv != CKR_OK || n == 0 || *count + n >= max)
        {
            *count += n;
            break;
        }
        *count += n;
    }
    CK_RV final = f->C_FindObjectsFinal(session);
    return rv != CKR_OK ? rv : final;
}

static CK_RV login(CK_SESSION_HANDLE session, const char *pin)
{
    return f->C_Login(session, CKU_USER, (CK_UTF8CHAR_PTR)pin, strlen(pin));
}

static int write_loop(CK_SESSION_HANDLE session, const char *pin, long count)
{
    CK_RV rv = login(session, pin);
    if (rv != CKR_OK)
    {
        printf("login 0x%lx\n", rv);
        return 7;
    }
    CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
    CK_KEY_TYPE type = CKK_GENERIC_SECRET;
    CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
    for (long i = 0; i < count; i++)
    {
        unsigned char id[4] = {(unsigned char)(i >> 24), (unsigned char)(i >> 16), (unsigned char)(i >> 8), (unsigned char)i};
        unsigned char value[32];
        for (int j = 0; j < 32; j++) value[j] = (unsigned char)(i * 31 + j * 7 + 1);
        char label[32];
        snprintf(label, sizeof label, "new-%ld", i);
        CK_ATTRIBUTE template[] = {
            {CKA_CLASS, &cls, sizeof cls}, {CKA_KEY_TYPE, &type, sizeof type}, {CKA_TOKEN, &yes, sizeof yes},
            {CKA_PRIVATE, &yes, sizeof yes}, {CKA_SENSITIVE, &no, sizeof no}, {CKA_EXTRACTABLE, &yes, sizeof yes},
            {CKA_ID, id, sizeof id}, {CKA_VALUE, value, sizeof value}, {CKA_LABEL, label, strlen(label)},
        };
        CK_OBJECT_HANDLE key;
        rv = f->C_CreateObject(session, template, sizeof template / sizeof template[0], &key);
        if (rv != CKR_OK)
        {
            printf("error create %ld 0x%lx\n", i, rv);
            return 8;
        }
        snprintf(label, sizeof label, "kill-%ld", i);
        CK_ATTRIBUTE rename[] = {{CKA_LABEL, label, strlen(label)}};
        rv = f->C_SetAttributeValue(session, key, rename, 1);
        if (rv != CKR_OK)
        {
            printf("error rename %ld 0x%lx\n", i, rv);
            return 9;
        }
        printf("created %ld\n", i);
        fflush(stdout);
    }
    return 0;
}

static void sleep_until_ms(long long when)
{
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    long long delta = when - (now.tv_sec * 1000LL + now.tv_nsec / 1000000);
    if (delta <= 0) return;
    struct timespec pause = {delta / 1000, (delta % 1000) * 1000000};
    nanosleep(&pause, NULL);
}

static int import_certificates(CK_SESSION_HANDLE session, const char *dir, long count, long long start)
{
    CK_OBJECT_CLASS cls = CKO_CERTIFICATE;
    CK_CERTIFICATE_TYPE type = CKC_X_509;
    CK_BBOOL yes = CK_TRUE;
    static unsigned char der[16384];
    for (long i = 0; i < count; i++)
    {
        char path[4096];
        snprintf(path, sizeof path, "%s/%ld.der", dir, i);
        FILE *file = fopen(path, "rb");
        if (file == NULL) return 10;
        size_t length = fread(der, 1, sizeof der, file);
        fclose(file);
        char label[32];
        snprintf(label, sizeof label, "raced %ld", i);
        CK_ATTRIBUTE template[] = {
            {CKA_CLASS, &cls, sizeof cls}, {CKA_CERTIFICATE_TYPE, &type, sizeof type}, {CKA_TOKEN, &yes, sizeof yes},
            {CKA_VALUE, der, length}, {CKA_LABEL, label, strlen(label)},
        };
        sleep_until_ms(start + 20LL * i);
        CK_OBJECT_HANDLE handle;
        CK_RV rv = f->C_CreateObject(session, template, sizeof template / sizeof template[0], &handle);
        if (rv != CKR_OK)
        {
            printf("error import %ld 0x%lx\n", i, rv);
            return 11;
        }
        printf("imported %ld %lu\n", i, handle);
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 4) return 2;
    void *module = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (module == NULL)
    {
        printf("dlopen %s\n", dlerror());
        return 3;
    }
    CK_C_GetFunctionList get_function_list = (CK_C_GetFunctionList)dlsym(module, "C_GetFunctionList");
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
    CK_SESSION_HANDLE session;
    rv = f->C_OpenSession(2, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, &session);
    if (rv != CKR_OK)
    {
        printf("C_OpenSession 0x%lx\n", rv);
        return 6;
    }

    int status = 0;
    const char *command = argv[2];
    CK_OBJECT_HANDLE found[256];
    CK_ULONG count = 0;
    if (strcmp(command, "create") == 0)
    {
        CK_OBJECT_CLASS cls = CKO_DATA;
        CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
        const char value[] = "written by object_client";
        CK_ATTRIBUTE template[] = {
            {CKA_CLASS, &cls, sizeof cls}, {CKA_TOKEN, &yes, sizeof yes}, {CKA_PRIVATE, &no, sizeof no},
            {CKA_LABEL, argv[3], strlen(argv[3])}, {CKA_VALUE, (void *)value, sizeof value - 1},
        };
        CK_OBJECT_HANDLE handle;
        rv = f->C_CreateObject(session, template, sizeof template / sizeof template[0], &handle);
        printf("create 0x%lx\n", rv);
    }
    else if (strcmp(command, "count") == 0)
    {
        rv = find_by_label(session, argv[3], found, 256, &count);
        printf("count %lu rv 0x%lx\n", count, rv);
    }
    else if (strcmp(command, "destroy") == 0)
    {
        rv = find_by_label(session, argv[3], found, 256, &count);
        for (CK_ULONG i = 0; rv == CKR_OK && i < count; i++) rv = f->C_DestroyObject(session, found[i]);
        printf("destroy %lu rv 0x%lx\n", count, rv);
    }
    else if (strcmp(command, "value") == 0 && argc == 5)
    {
        rv = login(session, argv[3]);
        if (rv == CKR_OK) rv = find_by_label(session, argv[4], found, 256, &count);
        if (rv == CKR_OK && count != 1) rv = CKR_GENERAL_ERROR;
        unsigned char value[4096];
        CK_ATTRIBUTE template[] = {{CKA_VALUE, value, sizeof value}};
        if (rv == CKR_OK) rv = f->C_GetAttributeValue(session, found[0], template, 1);
        printf("value ");
        for (CK_ULONG i = 0; rv == CKR_OK && i < template[0].ulValueLen; i++) printf("%02X", value[i]);
        printf(" rv 0x%lx\n", rv);
    }
    else if (strcmp(command, "importcerts") == 0 && argc == 6)
    {
        status = import_certificates(session, argv[3], strtol(argv[4], NULL, 10), strtoll(argv[5], NULL, 10));
    }
    else if (strcmp(command, "writeloop") == 0 && argc == 5)
    {
        status = write_loop(session, argv[3], strtol(argv[4], NULL, 10));
    }
    else
    {
        return 2;
    }
    rv = f->C_Finalize(NULL);
    return status != 0 ? status : rv == CKR_OK ? 0 : 6;
}
