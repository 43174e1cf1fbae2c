using Softoken.Pkcs11;

namespace Softoken.Mechanisms.Parameters;

/// <summary>CK_ECDH1_DERIVE_PARAMS: the KDF, the optional shared data, and the peer's public point (raw or as a
/// DER OCTET STRING; for X25519/X448 the raw u-coordinate).</summary>
internal sealed record Ecdh1DeriveParameter(CKD Kdf, byte[] SharedData, byte[] PublicData) : MechanismParameter;

/// <summary>CK_EDDSA_PARAMS: the prehash flag (Ed25519ph / Ed448ph) and the context (at most 255 bytes).</summary>
internal sealed record EddsaParameter(bool PhFlag, byte[] ContextData) : MechanismParameter;
