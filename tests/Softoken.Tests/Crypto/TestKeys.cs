using Softoken.Objects;
using Softoken.Pkcs11;

namespace Softoken.Tests.Crypto;

/// <summary>Key pairs generated once per test run through the generator rows (RSA-4096 only once, as asked).</summary>
internal static class TestKeys
{
    private static readonly Lazy<(AttributeSet Public, AttributeSet Private)> Rsa2048Pair = new(() =>
        Pk.Generate(CKM.CKM_RSA_PKCS_KEY_PAIR_GEN, Pk.Template((CKA.CKA_MODULUS_BITS, 2048))));

    private static readonly Lazy<(AttributeSet Public, AttributeSet Private)> Rsa4096Pair = new(() =>
        Pk.Generate(CKM.CKM_RSA_PKCS_KEY_PAIR_GEN, Pk.Template((CKA.CKA_MODULUS_BITS, 4096))));

    private static readonly Lazy<(AttributeSet Public, AttributeSet Private)> P256Pair = new(() =>
        Pk.Generate(CKM.CKM_EC_KEY_PAIR_GEN, Pk.Template((CKA.CKA_EC_PARAMS, Pk.EncodedOid("1.2.840.10045.3.1.7")))));

    public static (AttributeSet Public, AttributeSet Private) Rsa2048 => Rsa2048Pair.Value;

    public static (AttributeSet Public, AttributeSet Private) Rsa4096 => Rsa4096Pair.Value;

    public static (AttributeSet Public, AttributeSet Private) P256 => P256Pair.Value;
}
