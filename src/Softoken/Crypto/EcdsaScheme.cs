using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;
using Softoken.Pkcs11;

namespace Softoken.Crypto;

/// <summary>ECDSA over a digest (CKM_ECDSA takes it from the caller; CKM_ECDSA_&lt;hash&gt; computes it). The
/// signature is r||s, each as long as the group order (PKCS #11 v3.0 section 2.3.1). OpenSSL on every curve it
/// knows, BouncyCastle otherwise.</summary>
internal sealed class EcdsaScheme : ISignatureScheme
{
    private readonly EcKey key;
    private readonly SecureRandom random;
    private readonly PlatformKeyCache<ECDsa>.Lease? platform;
    private readonly ECPublicKeyParameters? bouncyPublic;

    public EcdsaScheme(EcKey key, SecureRandom random)
    {
        this.key = key;
        this.random = random;
        platform = key.PlatformSigner();
        // Without OpenSSL's import (which checks the point) a public key is checked now, at C_VerifyInit.
        if (platform is null && !key.IsPrivate) bouncyPublic = key.CachedBouncyPublic();
    }

    public int SignatureLength => key.SignatureLength;

    public int Sign(ReadOnlySpan<byte> input, Span<byte> signature)
    {
        if (input.IsEmpty) throw new Pkcs11Exception(CKR.CKR_DATA_LEN_RANGE);
        if (platform is not null)
        {
            try
            {
                return platform.Key.SignHash(input, signature, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
            }
            catch (CryptographicException)
            {
                // fall back to BouncyCastle
            }
        }
        return BouncyDsaSignatures.Sign(new ECDsaSigner(), new ParametersWithRandom(key.BouncyPrivate(), random), input, signature, key.Curve.OrderLength);
    }

    public bool Verify(ReadOnlySpan<byte> input, ReadOnlySpan<byte> signature)
    {
        if (input.IsEmpty) throw new Pkcs11Exception(CKR.CKR_DATA_LEN_RANGE);
        if (platform is not null)
        {
            try
            {
                return platform.Key.VerifyHash(input, signature, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
            }
            catch (CryptographicException)
            {
                // fall back to BouncyCastle
            }
        }
        return BouncyDsaSignatures.Verify(new ECDsaSigner(), bouncyPublic ?? key.CachedBouncyPublic(), input, signature, key.Curve.OrderLength);
    }

    public void Dispose()
    {
        platform?.Dispose();
        key.Dispose();
    }
}
