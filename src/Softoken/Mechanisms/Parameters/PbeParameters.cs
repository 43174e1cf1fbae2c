using Softoken.Pkcs11;

namespace Softoken.Mechanisms.Parameters;

/// <summary>CK_PBE_PARAMS (the PKCS #12 PBE key generation mechanisms). <see cref="WantsInitVector"/> says whether
/// pInitVector was non-NULL. The generator stores the 8-byte IV it derives in <see cref="InitVector"/>; after a
/// successful C_GenerateKey the native layer copies it to pInitVector
/// (<c>PbeParameterDecoders.WriteBack</c>).</summary>
internal sealed record PbeParameter(bool WantsInitVector, byte[] Password, byte[] Salt, ulong Iterations) : MechanismParameter
{
    /// <summary>Output: the derived IV (CBC mechanisms only), set by the key generator.</summary>
    public byte[]? InitVector { get; set; }
}

/// <summary>CK_PKCS5_PBKD2_PARAMS and CK_PKCS5_PBKD2_PARAMS2 (they differ only in ulPasswordLen being a pointer
/// in the first; both decode to this). <see cref="SaltSource"/> is CKZ_SALT_SPECIFIED; <see cref="Prf"/> one of
/// CKP_PKCS5_PBKD2_HMAC_*; <see cref="PrfData"/> is unused by the HMAC PRFs.</summary>
internal sealed record Pbkd2Parameter(
    ulong SaltSource, byte[] Salt, ulong Iterations, CKP Prf, byte[] PrfData, byte[] Password) : MechanismParameter;
