namespace Softoken.Pkcs11;

/// <summary>PKCS #11 flag bits. The specification reuses the CKF_ prefix for several flag words, so each
/// word has its own nested class (PKCS #11 v3.0 section 3).</summary>
internal static class CKF
{
    /// <summary>CK_INFO.flags, CK_C_INITIALIZE_ARGS.flags.</summary>
    public const ulong CKF_LIBRARY_CANT_CREATE_OS_THREADS = 0x1;
    public const ulong CKF_OS_LOCKING_OK = 0x2;

    /// <summary>CK_SLOT_INFO.flags.</summary>
    public const ulong CKF_TOKEN_PRESENT = 0x1;
    public const ulong CKF_REMOVABLE_DEVICE = 0x2;
    public const ulong CKF_HW_SLOT = 0x4;

    /// <summary>CK_TOKEN_INFO.flags.</summary>
    public const ulong CKF_RNG = 0x1;
    public const ulong CKF_WRITE_PROTECTED = 0x2;
    public const ulong CKF_LOGIN_REQUIRED = 0x4;
    public const ulong CKF_USER_PIN_INITIALIZED = 0x8;
    public const ulong CKF_RESTORE_KEY_NOT_NEEDED = 0x20;
    public const ulong CKF_CLOCK_ON_TOKEN = 0x40;
    public const ulong CKF_PROTECTED_AUTHENTICATION_PATH = 0x100;
    public const ulong CKF_DUAL_CRYPTO_OPERATIONS = 0x200;
    public const ulong CKF_TOKEN_INITIALIZED = 0x400;
    public const ulong CKF_SECONDARY_AUTHENTICATION = 0x800;
    public const ulong CKF_USER_PIN_COUNT_LOW = 0x10000;
    public const ulong CKF_USER_PIN_FINAL_TRY = 0x20000;
    public const ulong CKF_USER_PIN_LOCKED = 0x40000;
    public const ulong CKF_USER_PIN_TO_BE_CHANGED = 0x80000;
    public const ulong CKF_SO_PIN_COUNT_LOW = 0x100000;
    public const ulong CKF_SO_PIN_FINAL_TRY = 0x200000;
    public const ulong CKF_SO_PIN_LOCKED = 0x400000;
    public const ulong CKF_SO_PIN_TO_BE_CHANGED = 0x800000;

    /// <summary>CK_SESSION_INFO.flags and C_OpenSession flags.</summary>
    public const ulong CKF_RW_SESSION = 0x2;
    public const ulong CKF_SERIAL_SESSION = 0x4;

    /// <summary>CK_MECHANISM_INFO.flags.</summary>
    public const ulong CKF_HW = 0x1;
    public const ulong CKF_MESSAGE_ENCRYPT = 0x2;
    public const ulong CKF_MESSAGE_DECRYPT = 0x4;
    public const ulong CKF_MESSAGE_SIGN = 0x8;
    public const ulong CKF_MESSAGE_VERIFY = 0x10;
    public const ulong CKF_MULTI_MESSAGE = 0x20;
    public const ulong CKF_FIND_OBJECTS = 0x40;
    public const ulong CKF_ENCRYPT = 0x100;
    public const ulong CKF_DECRYPT = 0x200;
    public const ulong CKF_DIGEST = 0x400;
    public const ulong CKF_SIGN = 0x800;
    public const ulong CKF_SIGN_RECOVER = 0x1000;
    public const ulong CKF_VERIFY = 0x2000;
    public const ulong CKF_VERIFY_RECOVER = 0x4000;
    public const ulong CKF_GENERATE = 0x8000;
    public const ulong CKF_GENERATE_KEY_PAIR = 0x10000;
    public const ulong CKF_WRAP = 0x20000;
    public const ulong CKF_UNWRAP = 0x40000;
    public const ulong CKF_DERIVE = 0x80000;
    public const ulong CKF_EC_F_P = 0x100000;
    public const ulong CKF_EC_F_2M = 0x200000;
    public const ulong CKF_EC_ECPARAMETERS = 0x400000;
    public const ulong CKF_EC_OID = 0x800000;
    public const ulong CKF_EC_UNCOMPRESS = 0x1000000;
    public const ulong CKF_EC_COMPRESS = 0x2000000;
    public const ulong CKF_EC_CURVENAME = 0x4000000;
    public const ulong CKF_ENCAPSULATE = 0x10000000;
    public const ulong CKF_DECAPSULATE = 0x20000000;
    public const ulong CKF_EXTENSION = 0x80000000;

    /// <summary>CK_INTERFACE.flags.</summary>
    public const ulong CKF_INTERFACE_FORK_SAFE = 0x1;

    /// <summary>C_WaitForSlotEvent flags.</summary>
    public const ulong CKF_DONT_BLOCK = 0x1;
}
