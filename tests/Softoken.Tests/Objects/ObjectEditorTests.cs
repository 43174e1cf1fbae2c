using Softoken.Objects;
using Softoken.Pkcs11;

namespace Softoken.Tests.Objects;

public sealed class ObjectEditorTests
{
    private static CKR Rv(Action action) => Assert.Throws<Pkcs11Exception>(action).Rv;

    private static AttributeSet Key(params (CKA, object)[] extra) => ObjectBuilder.Build(Attrs.AesKey(16, extra), ObjectOrigin.Created);

    [Fact]
    public void SensitiveMayOnlyBecomeTrue()
    {
        using var key = Key((CKA.CKA_SENSITIVE, false));
        using var sensitive = ObjectEditor.ApplySet(key, Attrs.Of((CKA.CKA_SENSITIVE, true)));
        Assert.True(sensitive.Bool(CKA.CKA_SENSITIVE));
        Assert.Equal(CKR.CKR_ATTRIBUTE_READ_ONLY, Rv(() => ObjectEditor.ApplySet(sensitive, Attrs.Of((CKA.CKA_SENSITIVE, false)))));
    }

    [Fact]
    public void ExtractableMayOnlyBecomeFalse()
    {
        using var key = Key();
        using var fixedKey = ObjectEditor.ApplySet(key, Attrs.Of((CKA.CKA_EXTRACTABLE, false)));
        Assert.Equal(CKR.CKR_ATTRIBUTE_READ_ONLY, Rv(() => ObjectEditor.ApplySet(fixedKey, Attrs.Of((CKA.CKA_EXTRACTABLE, true)))));
    }

    [Fact]
    public void FixedAttributesCannotChange()
    {
        using var key = Key();
        Assert.Equal(CKR.CKR_ATTRIBUTE_READ_ONLY, Rv(() => ObjectEditor.ApplySet(key, Attrs.Of((CKA.CKA_VALUE, new byte[16] { 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 })))));
        Assert.Equal(CKR.CKR_ATTRIBUTE_READ_ONLY, Rv(() => ObjectEditor.ApplySet(key, Attrs.Of((CKA.CKA_TOKEN, true)))));
        Assert.Equal(CKR.CKR_ATTRIBUTE_READ_ONLY, Rv(() => ObjectEditor.ApplySet(key, Attrs.Of((CKA.CKA_LOCAL, true)))));
    }

    [Fact]
    public void UnmodifiableObjectRefusesEveryChange()
    {
        using var key = Key((CKA.CKA_MODIFIABLE, false));
        Assert.Equal(CKR.CKR_ACTION_PROHIBITED, Rv(() => ObjectEditor.ApplySet(key, Attrs.Of((CKA.CKA_LABEL, "new")))));
    }

    [Fact]
    public void LabelAndIdChange()
    {
        using var key = Key();
        using var changed = ObjectEditor.ApplySet(key, Attrs.Of((CKA.CKA_LABEL, "new"), (CKA.CKA_ID, new byte[] { 7 })));
        Assert.Equal("new"u8.ToArray(), changed.Bytes(CKA.CKA_LABEL));
        Assert.Equal(new byte[] { 7 }, changed.Bytes(CKA.CKA_ID));
    }

    [Fact]
    public void CopyMayChangeTokenAndPrivateButNotTheValue()
    {
        using var key = Key();
        using var copy = ObjectEditor.ApplyCopy(key, Attrs.Of((CKA.CKA_TOKEN, true), (CKA.CKA_PRIVATE, false)));
        Assert.True(copy.Bool(CKA.CKA_TOKEN));
        Assert.NotEqual(key.Bytes(CKA.CKA_UNIQUE_ID), copy.Bytes(CKA.CKA_UNIQUE_ID));
        Assert.Equal(CKR.CKR_ATTRIBUTE_READ_ONLY, Rv(() => ObjectEditor.ApplyCopy(key, Attrs.Of((CKA.CKA_KEY_TYPE, CKK.CKK_DES)))));
    }

    [Fact]
    public void UncopyableObjectCannotBeCopied()
    {
        using var key = Key((CKA.CKA_COPYABLE, false));
        Assert.Equal(CKR.CKR_ACTION_PROHIBITED, Rv(() => ObjectEditor.ApplyCopy(key, new AttributeSet())));
    }
}
