using Softoken.Pkcs11;

namespace Softoken.Mechanisms.Parameters;

/// <summary>CK_TLS_MAC_PARAMS (CKM_TLS_MAC): prfHashMechanism (CKM_TLS_PRF for the TLS 1.0/1.1 PRF),
/// ulMacLength, ulServerOrClient (1 server, 2 client).</summary>
internal sealed record TlsMacParameter(CKM PrfHashMechanism, ulong MacLength, ulong ServerOrClient) : MechanismParameter;

/// <summary>CK_TLS12_MASTER_KEY_DERIVE_PARAMS (CKM_TLS12_MASTER_KEY_DERIVE and _DH). <see cref="WantsVersion"/>
/// says whether pVersion was non-NULL: the RSA form then returns the client version from the pre-master secret
/// in <see cref="DeriveResult.Extra"/> as a <see cref="TlsVersionOutput"/>.</summary>
internal sealed record Tls12MasterKeyDeriveParameter(
    byte[] ClientRandom, byte[] ServerRandom, bool WantsVersion, CKM PrfHashMechanism) : MechanismParameter;

/// <summary>CK_TLS12_EXTENDED_MASTER_KEY_DERIVE_PARAMS (PKCS #11 v3.1) = NSS's
/// CK_NSS_TLS_EXTENDED_MASTER_KEY_DERIVE_PARAMS: RFC 7627's master secret from the session hash.</summary>
internal sealed record TlsExtendedMasterKeyDeriveParameter(CKM PrfHashMechanism, byte[] SessionHash, bool WantsVersion)
    : MechanismParameter;

/// <summary>CK_TLS12_KEY_MAT_PARAMS (CKM_TLS12_KEY_AND_MAC_DERIVE). Sizes in bits, as in the structure.
/// <see cref="WantsClientIv"/> / <see cref="WantsServerIv"/>: whether pReturnedKeyMaterial's IV pointers are
/// non-NULL (required when ulIVSizeInBits is not 0).</summary>
internal sealed record Tls12KeyMatParameter(
    ulong MacSizeInBits, ulong KeySizeInBits, ulong IvSizeInBits, bool IsExport,
    byte[] ClientRandom, byte[] ServerRandom, CKM PrfHashMechanism) : MechanismParameter;

/// <summary>Output of the master-secret derivations: the version in the pre-master secret, for pVersion.</summary>
internal sealed record TlsVersionOutput(byte Major, byte Minor);

/// <summary>Output of CKM_TLS12_KEY_AND_MAC_DERIVE (RFC 5246 section 6.3 key_block). The base key of C_DeriveKey
/// is the master secret and the derivation creates no key from its template: the session creates four secret
/// keys (MAC secrets as CKK_GENERIC_SECRET with CKA_SIGN/CKA_VERIFY; the cipher keys of the template's
/// CKA_KEY_TYPE, none when <see cref="ClientKey"/> is empty, i.e. ulKeySizeInBits is 0) and the native layer
/// writes their handles and the IVs into CK_SSL3_KEY_MAT_OUT.</summary>
internal sealed record TlsKeyMaterial(
    byte[] ClientMacSecret, byte[] ServerMacSecret, byte[] ClientKey, byte[] ServerKey, byte[] ClientIv, byte[] ServerIv)
{
    /// <summary>Cuts a key block (SSL 3.0 or TLS expansion) into the MAC secrets, the cipher keys and the IVs, in that
    /// order, client first; the block is wiped.</summary>
    public static TlsKeyMaterial FromKeyBlock(byte[] block, int macLength, int keyLength, int ivLength)
    {
        int at = 0;
        byte[] Next(int n)
        {
            var part = block.AsSpan(at, n).ToArray();
            at += n;
            return part;
        }
        var material = new TlsKeyMaterial(Next(macLength), Next(macLength), Next(keyLength), Next(keyLength), Next(ivLength), Next(ivLength));
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(block);
        return material;
    }
}

/// <summary>CK_NSS_MAC_CONSTANT_TIME_PARAMS (CKM_NSS_HMAC_CONSTANT_TIME, CKM_NSS_SSL3_MAC_CONSTANT_TIME): the MAC
/// mechanism naming the hash, the record body's total length (data, MAC and padding) and the header that is MACed
/// before the data (the TLS sequence number, type, version and length).</summary>
internal sealed record MacConstantTimeParameter(CKM MacAlg, ulong BodyTotalLength, byte[] Header) : MechanismParameter;
