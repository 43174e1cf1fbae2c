using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;
using Softoken.Pkcs11;

namespace Softoken.Crypto;

/// <summary>DSA over a digest (CKM_DSA takes it from the caller; CKM_DSA_&lt;hash&gt; computes it); the signature is
/// r||s, each as long as q (PKCS #11 v3.0 section 2.2.5). A digest longer than q is truncated to its leftmost
/// bits (FIPS 186-4 section 4.6), by OpenSSL and BouncyCastle alike.</summary>
internal sealed class DsaScheme(DsaKey key, SecureRandom random) : ISignatureScheme
{
    private readonly PlatformKeyCache<DSA>.Lease? platform = key.Platform();

    public int SignatureLength => key.SignatureLength;

    public int Sign(ReadOnlySpan<byte> input, Span<byte> signature)
    {
        if (input.IsEmpty) throw new Pkcs11Exception(CKR.CKR_DATA_LEN_RANGE);
        if (platform is not null)
        {
            try
            {
                var sig = platform.Key.CreateSignature(input.ToArray(), DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
                if (sig.Length == SignatureLength)
                {
                    sig.CopyTo(signature);
                    return sig.Length;
                }
            }
            catch (CryptographicException)
            {
                // fall back to BouncyCastle
            }
        }
        return BouncyDsaSignatures.Sign(new DsaSigner(), new ParametersWithRandom(key.BouncyPrivate(), random), input, signature, key.Q.Length);
    }

    public bool Verify(ReadOnlySpan<byte> input, ReadOnlySpan<byte> signature)
    {
        if (input.IsEmpty) throw new Pkcs11Exception(CKR.CKR_DATA_LEN_RANGE);
        if (platform is not null)
        {
            try
            {
                return platform.Key.VerifySignature(input, signature, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
            }
            catch (CryptographicException)
            {
                // fall back to BouncyCastle
            }
        }
        return BouncyDsaSignatures.Verify(new DsaSigner(), key.BouncyPublic(), input, signature, key.Q.Length);
    }

    public void Dispose()
    {
        platform?.Dispose();
        key.Dispose();
    }
}
