using System.Text;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using Softoken.NativeTests.Infrastructure;

namespace Softoken.NativeTests.Objects;

/// <summary>Issue 3, item 1: the array attributes CKA_WRAP_TEMPLATE, CKA_UNWRAP_TEMPLATE, CKA_DERIVE_TEMPLATE (arrays of
/// CK_ATTRIBUTE) and CKA_ALLOWED_MECHANISMS (array of CK_MECHANISM_TYPE) in both directions: given in C_CreateObject
/// and C_SetAttributeValue, read back with the length protocol of PKCS #11 v3.0 section 5.7.5 (the array length, then
/// each element's length, then the values), through the low-level API since the high-level one cannot express the
/// nested steps.</summary>
public sealed class ArrayAttributeTests(ModuleFixture fixture) : ObjectTest(fixture)
{
    private static readonly Attr[] Nested =
    [
        Attr.Of(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY),
        Attr.Of(CKA.CKA_KEY_TYPE, CKK.CKK_AES),
        Attr.Of(CKA.CKA_EXTRACTABLE, false),
        Attr.Of(CKA.CKA_LABEL, "unwrapped"),
    ];

    public static TheoryData<CKA, string> TemplateAttributes => new()
    {
        { CKA.CKA_WRAP_TEMPLATE, "secret" }, { CKA.CKA_WRAP_TEMPLATE, "public" },
        { CKA.CKA_UNWRAP_TEMPLATE, "secret" }, { CKA.CKA_UNWRAP_TEMPLATE, "private" },
        { CKA.CKA_DERIVE_TEMPLATE, "secret" }, { CKA.CKA_DERIVE_TEMPLATE, "private" },
    };

    private static Attr[] KeyOf(string kind) => kind switch
    {
        "secret" => TestKeys.Aes(),
        "public" => TestKeys.PublicKey((ulong)CKK.CKK_RSA),
        "private" => TestKeys.PrivateKey(CKK.CKK_EC),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    [Theory]
    [MemberData(nameof(TemplateAttributes))]
    public void NestedTemplateGivenAtCreationIsReadBackStepByStep(CKA attribute, string kind)
    {
        var session = UserSession();
        var key = Create(session, [.. KeyOf(kind), Attr.Of(attribute, Nested)]);
        AssertNestedTemplate(session, key, attribute, Nested);
    }

    [Theory]
    [MemberData(nameof(TemplateAttributes))]
    public void NestedTemplateSetLaterOnATokenKeySurvivesARestart(CKA attribute, string kind)
    {
        var session = UserSession();
        var key = Create(session, [.. KeyOf(kind), Token(), Label("nested")]);
        Attr[] replacement = [Attr.Of(CKA.CKA_SENSITIVE, true), Attr.Of(CKA.CKA_VALUE_LEN, 16UL)];
        Assert.Equal(CKR.CKR_OK, Set(session, key, Attr.Of(attribute, replacement)));
        AssertNestedTemplate(session, key, attribute, replacement);

        Restart();
        session = UserSession();
        var found = Assert.Single(Find(session, Label("nested")));
        AssertNestedTemplate(session, found, attribute, replacement);
    }

    [Fact]
    public void EmptyNestedTemplateHasLengthZero()
    {
        var session = UserSession();
        var key = Create(session, [.. TestKeys.Aes(), Attr.Of(CKA.CKA_WRAP_TEMPLATE, Array.Empty<Attr>())]);
        using var t = new NativeTemplate(Attr.Query(CKA.CKA_WRAP_TEMPLATE));
        Assert.Equal(CKR.CKR_OK, GetAttributes(session, key, t));
        Assert.Equal(0UL, t.Length(0));
    }

    [Fact]
    public void ArrayTooSmallForTheNestedTemplateIsBufferTooSmall()
    {
        var session = UserSession();
        var key = Create(session, [.. TestKeys.Aes(), Attr.Of(CKA.CKA_WRAP_TEMPLATE, Nested), Label("k")]);
        using var t = new NativeTemplate(Attr.NestedQuery(CKA.CKA_WRAP_TEMPLATE, Nested.Length - 1), Attr.Buffer(CKA.CKA_LABEL, 1));
        Assert.Equal(CKR.CKR_BUFFER_TOO_SMALL, GetAttributes(session, key, t));
        Assert.True(t.Unavailable(0));
        Assert.Equal("k", Encoding.UTF8.GetString(t.Bytes(1)));
    }

    [Fact]
    public void NestedValueBufferTooSmallIsBufferTooSmallAndTheOtherElementsAreFilled()
    {
        var session = UserSession();
        var key = Create(session, [.. TestKeys.Aes(), Attr.Of(CKA.CKA_UNWRAP_TEMPLATE, Nested)]);
        using var t = new NativeTemplate(Attr.NestedQuery(CKA.CKA_UNWRAP_TEMPLATE, Nested.Length));
        Assert.Equal(CKR.CKR_OK, GetAttributes(session, key, t));
        var elements = t.Nested(0);
        for (int i = 0; i < elements.Length; i++)
        {
            bool isLabel = elements[i].Type == (ulong)CKA.CKA_LABEL;
            t.AllocateNested(0, i, isLabel ? 3 : (int)elements[i].Length);
        }
        Assert.Equal(CKR.CKR_BUFFER_TOO_SMALL, GetAttributes(session, key, t));
        // The array itself was large enough: it keeps its exact length; only the short element is unavailable.
        Assert.Equal((ulong)(Nested.Length * NativeTemplate.AttributeSize), t.Length(0));
        foreach (var element in t.Nested(0))
        {
            if (element.Type == (ulong)CKA.CKA_LABEL) Assert.Equal(Ck.CK_UNAVAILABLE_INFORMATION, element.Length);
            else if (element.Type == (ulong)CKA.CKA_CLASS) Assert.Equal(NativeTemplate.Ulong((ulong)CKO.CKO_SECRET_KEY), NativeTemplate.ReadNestedValue(element));
        }
    }

    [Fact]
    public void NestedTemplateWithAWrongWidthValueIsAttributeValueInvalid()
    {
        var session = UserSession();
        Attr[] bad = [new Attr((ulong)CKA.CKA_CLASS, new byte[] { 4, 0, 0, 0 })];
        Assert.Equal(CKR.CKR_ATTRIBUTE_VALUE_INVALID, TryCreate(session, out _, [.. TestKeys.Aes(), Attr.Of(CKA.CKA_WRAP_TEMPLATE, bad)]));
        var key = Create(session, TestKeys.Aes());
        Assert.Equal(CKR.CKR_ATTRIBUTE_VALUE_INVALID, Set(session, key, Attr.Of(CKA.CKA_DERIVE_TEMPLATE, bad)));
        Assert.Equal(CKR.CKR_ATTRIBUTE_TYPE_INVALID, GetRv(session, key, CKA.CKA_DERIVE_TEMPLATE));
    }

    [Fact]
    public void NestedTemplateOnAClassWithoutItIsAttributeTypeInvalid()
    {
        var session = UserSession();
        Assert.Equal(CKR.CKR_ATTRIBUTE_TYPE_INVALID,
            TryCreate(session, out _, [.. TestKeys.PublicKey((ulong)CKK.CKK_RSA), Attr.Of(CKA.CKA_UNWRAP_TEMPLATE, Nested)]));
        Assert.Equal(CKR.CKR_ATTRIBUTE_TYPE_INVALID, TryCreate(session, out _, [.. Data("d"), Attr.Of(CKA.CKA_WRAP_TEMPLATE, Nested)]));
    }

    [Fact]
    public void AllowedMechanismsInBothDirections()
    {
        var session = UserSession();
        var mechanisms = new[] { CKM.CKM_AES_CBC_PAD, CKM.CKM_AES_GCM, CKM.CKM_AES_KEY_WRAP };
        var key = Create(session, [.. TestKeys.Aes(), Token(), Attr.Of(CKA.CKA_ALLOWED_MECHANISMS, mechanisms)]);

        using (var query = new NativeTemplate(Attr.Query(CKA.CKA_ALLOWED_MECHANISMS)))
        {
            Assert.Equal(CKR.CKR_OK, GetAttributes(session, key, query));
            Assert.Equal(3UL * 8, query.Length(0));
        }
        using (var small = new NativeTemplate(Attr.Buffer(CKA.CKA_ALLOWED_MECHANISMS, 16)))
        {
            Assert.Equal(CKR.CKR_BUFFER_TOO_SMALL, GetAttributes(session, key, small));
            Assert.True(small.Unavailable(0));
        }
        Assert.Equal(NativeTemplate.Encode(mechanisms), Get(session, key, CKA.CKA_ALLOWED_MECHANISMS));

        Assert.Equal(CKR.CKR_OK, Set(session, key, Attr.Of(CKA.CKA_ALLOWED_MECHANISMS, new[] { CKM.CKM_AES_ECB })));
        Assert.Equal(NativeTemplate.Ulong((ulong)CKM.CKM_AES_ECB), Get(session, key, CKA.CKA_ALLOWED_MECHANISMS));
        Assert.Equal(CKR.CKR_OK, Set(session, key, Attr.Of(CKA.CKA_ALLOWED_MECHANISMS, Array.Empty<ulong>())));
        Assert.Empty(Get(session, key, CKA.CKA_ALLOWED_MECHANISMS));

        Assert.Equal(CKR.CKR_ATTRIBUTE_VALUE_INVALID, Set(session, key, new Attr((ulong)CKA.CKA_ALLOWED_MECHANISMS, new byte[12])));
    }

    [Fact]
    public void HighLevelApiWritesNestedTemplatesAndReadsMechanismLists()
    {
        var session = KeyStorageSlot.OpenSession(SessionType.ReadWrite);
        session.Login(CKU.CKU_USER, UserPin);
        var f = Factories.ObjectAttributeFactory;
        var key = session.CreateObject(
        [
            f.Create(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY), f.Create(CKA.CKA_KEY_TYPE, CKK.CKK_AES),
            f.Create(CKA.CKA_VALUE, new byte[16]), f.Create(CKA.CKA_ALLOWED_MECHANISMS, new List<CKM> { CKM.CKM_AES_CTR }),
            f.Create(CKA.CKA_WRAP_TEMPLATE, new List<IObjectAttribute> { f.Create(CKA.CKA_TOKEN, false), f.Create(CKA.CKA_LABEL, "high") }),
        ]);
        var read = session.GetAttributeValue(key, [CKA.CKA_ALLOWED_MECHANISMS]);
        Assert.Equal([CKM.CKM_AES_CTR], read[0].GetValueAsCkmList());

        var handle = ((IObjectHandle)key).ObjectId;
        var low = OpenRo();
        AssertNestedTemplate(low, handle, CKA.CKA_WRAP_TEMPLATE, [Attr.Of(CKA.CKA_TOKEN, false), Attr.Of(CKA.CKA_LABEL, "high")]);
    }

    /// <summary>Reads a nested template in the three steps of section 5.7.5 and compares it with
    /// <paramref name="expected"/> (as a set: the module may order the elements as it likes).</summary>
    private void AssertNestedTemplate(ulong session, ulong key, CKA attribute, Attr[] expected)
    {
        using var t1 = new NativeTemplate(Attr.Query(attribute));
        Assert.Equal(CKR.CKR_OK, GetAttributes(session, key, t1));
        Assert.Equal((ulong)(expected.Length * NativeTemplate.AttributeSize), t1.Length(0));

        using var t2 = new NativeTemplate(Attr.NestedQuery(attribute, expected.Length));
        Assert.Equal(CKR.CKR_OK, GetAttributes(session, key, t2));
        var elements = t2.Nested(0);
        Assert.Equal(expected.Select(e => e.Type).Order(), elements.Select(e => e.Type).Order());
        foreach (var element in elements)
        {
            var want = NativeTemplate.Encode(expected.Single(e => e.Type == element.Type).Value!);
            Assert.Equal((ulong)want.Length, element.Length);
            Assert.Equal(IntPtr.Zero, element.Value);
        }

        for (int i = 0; i < elements.Length; i++) t2.AllocateNested(0, i, (int)elements[i].Length);
        Assert.Equal(CKR.CKR_OK, GetAttributes(session, key, t2));
        foreach (var element in t2.Nested(0))
        {
            var want = NativeTemplate.Encode(expected.Single(e => e.Type == element.Type).Value!);
            Assert.Equal(want, NativeTemplate.ReadNestedValue(element));
        }
    }
}
