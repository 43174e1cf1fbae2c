/*
 * p11bench: a side-by-side PKCS #11 benchmark.
 *
 * Loads any PKCS #11 module by path, initialises it (optionally with an NSS-style init string in
 * CK_C_INITIALIZE_ARGS.pReserved), and runs benchmark rows for a fixed time each, with 1 and T threads (one session
 * per thread). Every CK_RV is checked and every result is verified against OpenSSL (digests and ciphertexts against
 * a known answer, signatures verified with the public key, decryptions compared with the plaintext, finds checked
 * by reading back the attribute searched for), so a broken module cannot look fast.
 *
 * One line per measurement on stdout, tab-separated:
 *   RESULT <row> <module> <threads> <value> <unit> <status> <detail>
 * status is ok, n/a (the module lacks what the row needs: the CK_RV says what) or FAIL (a wrong result or an
 * error in the middle of a run).
 *
 * Usage: p11bench --module PATH --name LABEL [options] [--rows a,b,...]   (see usage() below)
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <p11-kit/pkcs11.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#ifndef CKR_CURVE_NOT_SUPPORTED
#define CKR_CURVE_NOT_SUPPORTED 0x140UL
#endif
#ifndef CKM_EC_EDWARDS_KEY_PAIR_GEN
#define CKM_EC_EDWARDS_KEY_PAIR_GEN 0x1055UL
#endif
#ifndef CKM_EDDSA
#define CKM_EDDSA 0x1057UL
#endif
#ifndef CKK_EC_EDWARDS
#define CKK_EC_EDWARDS 0x40UL
#endif

#define MIB (1024 * 1024)
#define BIG_LEN MIB
#define FAIL_RV 0xFFFFFFFFUL /* a verification failure, not a CK_RV */

/* ------------------------------------------------------------------------------------------------------------ */
/* Options and global state                                                                                      */

static struct
{
    const char *module_path;
    const char *name;
    const char *init_string;
    const char *slot_spec;       /* crypto rows */
    const char *token_slot_spec; /* token rows (find, create/destroy, login) */
    const char *pin;
    const char *so_pin;
    const char *token_label;
    const char *keydir;
    const char *rows;
    double seconds;
    int threads;
    int init_token;
    long populate;
    double populate_timeout;
    long find_objects;
    long ops; /* a fixed number of calls per thread instead of a fixed time (for instruction counts) */
    int list;
    int verbose;
} opt = {
    .name = "module",
    .seconds = 1.0,
    .threads = 2,
    .token_label = "p11bench",
    .populate_timeout = 600,
    .find_objects = 1000,
};

static CK_FUNCTION_LIST_PTR F;
static CK_C_INITIALIZE_ARGS init_args;
static CK_SLOT_ID crypto_slot, token_slot;

static const unsigned char OID_P256[] = {0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07};
static const unsigned char OID_P384[] = {0x06, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x22};
static const unsigned char OID_ED25519[] = {0x06, 0x03, 0x2B, 0x65, 0x70};
static CK_BBOOL TRUE_V = CK_TRUE, FALSE_V = CK_FALSE;

static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "p11bench: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    exit(2);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static const char *rv_name(CK_RV rv)
{
    static __thread char buf[32];
    switch (rv)
    {
#define N(x) case x: return #x;
        N(CKR_OK) N(CKR_CANCEL) N(CKR_HOST_MEMORY) N(CKR_SLOT_ID_INVALID) N(CKR_GENERAL_ERROR)
        N(CKR_FUNCTION_FAILED) N(CKR_ARGUMENTS_BAD) N(CKR_ATTRIBUTE_READ_ONLY) N(CKR_ATTRIBUTE_SENSITIVE)
        N(CKR_ATTRIBUTE_TYPE_INVALID) N(CKR_ATTRIBUTE_VALUE_INVALID) N(CKR_DATA_INVALID) N(CKR_DATA_LEN_RANGE)
        N(CKR_DEVICE_ERROR) N(CKR_DEVICE_MEMORY) N(CKR_ENCRYPTED_DATA_INVALID) N(CKR_ENCRYPTED_DATA_LEN_RANGE)
        N(CKR_FUNCTION_NOT_SUPPORTED) N(CKR_KEY_HANDLE_INVALID) N(CKR_KEY_SIZE_RANGE) N(CKR_KEY_TYPE_INCONSISTENT)
        N(CKR_KEY_FUNCTION_NOT_PERMITTED) N(CKR_MECHANISM_INVALID) N(CKR_MECHANISM_PARAM_INVALID)
        N(CKR_OBJECT_HANDLE_INVALID) N(CKR_OPERATION_ACTIVE) N(CKR_OPERATION_NOT_INITIALIZED) N(CKR_PIN_INCORRECT)
        N(CKR_PIN_LOCKED) N(CKR_SESSION_HANDLE_INVALID) N(CKR_SESSION_READ_ONLY) N(CKR_SIGNATURE_INVALID)
        N(CKR_SIGNATURE_LEN_RANGE) N(CKR_TEMPLATE_INCOMPLETE) N(CKR_TEMPLATE_INCONSISTENT)
        N(CKR_TOKEN_WRITE_PROTECTED) N(CKR_USER_ALREADY_LOGGED_IN) N(CKR_USER_NOT_LOGGED_IN)
        N(CKR_USER_PIN_NOT_INITIALIZED) N(CKR_USER_TYPE_INVALID) N(CKR_DOMAIN_PARAMS_INVALID)
        N(CKR_CURVE_NOT_SUPPORTED) N(CKR_BUFFER_TOO_SMALL) N(CKR_CRYPTOKI_NOT_INITIALIZED)
        N(CKR_CRYPTOKI_ALREADY_INITIALIZED) N(CKR_KEY_NOT_NEEDED) N(CKR_WRAPPED_KEY_INVALID)
        N(CKR_SESSION_READ_WRITE_SO_EXISTS) N(CKR_SESSION_COUNT) N(CKR_TOKEN_NOT_RECOGNIZED)
        N(CKR_TOKEN_NOT_PRESENT) N(CKR_SAVED_STATE_INVALID) N(CKR_RANDOM_NO_RNG) N(CKR_ACTION_PROHIBITED)
#undef N
    case FAIL_RV: return "WRONG_RESULT";
    default: snprintf(buf, sizeof buf, "CKR_0x%lX", rv); return buf;
    }
}

/* ------------------------------------------------------------------------------------------------------------ */
/* Row bookkeeping                                                                                               */

/* "F->C_Sign(s, ...)" -> "C_Sign" */
static const char *call_name(const char *expr)
{
    static char buf[64];
    if (!strncmp(expr, "F->", 3)) expr += 3;
    size_t n = strcspn(expr, "(");
    snprintf(buf, sizeof buf, "%.*s", (int)(n < 63 ? n : 63), expr);
    return buf;
}

/* Setup failures are reported as n/a with the CK_RV and the call that returned it. */
static char setup_detail[256];

#define TRY(call)                                                                                                  \
    do                                                                                                             \
    {                                                                                                              \
        CK_RV rv_ = (call);                                                                                        \
        if (rv_ != CKR_OK)                                                                                         \
        {                                                                                                          \
            snprintf(setup_detail, sizeof setup_detail, "%s in %s", rv_name(rv_), call_name(#call));                          \
            return rv_;                                                                                            \
        }                                                                                                          \
    } while (0)

#define CHECK(cond, ...)                                                                                           \
    do                                                                                                             \
    {                                                                                                              \
        if (!(cond))                                                                                               \
        {                                                                                                          \
            snprintf(setup_detail, sizeof setup_detail, __VA_ARGS__);                                              \
            return FAIL_RV;                                                                                        \
        }                                                                                                          \
    } while (0)

typedef struct worker
{
    int index;
    CK_SESSION_HANDLE session;
    unsigned long ops;
    double elapsed;
    CK_RV rv;
    char detail[256];
    uint64_t rng;
    CK_SLOT_ID slot;
    long arg;
    unsigned char *out; /* BIG_LEN + 64 bytes of scratch */
    unsigned char prev[64];
    pthread_t thread;
} worker;

typedef struct row row;
typedef CK_RV (*setup_fn)(const row *r);
typedef CK_RV (*op_fn)(worker *w, unsigned long iter);

enum { SLOT_CRYPTO, SLOT_TOKEN };

struct row
{
    const char *name;
    const char *unit; /* "ops/s" or "MB/s" */
    double bytes;     /* per op, for MB/s */
    int slot;
    int single_thread; /* state is per application (login, C_Initialize): 1 thread only */
    int rw_session;
    setup_fn setup;
    op_fn op;
    long arg;
};

/* ------------------------------------------------------------------------------------------------------------ */
/* Fixtures: inputs, keys (OpenSSL side and module side), expected outputs                                      */

static unsigned char small_in[64];
static unsigned char *big_in;
static unsigned char kib_in[1024];
static unsigned char exp_small[64], exp_big[64];
static unsigned char *exp_cipher; /* BIG_LEN + 16 */
static size_t exp_cipher_len;
static unsigned char exp_block[16];
static unsigned char aes128_key[16], aes256_key[32], des3_key[24], hmac_key[32], iv16[16], iv12[12];
static unsigned char msg32[32], msg48[48];

static CK_OBJECT_HANDLE key_h, priv_h, pub_h;
static EVP_PKEY *ossl_pub; /* verifies what the module produced */
static EVP_PKEY *ossl_full; /* when the key was imported from OpenSSL */
static unsigned char sig[1024];
static CK_ULONG sig_len;
static unsigned char oaep_ct[1024];
static size_t oaep_ct_len;
static EVP_PKEY *ecdh_peer;
static unsigned char ecdh_peer_point[133];
static size_t ecdh_peer_point_len;
static unsigned char ecdh_expected[66];
static size_t ecdh_expected_len;
static CK_MECHANISM mech;
static CK_RSA_PKCS_PSS_PARAMS pss_params = {CKM_SHA256, CKG_MGF1_SHA256, 32};
static CK_RSA_PKCS_OAEP_PARAMS oaep_params = {CKM_SHA_1, CKG_MGF1_SHA1, CKZ_DATA_SPECIFIED, NULL, 0};
static CK_GCM_PARAMS gcm_params;
static long find_count;
static atomic_ulong unique_counter;

static void fill_pattern(unsigned char *p, size_t n, unsigned seed)
{
    uint32_t x = 2463534242u ^ seed;
    for (size_t i = 0; i < n; i++)
    {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        p[i] = (unsigned char)x;
    }
}

static void init_inputs(void)
{
    fill_pattern(small_in, sizeof small_in, 1);
    big_in = malloc(BIG_LEN);
    exp_cipher = malloc(BIG_LEN + 64);
    fill_pattern(big_in, BIG_LEN, 2);
    fill_pattern(kib_in, sizeof kib_in, 3);
    fill_pattern(aes128_key, sizeof aes128_key, 4);
    fill_pattern(aes256_key, sizeof aes256_key, 5);
    fill_pattern(des3_key, sizeof des3_key, 6);
    for (size_t i = 0; i < sizeof des3_key; i++)
    { /* odd parity, as DES wants */
        unsigned char b = des3_key[i] & 0xFE;
        b |= !(__builtin_popcount(b) & 1);
        des3_key[i] = b;
    }
    fill_pattern(hmac_key, sizeof hmac_key, 7);
    fill_pattern(iv16, sizeof iv16, 8);
    fill_pattern(iv12, sizeof iv12, 9);
    fill_pattern(msg32, sizeof msg32, 10);
    fill_pattern(msg48, sizeof msg48, 11);
}

static void ossl_fail(const char *what)
{
    fprintf(stderr, "p11bench: OpenSSL failed: %s\n", what);
    ERR_print_errors_fp(stderr);
    exit(2);
}

static size_t ossl_cipher(const char *name, const unsigned char *key, const unsigned char *iv, int ivlen,
                          const unsigned char *in, size_t len, unsigned char *out)
{
    EVP_CIPHER *c = EVP_CIPHER_fetch(NULL, name, NULL);
    if (!c) ossl_fail(name);
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int n = 0, m = 0;
    if (!EVP_EncryptInit_ex2(ctx, c, NULL, NULL, NULL)) ossl_fail("init");
    if (EVP_CIPHER_get_mode(c) == EVP_CIPH_GCM_MODE)
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, ivlen, NULL);
    if (!EVP_EncryptInit_ex2(ctx, NULL, key, iv, NULL)) ossl_fail("init key");
    EVP_CIPHER_CTX_set_padding(ctx, 0);
    if (!EVP_EncryptUpdate(ctx, out, &n, in, (int)len)) ossl_fail("update");
    if (!EVP_EncryptFinal_ex(ctx, out + n, &m)) ossl_fail("final");
    size_t total = (size_t)n + (size_t)m;
    if (EVP_CIPHER_get_mode(c) == EVP_CIPH_GCM_MODE)
    {
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, out + total);
        total += 16;
    }
    EVP_CIPHER_CTX_free(ctx);
    EVP_CIPHER_free(c);
    return total;
}

static void sha256(const unsigned char *in, size_t len, unsigned char *out)
{
    unsigned int n = 32;
    if (!EVP_Digest(in, len, out, &n, EVP_sha256(), NULL)) ossl_fail("sha256");
}

/* Keys: generated once with OpenSSL into --keydir (PEM) so every process and module uses the same ones. */
static EVP_PKEY *load_or_generate(const char *kind)
{
    char path[4096];
    EVP_PKEY *k = NULL;
    if (opt.keydir)
    {
        snprintf(path, sizeof path, "%s/%s.pem", opt.keydir, kind);
        FILE *fp = fopen(path, "r");
        if (fp)
        {
            k = PEM_read_PrivateKey(fp, NULL, NULL, NULL);
            fclose(fp);
            if (k) return k;
        }
    }
    if (!strcmp(kind, "rsa2048")) k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
    else if (!strcmp(kind, "rsa4096")) k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)4096);
    else if (!strcmp(kind, "p256")) k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    else if (!strcmp(kind, "p384")) k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
    else if (!strcmp(kind, "ed25519")) k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    if (!k) ossl_fail(kind);
    if (opt.keydir)
    {
        char tmp[4200];
        snprintf(tmp, sizeof tmp, "%s.%d", path, (int)getpid());
        FILE *fp = fopen(tmp, "w");
        if (fp)
        {
            PEM_write_PrivateKey(fp, k, NULL, NULL, 0, NULL, NULL);
            fclose(fp);
            rename(tmp, path);
        }
    }
    return k;
}

static int bn_bytes(EVP_PKEY *k, const char *param, unsigned char *out, int pad)
{
    BIGNUM *bn = NULL;
    if (!EVP_PKEY_get_bn_param(k, param, &bn)) ossl_fail(param);
    int n = pad ? BN_bn2binpad(bn, out, pad) : BN_bn2bin(bn, out);
    BN_clear_free(bn);
    return n;
}

/* DER OCTET STRING around an EC point, as CKA_EC_POINT wants. */
static size_t der_octet(const unsigned char *in, size_t len, unsigned char *out)
{
    size_t o = 0;
    out[o++] = 0x04;
    if (len < 128) out[o++] = (unsigned char)len;
    else { out[o++] = 0x81; out[o++] = (unsigned char)len; }
    memcpy(out + o, in, len);
    return o + len;
}

/* The inverse: accepts a DER OCTET STRING or a raw point. */
static const unsigned char *unwrap_point(const unsigned char *in, size_t len, size_t *outlen)
{
    if (len >= 2 && in[0] == 0x04)
    {
        size_t l = in[1], h = 2;
        if (l == 0x81 && len >= 3) { l = in[2]; h = 3; }
        if (h + l == len) { *outlen = l; return in + h; }
    }
    *outlen = len;
    return in;
}

static CK_RV get_attr(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_TYPE t, unsigned char *buf, CK_ULONG *len)
{
    CK_ATTRIBUTE a = {t, buf, *len};
    CK_RV rv = F->C_GetAttributeValue(s, o, &a, 1);
    *len = a.ulValueLen;
    return rv;
}

static EVP_PKEY *ossl_rsa_public(const unsigned char *n, size_t nlen, const unsigned char *e, size_t elen)
{
    OSSL_PARAM_BLD *b = OSSL_PARAM_BLD_new();
    BIGNUM *bn = BN_bin2bn(n, (int)nlen, NULL), *be = BN_bin2bn(e, (int)elen, NULL);
    OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_N, bn);
    OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_E, be);
    OSSL_PARAM *p = OSSL_PARAM_BLD_to_param(b);
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
    EVP_PKEY *k = NULL;
    if (EVP_PKEY_fromdata_init(ctx) <= 0 || EVP_PKEY_fromdata(ctx, &k, EVP_PKEY_PUBLIC_KEY, p) <= 0) k = NULL;
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(p);
    OSSL_PARAM_BLD_free(b);
    BN_free(bn);
    BN_free(be);
    return k;
}

static EVP_PKEY *ossl_ec_public(const char *group, const unsigned char *point, size_t len)
{
    if (!strcmp(group, "ED25519")) return EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, point, len);
    OSSL_PARAM p[3];
    p[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)group, 0);
    p[1] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, (void *)point, len);
    p[2] = OSSL_PARAM_construct_end();
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    EVP_PKEY *k = NULL;
    if (EVP_PKEY_fromdata_init(ctx) <= 0 || EVP_PKEY_fromdata(ctx, &k, EVP_PKEY_PUBLIC_KEY, p) <= 0) k = NULL;
    EVP_PKEY_CTX_free(ctx);
    return k;
}

static CK_SESSION_HANDLE setup_session;

/* Puts the OpenSSL key into the module as a session key pair; the caller falls back to C_GenerateKeyPair. */
static CK_RV import_pair(EVP_PKEY *k, const char *kind)
{
    CK_OBJECT_CLASS cpriv = CKO_PRIVATE_KEY, cpub = CKO_PUBLIC_KEY;
    CK_KEY_TYPE kt;
    CK_ATTRIBUTE pr[16], pu[8];
    int np = 0, nu = 0;
    unsigned char n[512], e[8], d[512], p[256], q[256], dp[256], dq[256], qi[256], pt[160], der[170], raw[64];
    pr[np++] = (CK_ATTRIBUTE){CKA_CLASS, &cpriv, sizeof cpriv};
    pr[np++] = (CK_ATTRIBUTE){CKA_KEY_TYPE, &kt, sizeof kt};
    pr[np++] = (CK_ATTRIBUTE){CKA_TOKEN, &FALSE_V, 1};
    pr[np++] = (CK_ATTRIBUTE){CKA_SIGN, &TRUE_V, 1};
    pu[nu++] = (CK_ATTRIBUTE){CKA_CLASS, &cpub, sizeof cpub};
    pu[nu++] = (CK_ATTRIBUTE){CKA_KEY_TYPE, &kt, sizeof kt};
    pu[nu++] = (CK_ATTRIBUTE){CKA_TOKEN, &FALSE_V, 1};
    pu[nu++] = (CK_ATTRIBUTE){CKA_VERIFY, &TRUE_V, 1};
    if (!strncmp(kind, "rsa", 3))
    {
        kt = CKK_RSA;
        int ln = bn_bytes(k, OSSL_PKEY_PARAM_RSA_N, n, 0), half = (ln + 1) / 2;
        int le = bn_bytes(k, OSSL_PKEY_PARAM_RSA_E, e, 0);
        int ld = bn_bytes(k, OSSL_PKEY_PARAM_RSA_D, d, ln);
        bn_bytes(k, OSSL_PKEY_PARAM_RSA_FACTOR1, p, half);
        bn_bytes(k, OSSL_PKEY_PARAM_RSA_FACTOR2, q, half);
        bn_bytes(k, OSSL_PKEY_PARAM_RSA_EXPONENT1, dp, half);
        bn_bytes(k, OSSL_PKEY_PARAM_RSA_EXPONENT2, dq, half);
        bn_bytes(k, OSSL_PKEY_PARAM_RSA_COEFFICIENT1, qi, half);
        pr[np++] = (CK_ATTRIBUTE){CKA_DECRYPT, &TRUE_V, 1};
        pr[np++] = (CK_ATTRIBUTE){CKA_MODULUS, n, (CK_ULONG)ln};
        pr[np++] = (CK_ATTRIBUTE){CKA_PUBLIC_EXPONENT, e, (CK_ULONG)le};
        pr[np++] = (CK_ATTRIBUTE){CKA_PRIVATE_EXPONENT, d, (CK_ULONG)ld};
        pr[np++] = (CK_ATTRIBUTE){CKA_PRIME_1, p, (CK_ULONG)half};
        pr[np++] = (CK_ATTRIBUTE){CKA_PRIME_2, q, (CK_ULONG)half};
        pr[np++] = (CK_ATTRIBUTE){CKA_EXPONENT_1, dp, (CK_ULONG)half};
        pr[np++] = (CK_ATTRIBUTE){CKA_EXPONENT_2, dq, (CK_ULONG)half};
        pr[np++] = (CK_ATTRIBUTE){CKA_COEFFICIENT, qi, (CK_ULONG)half};
        pu[nu++] = (CK_ATTRIBUTE){CKA_ENCRYPT, &TRUE_V, 1};
        pu[nu++] = (CK_ATTRIBUTE){CKA_MODULUS, n, (CK_ULONG)ln};
        pu[nu++] = (CK_ATTRIBUTE){CKA_PUBLIC_EXPONENT, e, (CK_ULONG)le};
    }
    else if (!strcmp(kind, "ed25519"))
    {
        kt = CKK_EC_EDWARDS;
        size_t lr = 32, lp = 32;
        EVP_PKEY_get_raw_private_key(k, raw, &lr);
        EVP_PKEY_get_raw_public_key(k, pt, &lp);
        size_t ld = der_octet(pt, lp, der);
        pr[np++] = (CK_ATTRIBUTE){CKA_EC_PARAMS, (void *)OID_ED25519, sizeof OID_ED25519};
        pr[np++] = (CK_ATTRIBUTE){CKA_VALUE, raw, (CK_ULONG)lr};
        pu[nu++] = (CK_ATTRIBUTE){CKA_EC_PARAMS, (void *)OID_ED25519, sizeof OID_ED25519};
        pu[nu++] = (CK_ATTRIBUTE){CKA_EC_POINT, der, (CK_ULONG)ld};
    }
    else
    {
        kt = CKK_EC;
        int p384 = !strcmp(kind, "p384"), flen = p384 ? 48 : 32;
        const unsigned char *oid = p384 ? OID_P384 : OID_P256;
        CK_ULONG oidlen = p384 ? sizeof OID_P384 : sizeof OID_P256;
        bn_bytes(k, OSSL_PKEY_PARAM_PRIV_KEY, d, flen);
        size_t lp = 0;
        EVP_PKEY_get_octet_string_param(k, OSSL_PKEY_PARAM_PUB_KEY, pt, sizeof pt, &lp);
        size_t ld = der_octet(pt, lp, der);
        pr[np++] = (CK_ATTRIBUTE){CKA_DERIVE, &TRUE_V, 1};
        pr[np++] = (CK_ATTRIBUTE){CKA_EC_PARAMS, (void *)oid, oidlen};
        pr[np++] = (CK_ATTRIBUTE){CKA_VALUE, d, (CK_ULONG)flen};
        pu[nu++] = (CK_ATTRIBUTE){CKA_EC_PARAMS, (void *)oid, oidlen};
        pu[nu++] = (CK_ATTRIBUTE){CKA_EC_POINT, der, (CK_ULONG)ld};
    }
    CK_RV rv = F->C_CreateObject(setup_session, pr, np, &priv_h);
    if (rv == CKR_OK) rv = F->C_CreateObject(setup_session, pu, nu, &pub_h);
    OPENSSL_cleanse(d, sizeof d);
    OPENSSL_cleanse(raw, sizeof raw);
    if (rv != CKR_OK) snprintf(setup_detail, sizeof setup_detail, "%s in C_CreateObject(%s key)", rv_name(rv), kind);
    return rv;
}

static CK_RV generate_pair(const char *kind)
{
    CK_ULONG bits = !strcmp(kind, "rsa4096") ? 4096 : 2048;
    unsigned char e[] = {1, 0, 1};
    CK_MECHANISM m = {CKM_RSA_PKCS_KEY_PAIR_GEN, NULL, 0};
    CK_ATTRIBUTE pu[6], pr[6];
    int nu = 0, np = 0;
    pu[nu++] = (CK_ATTRIBUTE){CKA_TOKEN, &FALSE_V, 1};
    pu[nu++] = (CK_ATTRIBUTE){CKA_VERIFY, &TRUE_V, 1};
    pr[np++] = (CK_ATTRIBUTE){CKA_TOKEN, &FALSE_V, 1};
    pr[np++] = (CK_ATTRIBUTE){CKA_SIGN, &TRUE_V, 1};
    if (!strncmp(kind, "rsa", 3))
    {
        pu[nu++] = (CK_ATTRIBUTE){CKA_MODULUS_BITS, &bits, sizeof bits};
        pu[nu++] = (CK_ATTRIBUTE){CKA_PUBLIC_EXPONENT, e, sizeof e};
        pu[nu++] = (CK_ATTRIBUTE){CKA_ENCRYPT, &TRUE_V, 1};
        pr[np++] = (CK_ATTRIBUTE){CKA_DECRYPT, &TRUE_V, 1};
    }
    else if (!strcmp(kind, "ed25519"))
    {
        m.mechanism = CKM_EC_EDWARDS_KEY_PAIR_GEN;
        pu[nu++] = (CK_ATTRIBUTE){CKA_EC_PARAMS, (void *)OID_ED25519, sizeof OID_ED25519};
    }
    else
    {
        int p384 = !strcmp(kind, "p384");
        m.mechanism = CKM_EC_KEY_PAIR_GEN;
        pu[nu++] = (CK_ATTRIBUTE){CKA_EC_PARAMS, (void *)(p384 ? OID_P384 : OID_P256),
                                  p384 ? sizeof OID_P384 : sizeof OID_P256};
        pr[np++] = (CK_ATTRIBUTE){CKA_DERIVE, &TRUE_V, 1};
    }
    TRY(F->C_GenerateKeyPair(setup_session, &m, pu, nu, pr, np, &pub_h, &priv_h));
    /* Read the public key back, so OpenSSL can check what the module signs. */
    unsigned char a[1024], b[16];
    CK_ULONG la = sizeof a, lb = sizeof b;
    if (!strncmp(kind, "rsa", 3))
    {
        TRY(get_attr(setup_session, pub_h, CKA_MODULUS, a, &la));
        TRY(get_attr(setup_session, pub_h, CKA_PUBLIC_EXPONENT, b, &lb));
        ossl_pub = ossl_rsa_public(a, la, b, lb);
    }
    else
    {
        TRY(get_attr(setup_session, pub_h, CKA_EC_POINT, a, &la));
        size_t pl;
        const unsigned char *pt = unwrap_point(a, la, &pl);
        ossl_pub = ossl_ec_public(!strcmp(kind, "ed25519") ? "ED25519" : !strcmp(kind, "p384") ? "P-384" : "P-256",
                                  pt, pl);
    }
    CHECK(ossl_pub != NULL, "the generated public key does not parse");
    return CKR_OK;
}

/* The key pair for a public-key row: imported from OpenSSL's key, else generated by the module. */
static CK_RV key_pair(const char *kind)
{
    ossl_full = load_or_generate(kind);
    CK_RV rv = import_pair(ossl_full, kind);
    if (rv == CKR_OK)
    {
        ossl_pub = ossl_full;
        return CKR_OK;
    }
    char first[256];
    snprintf(first, sizeof first, "%s", setup_detail);
    ossl_full = NULL;
    rv = generate_pair(kind);
    if (rv != CKR_OK && rv != FAIL_RV)
    {
        char second[256];
        snprintf(second, sizeof second, "%s", setup_detail);
        snprintf(setup_detail, sizeof setup_detail, "%.120s; %.120s", first, second);
    }
    return rv;
}

static CK_RV secret_key(CK_KEY_TYPE kt, const unsigned char *value, CK_ULONG len, CK_OBJECT_HANDLE *h)
{
    CK_OBJECT_CLASS c = CKO_SECRET_KEY;
    CK_ATTRIBUTE t[] = {
        {CKA_CLASS, &c, sizeof c},         {CKA_KEY_TYPE, &kt, sizeof kt},   {CKA_TOKEN, &FALSE_V, 1},
        {CKA_VALUE, (void *)value, len},   {CKA_ENCRYPT, &TRUE_V, 1},        {CKA_DECRYPT, &TRUE_V, 1},
    };
    CK_ATTRIBUTE th[] = {
        {CKA_CLASS, &c, sizeof c},       {CKA_KEY_TYPE, &kt, sizeof kt}, {CKA_TOKEN, &FALSE_V, 1},
        {CKA_VALUE, (void *)value, len}, {CKA_SIGN, &TRUE_V, 1},         {CKA_VERIFY, &TRUE_V, 1},
    };
    if (kt == CKK_GENERIC_SECRET) TRY(F->C_CreateObject(setup_session, th, 6, h));
    else TRY(F->C_CreateObject(setup_session, t, 6, h));
    return CKR_OK;
}

/* OpenSSL checks of what the module produced. */
static int ossl_verify(EVP_PKEY *k, const EVP_MD *md, int pss, const unsigned char *m, size_t mlen,
                       const unsigned char *s, size_t slen)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;
    int ok = EVP_DigestVerifyInit(ctx, &pctx, md, NULL, k) == 1;
    if (ok && pss)
        ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
             EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 32) == 1;
    ok = ok && EVP_DigestVerify(ctx, s, slen, m, mlen) == 1;
    EVP_MD_CTX_free(ctx);
    ERR_clear_error();
    return ok;
}

/* Raw ECDSA (r||s over a hash). */
static int ossl_verify_ecdsa(EVP_PKEY *k, const unsigned char *h, size_t hlen, const unsigned char *s, size_t slen)
{
    ECDSA_SIG *es = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(s, (int)slen / 2, NULL), *ss = BN_bin2bn(s + slen / 2, (int)slen / 2, NULL);
    ECDSA_SIG_set0(es, r, ss);
    unsigned char der[160], *pd = der;
    int dl = i2d_ECDSA_SIG(es, &pd);
    ECDSA_SIG_free(es);
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(k, NULL);
    int ok = EVP_PKEY_verify_init(ctx) == 1 && EVP_PKEY_verify(ctx, der, (size_t)dl, h, hlen) == 1;
    EVP_PKEY_CTX_free(ctx);
    ERR_clear_error();
    return ok;
}

/* ------------------------------------------------------------------------------------------------------------ */
/* Rows                                                                                                          */

/* C_GenerateRandom 32 bytes: successive outputs must differ and not be all zero. */
static CK_RV setup_none(const row *r)
{
    (void)r;
    return CKR_OK;
}

static CK_RV op_random(worker *w, unsigned long iter)
{
    (void)iter;
    unsigned char b[32];
    CK_RV rv = F->C_GenerateRandom(w->session, b, sizeof b);
    if (rv) return rv;
    static const unsigned char zero[32];
    if (!memcmp(b, w->prev, 32) || !memcmp(b, zero, 32)) return FAIL_RV;
    memcpy(w->prev, b, 32);
    return CKR_OK;
}

/* SHA-256 (C_DigestInit + C_Digest): compared with OpenSSL's digest of the same input on every call. */
static CK_RV setup_sha(const row *r)
{
    if (r->arg) sha256(big_in, BIG_LEN, exp_big);
    else sha256(small_in, sizeof small_in, exp_small);
    return CKR_OK;
}

static CK_RV op_sha_small(worker *w, unsigned long iter)
{
    (void)iter;
    CK_MECHANISM m = {CKM_SHA256, NULL, 0};
    unsigned char out[32];
    CK_ULONG len = sizeof out;
    CK_RV rv = F->C_DigestInit(w->session, &m);
    if (!rv) rv = F->C_Digest(w->session, small_in, sizeof small_in, out, &len);
    if (rv) return rv;
    return len == 32 && !memcmp(out, exp_small, 32) ? CKR_OK : FAIL_RV;
}

static CK_RV op_sha_big(worker *w, unsigned long iter)
{
    (void)iter;
    CK_MECHANISM m = {CKM_SHA256, NULL, 0};
    unsigned char out[32];
    CK_ULONG len = sizeof out;
    CK_RV rv = F->C_DigestInit(w->session, &m);
    if (!rv) rv = F->C_Digest(w->session, big_in, BIG_LEN, out, &len);
    if (rv) return rv;
    return len == 32 && !memcmp(out, exp_big, 32) ? CKR_OK : FAIL_RV;
}

/* HMAC-SHA256 of 1 KiB: compared with OpenSSL's HMAC on every call. */
static CK_RV setup_hmac(const row *r)
{
    (void)r;
    unsigned int n = 32;
    HMAC(EVP_sha256(), hmac_key, sizeof hmac_key, kib_in, sizeof kib_in, exp_small, &n);
    return secret_key(CKK_GENERIC_SECRET, hmac_key, sizeof hmac_key, &key_h);
}

static CK_RV op_hmac(worker *w, unsigned long iter)
{
    (void)iter;
    CK_MECHANISM m = {CKM_SHA256_HMAC, NULL, 0};
    unsigned char out[64];
    CK_ULONG len = sizeof out;
    CK_RV rv = F->C_SignInit(w->session, &m, key_h);
    if (!rv) rv = F->C_Sign(w->session, kib_in, sizeof kib_in, out, &len);
    if (rv) return rv;
    return len == 32 && !memcmp(out, exp_small, 32) ? CKR_OK : FAIL_RV;
}

/* Bulk ciphers over 1 MiB: the output is compared with OpenSSL's on the first call and every 16th. */
static CK_RV setup_bulk(const row *r)
{
    CK_RV rv;
    switch (r->arg)
    {
    case 0: /* AES-128-CBC */
        exp_cipher_len = ossl_cipher("AES-128-CBC", aes128_key, iv16, 16, big_in, BIG_LEN, exp_cipher);
        mech = (CK_MECHANISM){CKM_AES_CBC, iv16, 16};
        rv = secret_key(CKK_AES, aes128_key, 16, &key_h);
        break;
    case 1: /* AES-256-GCM */
        exp_cipher_len = ossl_cipher("AES-256-GCM", aes256_key, iv12, 12, big_in, BIG_LEN, exp_cipher);
        gcm_params = (CK_GCM_PARAMS){iv12, 12, 96, NULL, 0, 128};
        mech = (CK_MECHANISM){CKM_AES_GCM, &gcm_params, sizeof gcm_params};
        rv = secret_key(CKK_AES, aes256_key, 32, &key_h);
        break;
    default: /* DES3-CBC */
        exp_cipher_len = ossl_cipher("DES-EDE3-CBC", des3_key, iv16, 8, big_in, BIG_LEN, exp_cipher);
        mech = (CK_MECHANISM){CKM_DES3_CBC, iv16, 8};
        rv = secret_key(CKK_DES3, des3_key, 24, &key_h);
        break;
    }
    if (rv) return rv;
    /* One round trip through the module's decrypt as well. */
    unsigned char *pt = malloc(BIG_LEN + 64);
    CK_ULONG len = BIG_LEN + 64;
    rv = F->C_DecryptInit(setup_session, &mech, key_h);
    if (!rv) rv = F->C_Decrypt(setup_session, exp_cipher, exp_cipher_len, pt, &len);
    int same = rv == CKR_OK && len == BIG_LEN && !memcmp(pt, big_in, BIG_LEN);
    free(pt);
    if (rv) { snprintf(setup_detail, sizeof setup_detail, "%s in C_Decrypt", rv_name(rv)); return rv; }
    CHECK(same, "C_Decrypt of OpenSSL's ciphertext did not give the plaintext");
    return CKR_OK;
}

static CK_RV op_bulk(worker *w, unsigned long iter)
{
    CK_ULONG len = BIG_LEN + 64;
    CK_RV rv = F->C_EncryptInit(w->session, &mech, key_h);
    if (!rv) rv = F->C_Encrypt(w->session, big_in, BIG_LEN, w->out, &len);
    if (rv) return rv;
    if (len != exp_cipher_len) return FAIL_RV;
    if ((iter & 15) == 0 && memcmp(w->out, exp_cipher, len)) return FAIL_RV;
    return CKR_OK;
}

/* AES-128-CBC C_EncryptInit + C_Encrypt of one block: per-call overhead. Compared on every call. */
static CK_RV setup_block(const row *r)
{
    (void)r;
    ossl_cipher("AES-128-CBC", aes128_key, iv16, 16, small_in, 16, exp_block);
    mech = (CK_MECHANISM){CKM_AES_CBC, iv16, 16};
    return secret_key(CKK_AES, aes128_key, 16, &key_h);
}

static CK_RV op_block(worker *w, unsigned long iter)
{
    (void)iter;
    unsigned char out[32];
    CK_ULONG len = sizeof out;
    CK_RV rv = F->C_EncryptInit(w->session, &mech, key_h);
    if (!rv) rv = F->C_Encrypt(w->session, small_in, 16, out, &len);
    if (rv) return rv;
    return len == 16 && !memcmp(out, exp_block, 16) ? CKR_OK : FAIL_RV;
}

/* Public-key rows. arg: bits 0-3 key kind, bits 4-7 operation. */
enum { K_RSA2048, K_RSA4096, K_P256, K_P384, K_ED25519 };
enum { O_SIGN_PKCS1, O_SIGN_PSS, O_VERIFY, O_OAEP, O_ECDSA_SIGN, O_ECDSA_VERIFY, O_ECDH, O_ED_SIGN, O_ED_VERIFY };
static const char *KIND[] = {"rsa2048", "rsa4096", "p256", "p384", "ed25519"};
static const unsigned char *pk_msg;
static size_t pk_msg_len;

static CK_RV setup_pk(const row *r)
{
    int kind = r->arg & 15, o = (int)(r->arg >> 4);
    CK_RV rv = key_pair(KIND[kind]);
    if (rv) return rv;
    pk_msg = kind == K_P384 ? msg48 : msg32;
    pk_msg_len = kind == K_P384 ? 48 : 32;
    switch (o)
    {
    case O_SIGN_PKCS1: mech = (CK_MECHANISM){CKM_SHA256_RSA_PKCS, NULL, 0}; break;
    case O_SIGN_PSS: mech = (CK_MECHANISM){CKM_SHA256_RSA_PKCS_PSS, &pss_params, sizeof pss_params}; break;
    case O_VERIFY:
        mech = (CK_MECHANISM){CKM_SHA256_RSA_PKCS, NULL, 0};
        if (ossl_full)
        {
            EVP_MD_CTX *ctx = EVP_MD_CTX_new();
            size_t sl = sizeof sig;
            if (EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, ossl_full) != 1 ||
                EVP_DigestSign(ctx, sig, &sl, pk_msg, pk_msg_len) != 1)
                ossl_fail("sign");
            EVP_MD_CTX_free(ctx);
            sig_len = sl;
        }
        break;
    case O_OAEP:
    {
        mech = (CK_MECHANISM){CKM_RSA_PKCS_OAEP, &oaep_params, sizeof oaep_params};
        EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(ossl_pub, NULL);
        oaep_ct_len = sizeof oaep_ct;
        if (EVP_PKEY_encrypt_init(ctx) != 1 || EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) != 1 ||
            EVP_PKEY_CTX_set_rsa_oaep_md(ctx, EVP_sha1()) != 1 ||
            EVP_PKEY_encrypt(ctx, oaep_ct, &oaep_ct_len, msg32, 32) != 1)
            ossl_fail("oaep");
        EVP_PKEY_CTX_free(ctx);
        return CKR_OK;
    }
    case O_ECDSA_SIGN: case O_ECDSA_VERIFY: mech = (CK_MECHANISM){CKM_ECDSA, NULL, 0}; break;
    case O_ED_SIGN: case O_ED_VERIFY: mech = (CK_MECHANISM){CKM_EDDSA, NULL, 0}; break;
    case O_ECDH:
    {
        ecdh_peer = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
        EVP_PKEY_get_octet_string_param(ecdh_peer, OSSL_PKEY_PARAM_PUB_KEY, ecdh_peer_point,
                                        sizeof ecdh_peer_point, &ecdh_peer_point_len);
        EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(ecdh_peer, NULL);
        ecdh_expected_len = sizeof ecdh_expected;
        if (EVP_PKEY_derive_init(ctx) != 1 || EVP_PKEY_derive_set_peer(ctx, ossl_pub) != 1 ||
            EVP_PKEY_derive(ctx, ecdh_expected, &ecdh_expected_len) != 1)
            ossl_fail("ecdh");
        EVP_PKEY_CTX_free(ctx);
        return CKR_OK;
    }
    }
    if (o == O_VERIFY || o == O_ECDSA_VERIFY || o == O_ED_VERIFY)
    {
        if (o != O_VERIFY || !ossl_full)
        { /* the module signs once; OpenSSL checks that signature */
            sig_len = sizeof sig;
            TRY(F->C_SignInit(setup_session, &mech, priv_h));
            TRY(F->C_Sign(setup_session, (CK_BYTE_PTR)pk_msg, pk_msg_len, sig, &sig_len));
            int ok = o == O_VERIFY ? ossl_verify(ossl_pub, EVP_sha256(), 0, pk_msg, pk_msg_len, sig, sig_len)
                     : o == O_ED_VERIFY ? ossl_verify(ossl_pub, NULL, 0, pk_msg, pk_msg_len, sig, sig_len)
                                        : ossl_verify_ecdsa(ossl_pub, pk_msg, pk_msg_len, sig, sig_len);
            CHECK(ok, "OpenSSL rejects the module's signature");
        }
        /* A wrong signature must be refused. */
        unsigned char bad[1024];
        memcpy(bad, sig, sig_len);
        bad[sig_len / 2] ^= 1;
        TRY(F->C_VerifyInit(setup_session, &mech, pub_h));
        CK_RV rv2 = F->C_Verify(setup_session, (CK_BYTE_PTR)pk_msg, pk_msg_len, bad, sig_len);
        CHECK(rv2 == CKR_SIGNATURE_INVALID, "a corrupted signature gave %s, not CKR_SIGNATURE_INVALID", rv_name(rv2));
    }
    return CKR_OK;
}

static CK_RV op_sign(worker *w, unsigned long iter)
{
    unsigned char s[1024];
    CK_ULONG len = sizeof s;
    CK_RV rv = F->C_SignInit(w->session, &mech, priv_h);
    if (!rv) rv = F->C_Sign(w->session, (CK_BYTE_PTR)pk_msg, pk_msg_len, s, &len);
    if (rv) return rv;
    if ((iter & 63) == 0)
    {
        int ok;
        if (mech.mechanism == CKM_ECDSA) ok = ossl_verify_ecdsa(ossl_pub, pk_msg, pk_msg_len, s, len);
        else if (mech.mechanism == CKM_EDDSA) ok = ossl_verify(ossl_pub, NULL, 0, pk_msg, pk_msg_len, s, len);
        else ok = ossl_verify(ossl_pub, EVP_sha256(), mech.mechanism == CKM_SHA256_RSA_PKCS_PSS, pk_msg, pk_msg_len, s, len);
        if (!ok) return FAIL_RV;
    }
    return CKR_OK;
}

static CK_RV op_verify(worker *w, unsigned long iter)
{
    (void)iter;
    CK_RV rv = F->C_VerifyInit(w->session, &mech, pub_h);
    if (!rv) rv = F->C_Verify(w->session, (CK_BYTE_PTR)pk_msg, pk_msg_len, sig, sig_len);
    return rv == CKR_SIGNATURE_INVALID ? FAIL_RV : rv;
}

static CK_RV op_oaep(worker *w, unsigned long iter)
{
    (void)iter;
    unsigned char out[1024];
    CK_ULONG len = sizeof out;
    CK_RV rv = F->C_DecryptInit(w->session, &mech, priv_h);
    if (!rv) rv = F->C_Decrypt(w->session, oaep_ct, oaep_ct_len, out, &len);
    if (rv) return rv;
    return len == 32 && !memcmp(out, msg32, 32) ? CKR_OK : FAIL_RV;
}

/* ECDH P-256 (CKD_NULL) into a session secret that is read back (every 16th) and destroyed. */
static CK_RV op_ecdh(worker *w, unsigned long iter)
{
    CK_ECDH1_DERIVE_PARAMS p = {CKD_NULL, 0, NULL, ecdh_peer_point_len, ecdh_peer_point};
    CK_MECHANISM m = {CKM_ECDH1_DERIVE, &p, sizeof p};
    CK_OBJECT_CLASS c = CKO_SECRET_KEY;
    CK_KEY_TYPE kt = CKK_GENERIC_SECRET;
    CK_ULONG vl = 32;
    CK_ATTRIBUTE t[] = {
        {CKA_CLASS, &c, sizeof c},        {CKA_KEY_TYPE, &kt, sizeof kt}, {CKA_TOKEN, &FALSE_V, 1},
        {CKA_SENSITIVE, &FALSE_V, 1},     {CKA_EXTRACTABLE, &TRUE_V, 1},  {CKA_VALUE_LEN, &vl, sizeof vl},
    };
    CK_OBJECT_HANDLE h;
    CK_RV rv = F->C_DeriveKey(w->session, &m, priv_h, t, 6, &h);
    if (rv) return rv;
    if ((iter & 15) == 0)
    {
        unsigned char v[64];
        CK_ULONG l = sizeof v;
        rv = get_attr(w->session, h, CKA_VALUE, v, &l);
        if (!rv && (l != ecdh_expected_len || memcmp(v, ecdh_expected, l))) rv = FAIL_RV;
    }
    CK_RV rv2 = F->C_DestroyObject(w->session, h);
    return rv ? rv : rv2;
}

/* Key generation (session objects, destroyed again). */
static CK_RV op_keygen(worker *w, unsigned long iter)
{
    (void)iter;
    CK_OBJECT_HANDLE pu, pr;
    unsigned char e[] = {1, 0, 1}, buf[600];
    CK_ULONG bits = 2048, vl = 32, l = sizeof buf;
    CK_RV rv;
    switch (w->arg)
    {
    case 0:
    {
        CK_MECHANISM m = {CKM_RSA_PKCS_KEY_PAIR_GEN, NULL, 0};
        CK_ATTRIBUTE tu[] = {{CKA_TOKEN, &FALSE_V, 1}, {CKA_MODULUS_BITS, &bits, sizeof bits},
                             {CKA_PUBLIC_EXPONENT, e, 3}, {CKA_VERIFY, &TRUE_V, 1}};
        CK_ATTRIBUTE tr[] = {{CKA_TOKEN, &FALSE_V, 1}, {CKA_SIGN, &TRUE_V, 1}};
        rv = F->C_GenerateKeyPair(w->session, &m, tu, 4, tr, 2, &pu, &pr);
        if (rv) return rv;
        rv = get_attr(w->session, pu, CKA_MODULUS, buf, &l);
        if (!rv && l != 256) rv = FAIL_RV;
        break;
    }
    case 1:
    {
        CK_MECHANISM m = {CKM_EC_KEY_PAIR_GEN, NULL, 0};
        CK_ATTRIBUTE tu[] = {{CKA_TOKEN, &FALSE_V, 1}, {CKA_EC_PARAMS, (void *)OID_P256, sizeof OID_P256},
                             {CKA_VERIFY, &TRUE_V, 1}};
        CK_ATTRIBUTE tr[] = {{CKA_TOKEN, &FALSE_V, 1}, {CKA_SIGN, &TRUE_V, 1}};
        rv = F->C_GenerateKeyPair(w->session, &m, tu, 3, tr, 2, &pu, &pr);
        if (rv) return rv;
        rv = get_attr(w->session, pu, CKA_EC_POINT, buf, &l);
        if (!rv && l != 67 && l != 65) rv = FAIL_RV;
        break;
    }
    default:
    {
        CK_MECHANISM m = {CKM_AES_KEY_GEN, NULL, 0};
        CK_ATTRIBUTE t[] = {{CKA_TOKEN, &FALSE_V, 1}, {CKA_VALUE_LEN, &vl, sizeof vl}, {CKA_ENCRYPT, &TRUE_V, 1}};
        rv = F->C_GenerateKey(w->session, &m, t, 3, &pr);
        if (rv) return rv;
        CK_ULONG got = 0, gl = sizeof got;
        rv = get_attr(w->session, pr, CKA_VALUE_LEN, (unsigned char *)&got, &gl);
        if (!rv && got != 32) rv = FAIL_RV;
        CK_RV rv2 = F->C_DestroyObject(w->session, pr);
        return rv ? rv : rv2;
    }
    }
    CK_RV r1 = F->C_DestroyObject(w->session, pu), r2 = F->C_DestroyObject(w->session, pr);
    return rv ? rv : r1 ? r1 : r2;
}

/* Token objects: small EC public keys (P-256, all with the same point), CKA_ID "obj-NNNNNNN", one shared label.
 * Public objects need no login and no encryption at rest, so population measures the store, not PBE. */
static const char POP_LABEL[] = "p11bench-pop";
static const unsigned char POP_POINT[] = {
    0x04, 0x41, 0x04, 0x6B, 0x17, 0xD1, 0xF2, 0xE1, 0x2C, 0x42, 0x47, 0xF8, 0xBC, 0xE6, 0xE5, 0x63, 0xA4, 0x40, 0xF2,
    0x77, 0x03, 0x7D, 0x81, 0x2D, 0xEB, 0x33, 0xA0, 0xF4, 0xA1, 0x39, 0x45, 0xD8, 0x98, 0xC2, 0x96, 0x4F, 0xE3, 0x42,
    0xE2, 0xFE, 0x1A, 0x7F, 0x9B, 0x8E, 0xE7, 0xEB, 0x4A, 0x7C, 0x0F, 0x9E, 0x16, 0x2B, 0xCE, 0x33, 0x57, 0x6B, 0x31,
    0x5E, 0xCE, 0xCB, 0xB6, 0x40, 0x68, 0x37, 0xBF, 0x51, 0xF5}; /* the P-256 generator, DER OCTET STRING */

static CK_RV create_token_object(CK_SESSION_HANDLE s, const char *id, const char *label, CK_OBJECT_HANDLE *h)
{
    CK_OBJECT_CLASS c = CKO_PUBLIC_KEY;
    CK_KEY_TYPE kt = CKK_EC;
    CK_ATTRIBUTE t[] = {
        {CKA_CLASS, &c, sizeof c},
        {CKA_KEY_TYPE, &kt, sizeof kt},
        {CKA_TOKEN, &TRUE_V, 1},
        {CKA_PRIVATE, &FALSE_V, 1},
        {CKA_ID, (void *)id, strlen(id)},
        {CKA_LABEL, (void *)label, strlen(label)},
        {CKA_EC_PARAMS, (void *)OID_P256, sizeof OID_P256},
        {CKA_EC_POINT, (void *)POP_POINT, sizeof POP_POINT},
        {CKA_VERIFY, &TRUE_V, 1},
    };
    return F->C_CreateObject(s, t, 9, h);
}

static CK_RV count_label(CK_SESSION_HANDLE s, const char *label, long *count)
{
    CK_ATTRIBUTE t[] = {{CKA_LABEL, (void *)label, strlen(label)}};
    CK_OBJECT_HANDLE hs[4096];
    CK_ULONG n;
    *count = 0;
    TRY(F->C_FindObjectsInit(s, t, 1));
    do
    {
        CK_RV rv = F->C_FindObjects(s, hs, 4096, &n);
        if (rv) { F->C_FindObjectsFinal(s); TRY(rv); }
        *count += (long)n;
    } while (n > 0);
    TRY(F->C_FindObjectsFinal(s));
    return CKR_OK;
}

static CK_RV setup_find(const row *r)
{
    TRY(count_label(setup_session, POP_LABEL, &find_count));
    if (find_count < r->arg)
    {
        snprintf(setup_detail, sizeof setup_detail, "only %ld of %ld objects populated", find_count, r->arg);
        return CKR_TEMPLATE_INCOMPLETE;
    }
    if (find_count > r->arg)
    {
        snprintf(setup_detail, sizeof setup_detail, "token holds %ld objects, not %ld", find_count, r->arg);
        return CKR_TEMPLATE_INCONSISTENT;
    }
    return CKR_OK;
}

static uint64_t next_rand(worker *w)
{
    w->rng ^= w->rng << 13;
    w->rng ^= w->rng >> 7;
    w->rng ^= w->rng << 17;
    return w->rng;
}

static CK_RV op_find(worker *w, unsigned long iter)
{
    char id[32];
    snprintf(id, sizeof id, "obj-%07ld", (long)(next_rand(w) % (uint64_t)find_count));
    CK_ATTRIBUTE t[] = {{CKA_ID, id, strlen(id)}};
    CK_OBJECT_HANDLE h[2];
    CK_ULONG n = 0;
    CK_RV rv = F->C_FindObjectsInit(w->session, t, 1);
    if (rv) return rv;
    rv = F->C_FindObjects(w->session, h, 2, &n);
    CK_RV rv2 = F->C_FindObjectsFinal(w->session);
    if (rv || rv2) return rv ? rv : rv2;
    if (n != 1) return FAIL_RV;
    if ((iter & 15) == 0)
    {
        char got[32];
        CK_ULONG l = sizeof got;
        rv = get_attr(w->session, h[0], CKA_ID, (unsigned char *)got, &l);
        if (rv) return rv;
        if (l != strlen(id) || memcmp(got, id, l)) return FAIL_RV;
    }
    return CKR_OK;
}

/* Create and destroy one token object. */
static CK_RV op_create_destroy(worker *w, unsigned long iter)
{
    (void)iter;
    char id[48];
    snprintf(id, sizeof id, "cd-%d-%lu", (int)getpid(), atomic_fetch_add(&unique_counter, 1));
    CK_OBJECT_HANDLE h = 0;
    CK_RV rv = create_token_object(w->session, id, "p11bench-cd", &h);
    if (rv) return rv;
    if (h == 0) return FAIL_RV;
    return F->C_DestroyObject(w->session, h);
}

/* C_OpenSession + C_CloseSession (another session stays open on the slot). */
static CK_RV op_session(worker *w, unsigned long iter)
{
    (void)iter;
    CK_SESSION_HANDLE s = 0;
    CK_RV rv = F->C_OpenSession(w->slot, CKF_SERIAL_SESSION, NULL, NULL, &s);
    if (rv) return rv;
    if (s == 0) return FAIL_RV;
    return F->C_CloseSession(s);
}

/* C_Login + C_Logout with the user PIN. */
static CK_RV setup_login(const row *r)
{
    (void)r;
    CHECK(opt.pin != NULL, "no --pin given");
    CK_RV rv = F->C_Logout(setup_session);
    (void)rv;
    return CKR_OK;
}

static CK_RV op_login(worker *w, unsigned long iter)
{
    (void)iter;
    CK_RV rv = F->C_Login(w->session, CKU_USER, (CK_UTF8CHAR_PTR)opt.pin, strlen(opt.pin));
    if (rv) return rv;
    return F->C_Logout(w->session);
}

/* C_Initialize + C_Finalize: the harness finalizes first, so this is the last row of its process. */
static CK_RV setup_init(const row *r)
{
    (void)r;
    TRY(F->C_Finalize(NULL));
    return CKR_OK;
}

static CK_RV op_init(worker *w, unsigned long iter)
{
    (void)w;
    (void)iter;
    CK_RV rv = F->C_Initialize(&init_args);
    if (rv) return rv;
    return F->C_Finalize(NULL);
}

static const row ROWS[] = {
    {"random-32", "ops/s", 0, SLOT_CRYPTO, 0, 0, setup_none, op_random, 0},
    {"sha256-64", "ops/s", 0, SLOT_CRYPTO, 0, 0, setup_sha, op_sha_small, 0},
    {"sha256-1m", "MB/s", BIG_LEN, SLOT_CRYPTO, 0, 0, setup_sha, op_sha_big, 1},
    {"hmac-sha256-1k", "ops/s", 0, SLOT_CRYPTO, 0, 0, setup_hmac, op_hmac, 0},
    {"aes128-cbc-1m", "MB/s", BIG_LEN, SLOT_CRYPTO, 0, 0, setup_bulk, op_bulk, 0},
    {"aes256-gcm-1m", "MB/s", BIG_LEN, SLOT_CRYPTO, 0, 0, setup_bulk, op_bulk, 1},
    {"aes128-cbc-16", "ops/s", 0, SLOT_CRYPTO, 0, 0, setup_block, op_block, 0},
    {"des3-cbc-1m", "MB/s", BIG_LEN, SLOT_CRYPTO, 0, 0, setup_bulk, op_bulk, 2},
    {"rsa2048-sign-pkcs1", "ops/s", 0, SLOT_CRYPTO, 0, 0, setup_pk, op_sign, K_RSA2048 | O_SIGN_PKCS1 << 4},
    {"rsa2048-sign-pss", "ops/s", 0, SLOT_CRYPTO, 0, 0, setup_pk, op_sign, K_RSA2048 | O_SIGN_PSS << 4},
    {"rsa2048-verify", "ops/s", 0, SLOT_CRYPTO, 0, 0, setup_pk, op_verify, K_RSA2048 | O_VERIFY << 4},
    {"rsa2048-oaep-decrypt", "ops/s", 0, SLOT_CRYPTO, 0, 0, setup_pk, op_oaep, K_RSA2048 | O_OAEP << 4},
    {"rsa4096-sign-pkcs1", "ops/s", 0, SLOT_CRYPTO, 0, 0, setup_pk, op_sign, K_RSA4096 | O_SIGN_PKCS1 << 4},
    {"rsa4096-sign-pss", "ops/s", 0, SLOT_CRYPTO, 0, 0, setup_pk, op_sign, K_RSA4096 | O_SIGN_PSS << 4},
    {"rsa4096-verify", "ops/s", 0, SLOT_CRYPTO, 0, 0, setup_pk, op_verify, K_RSA4096 | O_VERIFY << 4},
    {"rsa4096-oaep-decrypt", "ops/s", 0, SLOT_CRYPTO, 0, 0, setup_pk, op_oaep, K_RSA4096 | O_OAEP << 4},
    {"ecdsa-p256-sign", "ops/s", 0, SLOT_CRYPTO, 0, 0, setup_pk, op_sign, K_P256 | O_ECDSA_SIGN << 4},
    {"ecdsa-p256-verify", "ops/s", 0, SLOT_CRYPTO, 0, 0, setup_pk, op_verify, K_P256 | O_ECDSA_VERIFY << 4},
    {"ecdsa-p384-sign", "ops/s", 0, SLOT_CRYPTO, 0, 0, setup_pk, op_sign, K_P384 | O_ECDSA_SIGN << 4},
    {"ecdsa-p384-verify", "ops/s", 0, SLOT_CRYPTO, 0, 0, setup_pk, op_verify, K_P384 | O_ECDSA_VERIFY << 4},
    {"ecdh-p256", "ops/s", 0, SLOT_CRYPTO, 0, 0, setup_pk, op_ecdh, K_P256 | O_ECDH << 4},
    {"ed25519-sign", "ops/s", 0, SLOT_CRYPTO, 0, 0, setup_pk, op_sign, K_ED25519 | O_ED_SIGN << 4},
    {"ed25519-verify", "ops/s", 0, SLOT_CRYPTO, 0, 0, setup_pk, op_verify, K_ED25519 | O_ED_VERIFY << 4},
    {"keygen-rsa2048", "ops/s", 0, SLOT_CRYPTO, 0, 0, setup_none, op_keygen, 0},
    {"keygen-ec-p256", "ops/s", 0, SLOT_CRYPTO, 0, 0, setup_none, op_keygen, 1},
    {"keygen-aes256", "ops/s", 0, SLOT_CRYPTO, 0, 0, setup_none, op_keygen, 2},
    {"find-1k", "ops/s", 0, SLOT_TOKEN, 0, 0, setup_find, op_find, 1000},
    {"find-100k", "ops/s", 0, SLOT_TOKEN, 0, 0, setup_find, op_find, 100000},
    {"create-destroy-token-object", "ops/s", 0, SLOT_TOKEN, 0, 1, setup_none, op_create_destroy, 0},
    {"open-close-session", "ops/s", 0, SLOT_CRYPTO, 0, 0, setup_none, op_session, 0},
    {"login-logout", "ops/s", 0, SLOT_TOKEN, 1, 0, setup_login, op_login, 0},
    {"initialize-finalize", "ops/s", 0, SLOT_CRYPTO, 1, 0, setup_init, op_init, 0},
};
#define NROWS (sizeof ROWS / sizeof ROWS[0])

/* ------------------------------------------------------------------------------------------------------------ */
/* The timed loop                                                                                                */

static atomic_int phase; /* 0 warm-up, 1 measure, 2 stop */
static pthread_barrier_t barrier;
static const row *current;
static CK_SLOT_ID current_slot;

static void *worker_main(void *arg)
{
    worker *w = arg;
    unsigned long iter = 0;
    w->rv = CKR_OK;
    pthread_barrier_wait(&barrier);
    while (!opt.ops && atomic_load_explicit(&phase, memory_order_relaxed) == 0 && w->rv == CKR_OK)
        w->rv = current->op(w, iter++);
    if (w->rv == CKR_OK && iter == 0) w->rv = current->op(w, iter++); /* at least one warm-up call */
    pthread_barrier_wait(&barrier);
    double t0 = now();
    iter = 0;
    if (w->rv == CKR_OK)
    {
        do
        {
            w->rv = current->op(w, iter++);
            if (w->rv) break;
            w->ops++;
        } while (opt.ops ? w->ops < (unsigned long)opt.ops : atomic_load_explicit(&phase, memory_order_relaxed) < 2);
    }
    w->elapsed = now() - t0;
    return NULL;
}

static void report(const row *r, int threads, double value, const char *status, const char *detail)
{
    char v[32];
    if (value < 0) snprintf(v, sizeof v, "-");
    else if (value >= 100) snprintf(v, sizeof v, "%.0f", value);
    else snprintf(v, sizeof v, "%.3g", value);
    /* Tabs and newlines in a detail would break the line format. */
    char d[256];
    snprintf(d, sizeof d, "%s", detail ? detail : "");
    for (char *p = d; *p; p++)
        if (*p == '\t' || *p == '\n') *p = ' ';
    printf("RESULT\t%s\t%s\t%d\t%s\t%s\t%s\t%s\n", r->name, opt.name, threads, v, r->unit, status, d);
    fflush(stdout);
}

static const char *which_call(CK_RV rv)
{
    return rv == FAIL_RV ? "the result did not verify" : "";
}

static void run_threads(const row *r, int threads)
{
    worker *ws = calloc((size_t)threads, sizeof(worker));
    CK_RV rv = CKR_OK;
    int opened = 0;
    for (int i = 0; i < threads; i++)
    {
        ws[i].index = i;
        ws[i].rng = 0x9E3779B97F4A7C15ULL * (uint64_t)(i + 1) + (uint64_t)getpid();
        ws[i].slot = current_slot;
        ws[i].arg = r->arg;
        ws[i].out = malloc(BIG_LEN + 64);
        if (r->op == op_init) continue;
        CK_FLAGS fl = CKF_SERIAL_SESSION | (r->rw_session || r->slot == SLOT_TOKEN ? CKF_RW_SESSION : 0);
        rv = F->C_OpenSession(current_slot, fl, NULL, NULL, &ws[i].session);
        if (rv) break;
        opened++;
    }
    if (rv)
    {
        char d[128];
        snprintf(d, sizeof d, "%s in C_OpenSession", rv_name(rv));
        report(r, threads, -1, "n/a", d);
    }
    else
    {
        double seconds = opt.seconds, warm = seconds / 5 < 0.2 ? seconds / 5 : 0.2;
        atomic_store(&phase, 0);
        pthread_barrier_init(&barrier, NULL, (unsigned)threads + 1);
        for (int i = 0; i < threads; i++) pthread_create(&ws[i].thread, NULL, worker_main, &ws[i]);
        pthread_barrier_wait(&barrier);
        struct timespec ts = {(time_t)warm, (long)((warm - (time_t)warm) * 1e9)};
        if (!opt.ops) nanosleep(&ts, NULL);
        atomic_store(&phase, 1);
        pthread_barrier_wait(&barrier);
        ts = (struct timespec){(time_t)seconds, (long)((seconds - (time_t)seconds) * 1e9)};
        if (!opt.ops) nanosleep(&ts, NULL);
        atomic_store(&phase, 2);
        double rate = 0;
        CK_RV bad = CKR_OK;
        for (int i = 0; i < threads; i++)
        {
            pthread_join(ws[i].thread, NULL);
            if (ws[i].rv && !bad) bad = ws[i].rv;
            if (ws[i].elapsed > 0) rate += ws[i].ops / ws[i].elapsed;
        }
        pthread_barrier_destroy(&barrier);
        if (bad == FAIL_RV) report(r, threads, -1, "FAIL", which_call(bad));
        else if (bad)
        {
            char d[128];
            unsigned long total = 0;
            for (int i = 0; i < threads; i++) total += ws[i].ops;
            if (total == 0) snprintf(d, sizeof d, "%s on the first call", rv_name(bad));
            else snprintf(d, sizeof d, "%s after %lu calls", rv_name(bad), total);
            /* An error on the very first call means the module lacks the mechanism or function. */
            report(r, threads, -1, total == 0 ? "n/a" : "FAIL", d);
        }
        else
        {
            double value = r->bytes > 0 ? rate * r->bytes / 1e6 : rate;
            report(r, threads, value, "ok", "");
        }
    }
    for (int i = 0; i < opened; i++) F->C_CloseSession(ws[i].session);
    for (int i = 0; i < threads; i++) free(ws[i].out);
    free(ws);
}

/* ------------------------------------------------------------------------------------------------------------ */
/* Module loading, slots, token preparation                                                                      */

static CK_RV resolve_slot(const char *spec, CK_SLOT_ID *out)
{
    if (spec && strncmp(spec, "label:", 6) != 0)
    {
        *out = strtoul(spec, NULL, 0);
        return CKR_OK;
    }
    CK_SLOT_ID slots[64];
    CK_ULONG n = 64;
    TRY(F->C_GetSlotList(CK_TRUE, slots, &n));
    const char *want = spec ? spec + 6 : NULL;
    for (CK_ULONG i = 0; i < n; i++)
    {
        CK_TOKEN_INFO ti;
        if (F->C_GetTokenInfo(slots[i], &ti) != CKR_OK) continue;
        if (!want)
        {
            *out = slots[i];
            return CKR_OK;
        }
        char label[33];
        memcpy(label, ti.label, 32);
        label[32] = 0;
        for (int j = 31; j >= 0 && label[j] == ' '; j--) label[j] = 0;
        if (!strcmp(label, want))
        {
            *out = slots[i];
            return CKR_OK;
        }
    }
    snprintf(setup_detail, sizeof setup_detail, "no token labelled %s", want ? want : "(any)");
    return CKR_TOKEN_NOT_PRESENT;
}

static void pad32(unsigned char *dst, const char *s)
{
    memset(dst, ' ', 32);
    memcpy(dst, s, strlen(s) < 32 ? strlen(s) : 32);
}

/* A new token: C_InitToken with the SO PIN and label, SO login, C_InitPIN, logout. */
static CK_RV prepare_token(void)
{
    CK_TOKEN_INFO ti;
    TRY(F->C_GetTokenInfo(token_slot, &ti));
    if (ti.flags & CKF_USER_PIN_INITIALIZED) return CKR_OK;
    CHECK(opt.pin && opt.so_pin, "--pin and --so-pin are needed to initialise the token");
    unsigned char label[32];
    pad32(label, opt.token_label);
    TRY(F->C_InitToken(token_slot, (CK_UTF8CHAR_PTR)opt.so_pin, strlen(opt.so_pin), label));
    /* SoftHSMv2 moves an initialised token to a new slot: find it again by label. */
    char spec[64];
    snprintf(spec, sizeof spec, "label:%s", opt.token_label);
    if (opt.token_slot_spec && !strncmp(opt.token_slot_spec, "label:", 6)) TRY(resolve_slot(spec, &token_slot));
    if (opt.slot_spec && !strncmp(opt.slot_spec, "label:", 6)) TRY(resolve_slot(spec, &crypto_slot));
    CK_SESSION_HANDLE s;
    TRY(F->C_OpenSession(token_slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, &s));
    TRY(F->C_Login(s, CKU_SO, (CK_UTF8CHAR_PTR)opt.so_pin, strlen(opt.so_pin)));
    TRY(F->C_InitPIN(s, (CK_UTF8CHAR_PTR)opt.pin, strlen(opt.pin)));
    TRY(F->C_Logout(s));
    TRY(F->C_CloseSession(s));
    return CKR_OK;
}

static CK_RV login_if_needed(CK_SESSION_HANDLE s, CK_SLOT_ID slot)
{
    CK_TOKEN_INFO ti;
    TRY(F->C_GetTokenInfo(slot, &ti));
    if (!(ti.flags & CKF_LOGIN_REQUIRED) || !opt.pin) return CKR_OK;
    CK_RV rv = F->C_Login(s, CKU_USER, (CK_UTF8CHAR_PTR)opt.pin, strlen(opt.pin));
    if (rv != CKR_OK && rv != CKR_USER_ALREADY_LOGGED_IN) TRY(rv);
    return CKR_OK;
}

/* Creates token objects obj-NNNNNNN until the token holds n of them (continuing an interrupted run). */
static int populate(long n)
{
    CK_SESSION_HANDLE s;
    CK_RV rv = F->C_OpenSession(token_slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, &s);
    if (!rv) rv = login_if_needed(s, token_slot);
    long have = 0;
    if (!rv) rv = count_label(s, POP_LABEL, &have);
    if (rv)
    {
        fprintf(stderr, "p11bench: %s: populate: %s\n", opt.name, setup_detail[0] ? setup_detail : rv_name(rv));
        printf("POPULATE\t%s\t%ld\t0\tn/a %s\n", opt.name, n, rv_name(rv));
        return 1;
    }
    double t0 = now(), last = t0;
    long start = have;
    for (long i = have; i < n; i++)
    {
        char id[32];
        CK_OBJECT_HANDLE h;
        snprintf(id, sizeof id, "obj-%07ld", i);
        rv = create_token_object(s, id, POP_LABEL, &h);
        if (rv)
        {
            printf("POPULATE\t%s\t%ld\t%ld\tn/a %s in C_CreateObject\n", opt.name, n, i, rv_name(rv));
            return 1;
        }
        have = i + 1;
        double t = now();
        if (t - t0 > opt.populate_timeout)
        {
            printf("POPULATE\t%s\t%ld\t%ld\ttimeout after %.0f s\n", opt.name, n, have, t - t0);
            return 1;
        }
        if (opt.verbose && t - last > 10)
        {
            fprintf(stderr, "p11bench: %s: %ld objects (%.0f/s)\n", opt.name, have, (have - start) / (t - t0));
            last = t;
        }
    }
    double t = now() - t0;
    printf("POPULATE\t%s\t%ld\t%ld\tok %.1f s (%.0f objects/s)\n", opt.name, n, have, t,
           have > start && t > 0 ? (have - start) / t : 0.0);
    F->C_CloseSession(s);
    return 0;
}

static void usage(void)
{
    fprintf(stderr,
            "usage: p11bench --module PATH [--name LABEL] [--init STRING] [--slot N|label:L] [--token-slot N|label:L]\n"
            "                [--pin PIN] [--so-pin PIN] [--init-token] [--token-label L] [--keydir DIR]\n"
            "                [--seconds S] [--threads T] [--rows a,b,...] [--populate N [--populate-timeout S]]\n"
            "                [--ops N] [--list] [--genkeys] [-v]\n"
            "Runs each row with 1 thread and with T threads (default 2); prints RESULT lines.\n"
            "--ops N runs exactly N calls per thread instead of a fixed time (for perf stat instruction counts).\n");
    exit(2);
}

static int row_selected(const char *name)
{
    if (!opt.rows || !*opt.rows) return 1;
    const char *p = opt.rows;
    size_t n = strlen(name);
    while (*p)
    {
        const char *e = strchr(p, ',');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        if (l == n && !strncmp(p, name, n)) return 1;
        if (!e) break;
        p = e + 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    int genkeys = 0;
    for (int i = 1; i < argc; i++)
    {
        const char *a = argv[i];
#define ARG(flag) (!strcmp(a, flag) && i + 1 < argc)
        if (ARG("--module")) opt.module_path = argv[++i];
        else if (ARG("--name")) opt.name = argv[++i];
        else if (ARG("--init")) opt.init_string = argv[++i];
        else if (ARG("--slot")) opt.slot_spec = argv[++i];
        else if (ARG("--token-slot")) opt.token_slot_spec = argv[++i];
        else if (ARG("--pin")) opt.pin = argv[++i];
        else if (ARG("--so-pin")) opt.so_pin = argv[++i];
        else if (ARG("--token-label")) opt.token_label = argv[++i];
        else if (ARG("--keydir")) opt.keydir = argv[++i];
        else if (ARG("--seconds")) opt.seconds = atof(argv[++i]);
        else if (ARG("--threads")) opt.threads = atoi(argv[++i]);
        else if (ARG("--rows")) opt.rows = argv[++i];
        else if (ARG("--ops")) opt.ops = atol(argv[++i]);
        else if (ARG("--populate")) opt.populate = atol(argv[++i]);
        else if (ARG("--populate-timeout")) opt.populate_timeout = atof(argv[++i]);
        else if (!strcmp(a, "--init-token")) opt.init_token = 1;
        else if (!strcmp(a, "--list")) opt.list = 1;
        else if (!strcmp(a, "--genkeys")) genkeys = 1;
        else if (!strcmp(a, "-v")) opt.verbose = 1;
        else usage();
    }
    if (opt.list)
    {
        for (size_t i = 0; i < NROWS; i++) printf("%s\t%s\n", ROWS[i].name, ROWS[i].unit);
        return 0;
    }
    if (genkeys)
    {
        if (!opt.keydir) usage();
        for (size_t i = 0; i < sizeof KIND / sizeof KIND[0]; i++) EVP_PKEY_free(load_or_generate(KIND[i]));
        return 0;
    }
    if (!opt.module_path || opt.seconds <= 0 || opt.threads < 1) usage();
    init_inputs();

    void *lib = dlopen(opt.module_path, RTLD_NOW | RTLD_LOCAL);
    if (!lib) die("dlopen %s: %s", opt.module_path, dlerror());
    CK_C_GetFunctionList gfl = (CK_C_GetFunctionList)dlsym(lib, "C_GetFunctionList");
    if (!gfl) die("%s has no C_GetFunctionList", opt.module_path);
    CK_RV rv = gfl(&F);
    if (rv != CKR_OK) die("C_GetFunctionList: %s", rv_name(rv));
    init_args.flags = CKF_OS_LOCKING_OK;
    init_args.pReserved = (void *)opt.init_string;
    rv = F->C_Initialize(&init_args);
    if (rv != CKR_OK) die("C_Initialize: %s", rv_name(rv));

    /* A token still to be initialised has no label yet: take the first slot with a token. */
    if (resolve_slot(opt.slot_spec, &crypto_slot) && !(opt.init_token && !resolve_slot(NULL, &crypto_slot)))
        die("slot: %s", setup_detail);
    token_slot = crypto_slot;
    if (opt.token_slot_spec && resolve_slot(opt.token_slot_spec, &token_slot) &&
        !(opt.init_token && !resolve_slot(NULL, &token_slot)))
        die("token slot: %s", setup_detail);
    if (opt.init_token && (rv = prepare_token()) != CKR_OK)
        die("preparing the token: %s", setup_detail[0] ? setup_detail : rv_name(rv));
    if (opt.populate > 0)
    {
        int r = populate(opt.populate);
        F->C_Finalize(NULL);
        return r;
    }

    for (size_t i = 0; i < NROWS; i++)
    {
        const row *r = &ROWS[i];
        if (!row_selected(r->name)) continue;
        current = r;
        current_slot = r->slot == SLOT_TOKEN ? token_slot : crypto_slot;
        setup_detail[0] = 0;
        key_h = priv_h = pub_h = 0;
        ossl_pub = ossl_full = NULL;
        rv = F->C_OpenSession(current_slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, &setup_session);
        if (rv == CKR_OK) rv = login_if_needed(setup_session, current_slot);
        if (rv == CKR_OK) rv = r->setup(r);
        if (rv != CKR_OK)
        {
            const char *d = setup_detail[0] ? setup_detail : rv_name(rv);
            int counts[2] = {1, opt.threads};
            for (int k = 0; k < (opt.threads > 1 && !r->single_thread ? 2 : 1); k++)
                report(r, counts[k], -1, rv == FAIL_RV ? "FAIL" : "n/a", d);
            if (r->op != op_init) F->C_CloseSession(setup_session);
            continue;
        }
        run_threads(r, 1);
        if (opt.threads > 1)
        {
            /* Login state and C_Initialize are per application: those rows run with one thread only. */
            if (!r->single_thread) run_threads(r, opt.threads);
        }
        if (r->op == op_init)
        {
            /* Leave the module initialised for any row after this one. */
            if (F->C_Initialize(&init_args) != CKR_OK) break;
            continue;
        }
        if (r->op == op_login) login_if_needed(setup_session, current_slot);
        F->C_CloseSession(setup_session);
    }
    F->C_Finalize(NULL);
    return 0;
}
