using Softoken.Pkcs11;

namespace Softoken.Mechanisms.Parameters;

/// <summary>CK_HKDF_PARAMS (CKM_HKDF_DERIVE, CKM_HKDF_DATA). <see cref="SaltType"/> is one of
/// <see cref="HkdfSalt"/>. For CKF_HKDF_SALT_KEY the decoder records the key handle in
/// <see cref="SaltKeyHandle"/>; the session must look the key up (a secret key the caller may use) and pass
/// <c>parameter with { SaltKey = its CKA_VALUE }</c> to the factory, which otherwise fails with
/// CKR_MECHANISM_PARAM_INVALID.</summary>
internal sealed record HkdfParameter(
    bool Extract, bool Expand, CKM PrfHashMechanism, ulong SaltType, byte[] Salt, ulong SaltKeyHandle, byte[] Info)
    : MechanismParameter
{
    /// <summary>The CKA_VALUE of the salt key, resolved by the session for CKF_HKDF_SALT_KEY.</summary>
    public byte[]? SaltKey { get; init; }
}

/// <summary>CK_HKDF_PARAMS.ulSaltType values (PKCS #11 v3.0, pkcs11t.h).</summary>
internal static class HkdfSalt
{
    public const ulong CKF_HKDF_SALT_NULL = 0x1;
    public const ulong CKF_HKDF_SALT_DATA = 0x2;
    public const ulong CKF_HKDF_SALT_KEY = 0x4;
}
