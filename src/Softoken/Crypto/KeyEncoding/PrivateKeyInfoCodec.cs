using Softoken.Objects;
using Softoken.Pkcs11;

namespace Softoken.Crypto.KeyEncoding;

/// <summary>Private keys as PKCS #8 PrivateKeyInfo, the form wrapped private keys take (C_WrapKey, C_UnwrapKey,
/// NSS's pk12util). The per-algorithm encodings come with the public-key mechanism families.</summary>
internal static class PrivateKeyInfoCodec
{
    public static byte[] Encode(AttributeSet privateKey) =>
        throw new Pkcs11Exception(CKR.CKR_KEY_NOT_WRAPPABLE, $"no PKCS #8 encoding for {privateKey.KeyType}");

    public static AttributeSet Decode(ReadOnlySpan<byte> der) =>
        throw new Pkcs11Exception(CKR.CKR_WRAPPED_KEY_INVALID, "no PKCS #8 decoding yet");
}
