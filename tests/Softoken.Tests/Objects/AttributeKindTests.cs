using Softoken.Objects;
using Softoken.Pkcs11;

namespace Softoken.Tests.Objects;

/// <summary>AttributeSet decodes CKA_CLASS and CKA_KEY_TYPE once; every way of changing them must show.</summary>
public sealed class AttributeKindTests
{
    [Fact]
    public void ClassAndKeyTypeFollowEveryChange()
    {
        var set = new AttributeSet();
        Assert.Null(set.Class);
        Assert.Null(set.KeyType);

        set.Default(CKA.CKA_CLASS, AttributeSet.EncodeUlong((ulong)CKO.CKO_SECRET_KEY));
        Assert.Equal(CKO.CKO_SECRET_KEY, set.Class);
        set.SetUlong(CKA.CKA_KEY_TYPE, (ulong)CKK.CKK_AES);
        Assert.Equal(CKK.CKK_AES, set.KeyType);

        set.SetUlong(CKA.CKA_CLASS, (ulong)CKO.CKO_PRIVATE_KEY);
        set.SetUlong(CKA.CKA_KEY_TYPE, (ulong)CKK.CKK_EC);
        Assert.Equal(CKO.CKO_PRIVATE_KEY, set.Class);
        Assert.Equal(CKK.CKK_EC, set.KeyType);

        // Other attributes leave them alone; a Default that finds the attribute present changes nothing.
        set.SetBool(CKA.CKA_SIGN, true);
        set.Default(CKA.CKA_CLASS, AttributeSet.EncodeUlong((ulong)CKO.CKO_DATA));
        Assert.Equal(CKO.CKO_PRIVATE_KEY, set.Class);

        var copy = set.Clone();
        Assert.Equal(CKO.CKO_PRIVATE_KEY, copy.Class);
        copy.SetUlong(CKA.CKA_CLASS, (ulong)CKO.CKO_PUBLIC_KEY);
        Assert.Equal(CKO.CKO_PUBLIC_KEY, copy.Class);
        Assert.Equal(CKO.CKO_PRIVATE_KEY, set.Class);

        Assert.True(set.Remove(CKA.CKA_KEY_TYPE));
        Assert.Null(set.KeyType);
        Assert.Equal(CKO.CKO_PRIVATE_KEY, set.Class);

        set.Dispose();
        Assert.Null(set.Class);
        Assert.Null(set.KeyType);
    }

    [Fact]
    public void AValueOfTheWrongLengthIsNoClass()
    {
        var set = new AttributeSet();
        set.Set(CKA.CKA_CLASS, [1, 2, 3]);
        Assert.Null(set.Class);
        set.SetUlong(CKA.CKA_CLASS, (ulong)CKO.CKO_CERTIFICATE);
        Assert.Equal(CKO.CKO_CERTIFICATE, set.Class);
    }
}
