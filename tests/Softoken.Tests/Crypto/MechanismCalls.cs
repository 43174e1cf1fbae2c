using System.Text;
using Softoken.Crypto;
using Softoken.Mechanisms;
using Softoken.Mechanisms.Parameters;
using Softoken.Objects;
using Softoken.Pkcs11;

namespace Softoken.Tests.Crypto;

/// <summary>Hand-built keys, templates and requests for calling mechanism factories directly.</summary>
internal static class MechanismCalls
{
    public static readonly RandomSource Random = new();

    public static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));

    public static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    public static string ToHex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    public static AttributeSet Secret(byte[] value, CKK type = CKK.CKK_GENERIC_SECRET)
    {
        var key = new AttributeSet();
        key.SetUlong(CKA.CKA_CLASS, (ulong)CKO.CKO_SECRET_KEY);
        key.SetUlong(CKA.CKA_KEY_TYPE, (ulong)type);
        key.Set(CKA.CKA_VALUE, value);
        return key;
    }

    public static AttributeSet Template(int? valueLength = null, CKK? type = null)
    {
        var template = new AttributeSet();
        template.SetUlong(CKA.CKA_CLASS, (ulong)CKO.CKO_SECRET_KEY);
        if (type is { } t) template.SetUlong(CKA.CKA_KEY_TYPE, (ulong)t);
        if (valueLength is { } n) template.SetUlong(CKA.CKA_VALUE_LEN, (ulong)n);
        return template;
    }

    public static MechanismContext Context(CKM mechanism, AttributeSet key, MechanismParameter? parameter = null) =>
        new(mechanism, parameter ?? MechanismParameter.None, key, Random);

    public static DeriveResult Derive(CKM mechanism, AttributeSet baseKey, MechanismParameter? parameter, AttributeSet template) =>
        MechanismRegistry.Get(mechanism).Derive!(new DeriveRequest(mechanism, parameter ?? MechanismParameter.None, baseKey, template, Random));

    public static AttributeSet Generate(CKM mechanism, MechanismParameter? parameter, AttributeSet template) =>
        MechanismRegistry.Get(mechanism).GenerateKey!(new KeyGenRequest(mechanism, parameter ?? MechanismParameter.None, template, Random));

    public static string Value(AttributeSet key) => ToHex(key.RequireBytes(CKA.CKA_VALUE));

    public static CKR Fails(Action action) => Assert.Throws<Pkcs11Exception>(action).Rv;
}
