using Softoken.Objects;
using Softoken.Pkcs11;

namespace Softoken.Tests.Objects;

/// <summary>Objects share one array per CK_BBOOL value. Wiping or replacing an attribute in one object (Set, Remove,
/// Dispose) must never change the value another object, or a later one, holds; non-constant values are still
/// wiped.</summary>
public sealed class SharedAttributeValueTests
{
    private static readonly CKA[] TrueByDefault =
        [CKA.CKA_MODIFIABLE, CKA.CKA_COPYABLE, CKA.CKA_DESTROYABLE, CKA.CKA_ENCRYPT, CKA.CKA_SENSITIVE, CKA.CKA_EXTRACTABLE];

    private static readonly CKA[] FalseByDefault = [CKA.CKA_TOKEN, CKA.CKA_DERIVE, CKA.CKA_WRAP_WITH_TRUSTED, CKA.CKA_TRUSTED];

    private static AttributeSet Key(byte fill = 0x5A)
    {
        var value = new byte[16];
        Array.Fill(value, fill);
        using var template = Attrs.Of((CKA.CKA_CLASS, CKO.CKO_SECRET_KEY), (CKA.CKA_KEY_TYPE, CKK.CKK_AES), (CKA.CKA_VALUE, value));
        return ObjectBuilder.Build(template, ObjectOrigin.Created);
    }

    private static void AssertDefaults(AttributeSet key)
    {
        foreach (var type in TrueByDefault) Assert.Equal(new byte[] { 1 }, key.Bytes(type));
        foreach (var type in FalseByDefault) Assert.Equal(new byte[] { 0 }, key.Bytes(type));
    }

    [Fact]
    public void DisposingOneObjectLeavesTheBooleansOfOthersIntact()
    {
        using var kept = Key();
        var disposed = Key();
        Assert.Same(kept.Bytes(CKA.CKA_SENSITIVE), disposed.Bytes(CKA.CKA_SENSITIVE));
        disposed.Dispose();
        AssertDefaults(kept);
        using var later = Key();
        AssertDefaults(later);
    }

    [Fact]
    public void ReplacingOrRemovingABooleanInOneObjectLeavesOthersIntact()
    {
        using var kept = Key();
        using var changed = Key();
        changed.SetBool(CKA.CKA_SENSITIVE, false);
        changed.Set(CKA.CKA_MODIFIABLE, [0]);
        Assert.True(changed.Remove(CKA.CKA_ENCRYPT));
        Assert.True(changed.Remove(CKA.CKA_TOKEN));
        Assert.False(changed.Bool(CKA.CKA_SENSITIVE));
        Assert.False(changed.Bool(CKA.CKA_MODIFIABLE));
        AssertDefaults(kept);
        using var later = Key();
        AssertDefaults(later);
    }

    [Fact]
    public void DisposingACloneLeavesTheOriginalIntactAndStillWipesItsOwnCopies()
    {
        using var original = Key(0x77);
        var clone = original.Clone();
        var cloneValue = clone.Bytes(CKA.CKA_VALUE)!;
        var cloneUniqueId = clone.Bytes(CKA.CKA_UNIQUE_ID)!;
        Assert.NotSame(original.Bytes(CKA.CKA_VALUE), cloneValue);
        clone.Dispose();
        Assert.All(cloneValue, b => Assert.Equal(0, b));
        Assert.All(cloneUniqueId, b => Assert.Equal(0, b));
        Assert.All(original.Bytes(CKA.CKA_VALUE)!, b => Assert.Equal(0x77, b));
        AssertDefaults(original);
    }

    [Fact]
    public void SecretValuesAreStillWipedWhenReplacedRemovedOrDisposed()
    {
        var key = Key(0x33);
        var value = key.Bytes(CKA.CKA_VALUE)!;
        key.Set(CKA.CKA_VALUE, new byte[16]);
        Assert.All(value, b => Assert.Equal(0, b));
        var replacement = key.Bytes(CKA.CKA_VALUE)!;
        Array.Fill(replacement, (byte)0x44);
        var label = new byte[] { 1, 2, 3 };
        key.Set(CKA.CKA_LABEL, label);
        Assert.True(key.Remove(CKA.CKA_LABEL));
        Assert.All(label, b => Assert.Equal(0, b));
        key.Dispose();
        Assert.All(replacement, b => Assert.Equal(0, b));
    }

    [Fact]
    public void UniqueIdIsUpperCaseHex()
    {
        using var key = Key();
        var id = System.Text.Encoding.ASCII.GetString(key.Bytes(CKA.CKA_UNIQUE_ID)!);
        Assert.Matches("^[0-9A-F]{32}$", id);
    }
}
