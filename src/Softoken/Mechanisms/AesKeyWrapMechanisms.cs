using Softoken.Crypto;
using Softoken.Pkcs11;

namespace Softoken.Mechanisms;

/// <summary>AES key wrapping, named as PKCS #11 v3.0 names it (section "AES Key Wrap") and as softokn implements it:
/// CKM_AES_KEY_WRAP is RFC 3394; CKM_AES_KEY_WRAP_PAD is PKCS #7 padding followed by RFC 3394 (not RFC 5649);
/// CKM_AES_KEY_WRAP_KWP is RFC 5649. NSS's older vendor codes CKM_NSS_AES_KEY_WRAP and CKM_NSS_AES_KEY_WRAP_PAD behave
/// as the first two. All are single-part, for encryption and for wrapping keys; the optional parameter is the
/// initial value (8 bytes; 4 bytes for KWP).</summary>
internal static class AesKeyWrapMechanisms
{
    public static IEnumerable<MechanismRow> Rows()
    {
        yield return Row(CKM.CKM_AES_KEY_WRAP, KeyWrapKind.Kw);
        yield return Row(CKM.CKM_AES_KEY_WRAP_PAD, KeyWrapKind.KwPkcs7);
        yield return Row(CKM.CKM_AES_KEY_WRAP_KWP, KeyWrapKind.Kwp);
        yield return Row(CKM.CKM_NSS_AES_KEY_WRAP, KeyWrapKind.Kw);
        yield return Row(CKM.CKM_NSS_AES_KEY_WRAP_PAD, KeyWrapKind.KwPkcs7);
    }

    private static MechanismRow Row(CKM type, KeyWrapKind kind)
    {
        KeyWrapCipher Create(MechanismContext c, bool encrypt, bool wrapping) =>
            new(kind, encrypt, SecretKeys.Aes(c.Key), SecretKeys.OptionalBytes(c.Parameter), zeroPadInput: wrapping);
        return new MechanismRow
        {
            Type = type,
            MinKeySize = 16,
            MaxKeySize = 32,
            Encrypt = c => Create(c, true, false),
            Decrypt = c => Create(c, false, false),
            Wrap = c => Create(c, true, true),
            Unwrap = c => Create(c, false, false),
        };
    }
}
