/* Prints what NSS's own softokn (libsoftokn3.so) answers for the inputs Softoken's tests pin: the constant-time
 * record MACs, the IKE appendix B forms, the PBE key generations. A cross-check run by hand, not part of the build:
 *   gcc -o /tmp/softokn_kat tools/softokn_kat.c -I/usr/include/nss -I/usr/include/nspr -ldl
 *   mkdir -p /tmp/softokn-db && /tmp/softokn_kat /tmp/softokn-db
 * (Debian 12: libnss3 3.87 and libnss3-dev.) */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <nss/pkcs11.h>
#include <nss/pkcs11n.h>

static CK_FUNCTION_LIST_PTR f;
static CK_SESSION_HANDLE s;

static void hex(const char *label, const unsigned char *p, unsigned long n) {
    printf("%s ", label);
    for (unsigned long i = 0; i < n; i++) printf("%02x", p[i]);
    printf("\n");
}

static unsigned long unhex(const char *h, unsigned char *out) {
    unsigned long n = strlen(h) / 2;
    for (unsigned long i = 0; i < n; i++) sscanf(h + 2 * i, "%2hhx", &out[i]);
    return n;
}

static CK_OBJECT_HANDLE secret(const char *h) {
    static unsigned char v[512];
    unsigned long n = unhex(h, v);
    CK_OBJECT_CLASS c = CKO_SECRET_KEY;
    CK_KEY_TYPE k = CKK_GENERIC_SECRET;
    CK_BBOOL t = CK_TRUE;
    CK_ATTRIBUTE a[] = { { CKA_CLASS, &c, sizeof c }, { CKA_KEY_TYPE, &k, sizeof k }, { CKA_VALUE, v, n },
                         { CKA_DERIVE, &t, 1 }, { CKA_SIGN, &t, 1 }, { CKA_VERIFY, &t, 1 } };
    CK_OBJECT_HANDLE o;
    CK_RV rv = f->C_CreateObject(s, a, 6, &o);
    if (rv) { printf("C_CreateObject %lx\n", rv); exit(1); }
    return o;
}

static void value(const char *label, CK_OBJECT_HANDLE o) {
    unsigned char v[1024];
    CK_ATTRIBUTE a = { CKA_VALUE, v, sizeof v };
    CK_RV rv = f->C_GetAttributeValue(s, o, &a, 1);
    if (rv) printf("%s C_GetAttributeValue %lx\n", label, rv); else hex(label, v, a.ulValueLen);
}

static void derive(const char *label, CK_MECHANISM_TYPE m, void *p, unsigned long pl, CK_OBJECT_HANDLE base, CK_ULONG len) {
    CK_MECHANISM mech = { m, p, pl };
    CK_OBJECT_CLASS c = CKO_SECRET_KEY;
    CK_KEY_TYPE k = CKK_GENERIC_SECRET;
    CK_ATTRIBUTE a[] = { { CKA_CLASS, &c, sizeof c }, { CKA_KEY_TYPE, &k, sizeof k }, { CKA_VALUE_LEN, &len, sizeof len } };
    CK_OBJECT_HANDLE o;
    CK_RV rv = f->C_DeriveKey(s, &mech, base, a, len ? 3 : 2, &o);
    if (rv) printf("%s C_DeriveKey %lx\n", label, rv); else value(label, o);
}

static void sign(const char *label, CK_MECHANISM_TYPE m, void *p, unsigned long pl, CK_OBJECT_HANDLE key,
                 const unsigned char *data, unsigned long n) {
    CK_MECHANISM mech = { m, p, pl };
    unsigned char out[128];
    CK_ULONG outLen = sizeof out;
    CK_RV rv = f->C_SignInit(s, &mech, key);
    if (rv) { printf("%s C_SignInit %lx\n", label, rv); return; }
    rv = f->C_Sign(s, (unsigned char *)data, n, out, &outLen);
    if (rv) printf("%s C_Sign %lx\n", label, rv); else hex(label, out, outLen);
}

/* ulDataLen counts the record data and the sender's MAC tag after it (NSS freebl hmacct.c): the MAC covers header ||
 * data[0 .. ulDataLen - macLength]. Body: RFC 4231 test case 2's message, then a tag-sized run of 0xee. */
static void constant_time(void) {
    unsigned char header[64], data[512];
    CK_OBJECT_HANDLE jefe = secret("4a656665");
    unsigned long hl = unhex("00000000000000011703030021", header);
    memset(data, 0xee, sizeof data);
    memcpy(data, "what do ya want for nothing?", 28);
    CK_MECHANISM_TYPE algs[] = { CKM_MD5_HMAC, CKM_SHA_1_HMAC, CKM_SHA224_HMAC, CKM_SHA256_HMAC, CKM_SHA384_HMAC,
                                 CKM_SHA512_HMAC, CKM_SSL3_MD5_MAC, CKM_SSL3_SHA1_MAC };
    unsigned long sizes[] = { 16, 20, 28, 32, 48, 64, 16, 20 };
    const char *names[] = { "md5", "sha1", "sha224", "sha256", "sha384", "sha512", "ssl3md5", "ssl3sha1" };
    for (int i = 0; i < 8; i++) {
        CK_NSS_MAC_CONSTANT_TIME_PARAMS p = { algs[i], 200, header, hl };
        char l[64];
        snprintf(l, sizeof l, "hmac-ct %s data28+tag total200", names[i]);
        sign(l, CKM_NSS_HMAC_CONSTANT_TIME, &p, sizeof p, jefe, data, 28 + sizes[i]);
    }
    CK_NSS_MAC_CONSTANT_TIME_PARAMS p = { CKM_SHA256_HMAC, 60, header, hl };
    sign("hmac-ct sha256 total=datalen", CKM_NSS_HMAC_CONSTANT_TIME, &p, sizeof p, jefe, data, 60);
    p.ulBodyTotalLen = 40;
    sign("hmac-ct sha256 total<datalen", CKM_NSS_HMAC_CONSTANT_TIME, &p, sizeof p, jefe, data, 60);
    p.ulBodyTotalLen = 300;
    sign("hmac-ct sha256 tag only", CKM_NSS_HMAC_CONSTANT_TIME, &p, sizeof p, jefe, data + 28, 32);
    p.ulHeaderLen = 0;
    sign("hmac-ct sha256 noheader", CKM_NSS_HMAC_CONSTANT_TIME, &p, sizeof p, jefe, data, 60);
    p.ulHeaderLen = 76; p.pHeader = data;
    sign("hmac-ct sha256 header76", CKM_NSS_HMAC_CONSTANT_TIME, &p, sizeof p, jefe, data, 60);
    sign("hmac-ct shortparam", CKM_NSS_HMAC_CONSTANT_TIME, &p, sizeof p - 1, jefe, data, 60);
    CK_OBJECT_HANDLE long65 = secret("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f40");
    CK_NSS_MAC_CONSTANT_TIME_PARAMS q = { CKM_SHA256_HMAC, 100, header, hl };
    sign("hmac-ct sha256 key65", CKM_NSS_HMAC_CONSTANT_TIME, &q, sizeof q, long65, data, 60);
    /* SSLv3: 20- and 16-byte MAC secrets, the 11-byte header seq || type || length */
    CK_OBJECT_HANDLE mac20 = secret("0102030405060708090a0b0c0d0e0f1011121314");
    CK_OBJECT_HANDLE mac16 = secret("0102030405060708090a0b0c0d0e0f10");
    unsigned long h3 = unhex("000000000000000117001c", header);
    CK_NSS_MAC_CONSTANT_TIME_PARAMS r = { CKM_SSL3_SHA1_MAC, 56, header, h3 };
    sign("ssl3-ct sha1 data28+tag", CKM_NSS_SSL3_MAC_CONSTANT_TIME, &r, sizeof r, mac20, data, 48);
    r.macAlg = CKM_SSL3_MD5_MAC;
    sign("ssl3-ct md5 data28+tag", CKM_NSS_SSL3_MAC_CONSTANT_TIME, &r, sizeof r, mac16, data, 44);
    r.macAlg = CKM_SSL3_SHA1_MAC; r.ulBodyTotalLen = 200;
    sign("ssl3-ct sha1 data28+tag total200 (beyond SSLv3's padding variance)", CKM_NSS_SSL3_MAC_CONSTANT_TIME, &r, sizeof r, mac20, data, 48);
    r.ulBodyTotalLen = 56;
    r.macAlg = CKM_SHA_1_HMAC;
    sign("ssl3-ct hmacsha1-alg", CKM_NSS_SSL3_MAC_CONSTANT_TIME, &r, sizeof r, mac20, data, 48);
    r.macAlg = CKM_SSL3_SHA1_MAC; r.ulHeaderLen = 16;
    sign("ssl3-ct sha1 header16 (20+40+16>75)", CKM_NSS_SSL3_MAC_CONSTANT_TIME, &r, sizeof r, mac20, data, 48);
    r.ulHeaderLen = 15; memcpy(header + 11, "\xaa\xbb\xcc\xdd", 4);
    sign("ssl3-ct sha1 header15", CKM_NSS_SSL3_MAC_CONSTANT_TIME, &r, sizeof r, mac20, data, 48);
}

static void ike(void) {
    CK_OBJECT_HANDLE k = secret("5f00d1bd2c58ec224b1e6b71fa0f19a1faa7a193952c444411b47c1a9d8ba6fe");
    CK_MECHANISM_TYPE prf = CKM_SHA256_HMAC;
    derive("appb-nss mechtype 132", CKM_NSS_IKE1_APP_B_PRF_DERIVE, &prf, sizeof prf, k, 132);
    derive("appb-std mechtype 132", 0x4031UL, &prf, sizeof prf, k, 132);
    CK_NSS_IKE1_APP_B_PRF_DERIVE_PARAMS e = { CKM_SHA256_HMAC, CK_FALSE, 0, NULL, 0 };
    derive("appb-std struct 132", 0x4031UL, &e, sizeof e, k, 132);
    derive("appb-nss mechtype 0", CKM_NSS_IKE1_APP_B_PRF_DERIVE, &prf, sizeof prf, k, 0);
}

static void pbe(void) {
    const char *pw[] = { "pw", "a much longer password than twenty" };
    const char *salts[] = { "0102030405060708", "0102030405060708" };
    CK_MECHANISM_TYPE ms[] = { CKM_NSS_PBE_SHA1_FAULTY_3DES_CBC, CKM_NSS_PBE_SHA1_TRIPLE_DES_CBC, CKM_PBE_SHA1_DES3_EDE_CBC };
    const char *mn[] = { "faulty", "nss3des", "pkcs12" };
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 3; j++) for (CK_ULONG iter = 1; iter <= 2; iter++) {
            unsigned char salt[16], iv[8] = { 0 };
            unsigned long sl = unhex(salts[i], salt);
            CK_PBE_PARAMS p = { iv, (unsigned char *)pw[i], strlen(pw[i]), salt, sl, iter };
            CK_MECHANISM mech = { ms[j], &p, sizeof p };
            CK_OBJECT_CLASS c = CKO_SECRET_KEY;
            CK_BBOOL f_ = CK_FALSE;
            CK_ATTRIBUTE a[] = { { CKA_SENSITIVE, &f_, 1 } };
            CK_OBJECT_HANDLE o;
            char l[96];
            snprintf(l, sizeof l, "pbe %s pw=%zu iter=%lu", mn[j], strlen(pw[i]), iter);
            CK_RV rv = f->C_GenerateKey(s, &mech, a, 1, &o);
            (void)c;
            if (rv) { printf("%s C_GenerateKey %lx\n", l, rv); continue; }
            value(l, o);
            hex("   iv", iv, 8);
        }
}

int main(int argc, char **argv) {
    void *lib = dlopen("/usr/lib/x86_64-linux-gnu/libsoftokn3.so", RTLD_NOW);
    if (!lib) { printf("%s\n", dlerror()); return 1; }
    CK_C_GetFunctionList gfl = (CK_C_GetFunctionList)dlsym(lib, "C_GetFunctionList");
    gfl(&f);
    char params[512];
    snprintf(params, sizeof params, "configdir='sql:%s' certPrefix='' keyPrefix='' secmod='secmod.db' flags=", argv[1]);
    CK_C_INITIALIZE_ARGS init = { 0 };
    init.flags = CKF_OS_LOCKING_OK;
    init.LibraryParameters = (CK_CHAR_PTR *)params;
    CK_RV rv = f->C_Initialize(&init);
    if (rv) { printf("C_Initialize %lx\n", rv); return 1; }
    rv = f->C_OpenSession(1, CKF_SERIAL_SESSION, NULL, NULL, &s);
    if (rv) { printf("C_OpenSession %lx\n", rv); return 1; }
    constant_time();
    ike();
    pbe();
    f->C_Finalize(NULL);
    return 0;
}
