using Softoken.Pkcs11;

namespace Softoken.Mechanisms.Parameters;

/// <summary>CK_RSA_PKCS_OAEP_PARAMS: hash, MGF, source type (CKZ_DATA_SPECIFIED) and the encoding parameter (label).</summary>
internal sealed record RsaOaepParameter(CKM HashAlg, CKG Mgf, ulong Source, byte[] SourceData) : MechanismParameter;

/// <summary>CK_RSA_PKCS_PSS_PARAMS: hash, MGF and salt length in bytes.</summary>
internal sealed record RsaPssParameter(CKM HashAlg, CKG Mgf, ulong SaltLength) : MechanismParameter;
