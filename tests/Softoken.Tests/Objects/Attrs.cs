using Softoken.Objects;
using Softoken.Pkcs11;

namespace Softoken.Tests.Objects;

/// <summary>Builds templates for tests.</summary>
internal static class Attrs
{
    public static AttributeSet Of(params (CKA Type, object Value)[] items)
    {
        var set = new AttributeSet();
        foreach (var (type, value) in items)
        {
            switch (value)
            {
                case bool b: set.SetBool(type, b); break;
                case CKO o: set.SetUlong(type, (ulong)o); break;
                case CKK k: set.SetUlong(type, (ulong)k); break;
                case CKC c: set.SetUlong(type, (ulong)c); break;
                case ulong u: set.SetUlong(type, u); break;
                case int i: set.SetUlong(type, (ulong)i); break;
                case string s: set.Set(type, System.Text.Encoding.UTF8.GetBytes(s)); break;
                case byte[] bytes: set.Set(type, bytes); break;
                default: throw new ArgumentException(value.GetType().Name);
            }
        }
        return set;
    }

    public static AttributeSet AesKey(int length = 16, params (CKA, object)[] extra) =>
        Of([(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY), (CKA.CKA_KEY_TYPE, CKK.CKK_AES), (CKA.CKA_VALUE, new byte[length]), .. extra]);
}
