using Softoken.Crypto;
using Softoken.Mechanisms.Parameters;
using Softoken.Objects;
using Softoken.Pkcs11;

namespace Softoken.Mechanisms;

/// <summary>What an operation factory gets: the mechanism, its decoded parameter, the key object's attributes
/// (already checked for class, CKA_ENCRYPT/CKA_SIGN/... and CKA_ALLOWED_MECHANISMS by the session) and the RNG.
/// Factories throw <see cref="Pkcs11Exception"/> with CKR_KEY_TYPE_INCONSISTENT, CKR_KEY_SIZE_RANGE,
/// CKR_MECHANISM_PARAM_INVALID ... as the specification says.</summary>
internal sealed record MechanismContext(CKM Mechanism, MechanismParameter Parameter, AttributeSet Key, RandomSource Random);

/// <summary>C_GenerateKey / C_GenerateKeyPair input: the templates as given (the factory reads CKA_VALUE_LEN,
/// CKA_MODULUS_BITS, CKA_PUBLIC_EXPONENT, CKA_EC_PARAMS ... from them). The factory returns only the attributes it
/// computes (CKA_KEY_TYPE, CKA_VALUE, CKA_MODULUS ...); the object layer adds the template, the defaults,
/// CKA_LOCAL, CKA_KEY_GEN_MECHANISM, CKA_ID and the rest.</summary>
internal sealed record KeyGenRequest(CKM Mechanism, MechanismParameter Parameter, AttributeSet Template, RandomSource Random);

internal sealed record KeyPairRequest(
    CKM Mechanism, MechanismParameter Parameter, AttributeSet PublicTemplate, AttributeSet PrivateTemplate, RandomSource Random);

/// <summary>The computed halves of a key pair; the object layer runs no crypto on them.</summary>
internal sealed record KeyPairMaterial(AttributeSet Public, AttributeSet Private);

/// <summary>C_DeriveKey input: the base key, the template of the new key, the decoded parameter. The factory
/// returns the new key's computed attributes (at least CKA_VALUE; CKA_KEY_TYPE when the mechanism fixes it).
/// Mechanisms that return data through their parameter (CKM_TLS12_KEY_AND_MAC_DERIVE, CKM_HKDF_DATA ...) put
/// the outputs in <see cref="DeriveResult.Extra"/>.</summary>
internal sealed record DeriveRequest(
    CKM Mechanism, MechanismParameter Parameter, AttributeSet BaseKey, AttributeSet Template, RandomSource Random);

internal sealed record DeriveResult(AttributeSet Key, object? Extra = null);

/// <summary>What C_DeriveKey returns: the new object's handle, the mechanism's result (for outputs written back
/// through the parameter) and, for a TLS key block, the handles of its four keys (client MAC, server MAC, client
/// key, server key; 0 for keys not made).</summary>
internal sealed record DeriveOutcome(ulong Handle, DeriveResult Result, ulong[]? KeyBlock);

/// <summary>What a KEM's encapsulation produces: the ciphertext for the peer and the shared secret (the caller wipes it).</summary>
internal sealed record KemResult(byte[] Ciphertext, byte[] Secret);
