using System.Security.Cryptography;
using System.Text;
using Net.Pkcs11Interop.Common;
using Softoken.NativeTests.Infrastructure;

namespace Softoken.NativeTests.Objects;

/// <summary>Issue 3, item 1: C_GetAttributeValue exactly as PKCS #11 v3.0 section 5.7.5 defines it. Every attribute of
/// the template is processed; each one that cannot be returned gets CK_UNAVAILABLE_INFORMATION; the call answers
/// CKR_ATTRIBUTE_SENSITIVE, CKR_ATTRIBUTE_TYPE_INVALID or CKR_BUFFER_TOO_SMALL; NULL pValues ask for lengths.</summary>
public sealed class GetAttributeValueTests(ModuleFixture fixture) : ObjectTest(fixture)
{
    private static readonly CKR[] NotTrueErrors = [CKR.CKR_ATTRIBUTE_SENSITIVE, CKR.CKR_ATTRIBUTE_TYPE_INVALID, CKR.CKR_BUFFER_TOO_SMALL];

    [Fact]
    public void EveryAttributeIsProcessedAndEachUnreadableOneIsMarkedUnavailable()
    {
        var session = UserSession();
        var key = Create(session, [.. TestKeys.PrivateKey(CKK.CKK_RSA), Label("rsa"), Attr.Of(CKA.CKA_ID, new byte[] { 1, 2, 3 })]);
        using var t = new NativeTemplate(
            Attr.Buffer(CKA.CKA_LABEL, 64),
            Attr.Buffer(CKA.CKA_PRIVATE_EXPONENT, 512),
            Attr.Buffer(CKA.CKA_MODULUS, 512),
            Attr.Buffer(Ck.UnknownAttribute, 16),
            Attr.Buffer(CKA.CKA_ID, 2),
            Attr.Buffer(CKA.CKA_KEY_TYPE, 8),
            Attr.Buffer(CKA.CKA_PRIME_1, 512),
            Attr.Buffer(CKA.CKA_SENSITIVE, 1),
            Attr.Buffer(CKA.CKA_VALUE_LEN, 8));
        var rv = GetAttributes(session, key, t);

        Assert.Contains(rv, NotTrueErrors);
        Assert.Equal("rsa", Encoding.UTF8.GetString(t.Bytes(0)));
        Assert.True(t.Unavailable(1), "CKA_PRIVATE_EXPONENT of a sensitive key");
        Assert.Equal(TestKeys.Rsa.Modulus, t.Bytes(2));
        Assert.True(t.Unavailable(3), "an attribute no object has");
        Assert.True(t.Unavailable(4), "CKA_ID into a 2-byte buffer");
        Assert.Equal((ulong)CKK.CKK_RSA, t.Ulong(5));
        Assert.True(t.Unavailable(6), "CKA_PRIME_1 of a sensitive key");
        Assert.True(t.Bool(7));
        Assert.True(t.Unavailable(8), "CKA_VALUE_LEN is not an attribute of an RSA key");
    }

    [Fact]
    public void SensitiveAttributesAloneGiveAttributeSensitive()
    {
        var session = UserSession();
        var key = Create(session, TestKeys.PrivateKey(CKK.CKK_RSA));
        using var t = new NativeTemplate(Attr.Buffer(CKA.CKA_PRIVATE_EXPONENT, 512), Attr.Buffer(CKA.CKA_MODULUS, 512));
        Assert.Equal(CKR.CKR_ATTRIBUTE_SENSITIVE, GetAttributes(session, key, t));
        Assert.True(t.Unavailable(0));
        Assert.Equal(TestKeys.Rsa.Modulus, t.Bytes(1));
        // The buffer the module refused to fill keeps the caller's bytes.
        Assert.All(ReadRaw(t, 0, 16), b => Assert.Equal(NativeBuffer.Canary, b));
    }

    [Fact]
    public void UnknownAttributesAloneGiveAttributeTypeInvalid()
    {
        var session = UserSession();
        var data = Create(session, Data("data"));
        using var t = new NativeTemplate(Attr.Buffer(CKA.CKA_MODULUS, 64), Attr.Buffer(CKA.CKA_LABEL, 64),
            Attr.Query(Ck.UnknownAttribute), Attr.Buffer(CKA.CKA_SENSITIVE, 1));
        Assert.Equal(CKR.CKR_ATTRIBUTE_TYPE_INVALID, GetAttributes(session, data, t));
        Assert.True(t.Unavailable(0));
        Assert.Equal("data", Encoding.UTF8.GetString(t.Bytes(1)));
        Assert.True(t.Unavailable(2));
        Assert.True(t.Unavailable(3));
    }

    [Fact]
    public void ShortBuffersAloneGiveBufferTooSmallAndTheOthersAreStillReturned()
    {
        var session = UserSession();
        var data = Create(session, Data("a label of 24 characters", value: new byte[100]));
        using var t = new NativeTemplate(Attr.Buffer(CKA.CKA_LABEL, 23), Attr.Buffer(CKA.CKA_VALUE, 100),
            Attr.Buffer(CKA.CKA_CLASS, 4), Attr.Buffer(CKA.CKA_TOKEN, 1));
        Assert.Equal(CKR.CKR_BUFFER_TOO_SMALL, GetAttributes(session, data, t));
        Assert.True(t.Unavailable(0));
        Assert.Equal(new byte[100], t.Bytes(1));
        Assert.True(t.Unavailable(2), "a CK_ULONG needs 8 bytes");
        Assert.False(t.Bool(3));
    }

    [Fact]
    public void BufferOfExactlyTheLengthAndLargerBuffersSucceedWithTheTrueLength()
    {
        var session = UserSession();
        var data = Create(session, Data("exact"));
        using var t = new NativeTemplate(Attr.Buffer(CKA.CKA_LABEL, 5), Attr.Buffer(CKA.CKA_APPLICATION, 40),
            Attr.Buffer(CKA.CKA_CLASS, 64));
        Assert.Equal(CKR.CKR_OK, GetAttributes(session, data, t));
        Assert.Equal("exact", Encoding.UTF8.GetString(t.Bytes(0)));
        Assert.Equal(0UL, t.Length(1));
        Assert.Equal(8UL, t.Length(2));
        Assert.Equal((ulong)CKO.CKO_DATA, t.Ulong(2));
    }

    [Fact]
    public void NullValuesAskForEveryLengthAtOnce()
    {
        var session = UserSession();
        var key = Create(session, [.. TestKeys.PrivateKey(CKK.CKK_RSA), Label("length query")]);
        using var t = new NativeTemplate(Attr.Query(CKA.CKA_LABEL), Attr.Query(CKA.CKA_MODULUS), Attr.Query(CKA.CKA_CLASS),
            Attr.Query(CKA.CKA_SIGN), Attr.Query(CKA.CKA_PRIVATE_EXPONENT), Attr.Query(CKA.CKA_START_DATE),
            Attr.Query(Ck.UnknownAttribute));
        Assert.Contains(GetAttributes(session, key, t), new[] { CKR.CKR_ATTRIBUTE_SENSITIVE, CKR.CKR_ATTRIBUTE_TYPE_INVALID });
        Assert.Equal(12UL, t.Length(0));
        Assert.Equal((ulong)TestKeys.Rsa.Modulus!.Length, t.Length(1));
        Assert.Equal(8UL, t.Length(2));
        Assert.Equal(1UL, t.Length(3));
        Assert.True(t.Unavailable(4));
        Assert.Equal(0UL, t.Length(5));
        Assert.True(t.Unavailable(6));
    }

    [Fact]
    public void LengthQueryOfReadableAttributesIsOk()
    {
        var session = UserSession();
        var data = Create(session, Data("q"));
        using var t = new NativeTemplate(Attr.Query(CKA.CKA_LABEL), Attr.Query(CKA.CKA_VALUE));
        Assert.Equal(CKR.CKR_OK, GetAttributes(session, data, t));
        Assert.Equal(1UL, t.Length(0));
        Assert.Equal((ulong)"value of q".Length, t.Length(1));
    }

    [Fact]
    public void EmptyTemplateIsOk()
    {
        var session = UserSession();
        var data = Create(session, Data("empty"));
        using var t = new NativeTemplate();
        Assert.Equal(CKR.CKR_OK, GetAttributes(session, data, t));
    }

    public static TheoryData<ulong> PrivateKeyTypes => new()
    {
        (ulong)CKK.CKK_RSA, (ulong)CKK.CKK_DSA, (ulong)CKK.CKK_DH, (ulong)CKK.CKK_EC, Ck.CKK_EC_EDWARDS, Ck.CKK_EC_MONTGOMERY,
    };

    [Theory]
    [MemberData(nameof(PrivateKeyTypes))]
    public void SecretComponentsOfSensitivePrivateKeysAreNeverReturned(ulong keyType)
    {
        var session = UserSession();
        foreach (var token in new[] { false, true })
        {
            var key = Create(session, [.. TestKeys.PrivateKey(keyType), Token(token)]);
            foreach (var (type, _) in TestKeys.PrivateSecrets(keyType))
            {
                using var t = new NativeTemplate(Attr.Buffer(type, 1024));
                Assert.Equal(CKR.CKR_ATTRIBUTE_SENSITIVE, GetAttributes(session, key, t));
                Assert.True(t.Unavailable(0));
                Assert.All(ReadRaw(t, 0, 1024), b => Assert.Equal(NativeBuffer.Canary, b));
            }
        }
    }

    [Theory]
    [MemberData(nameof(PrivateKeyTypes))]
    public void SecretComponentsOfNonExtractableKeysAreNeverReturnedEvenWhenNotSensitive(ulong keyType)
    {
        var session = UserSession();
        var key = Create(session, [.. TestKeys.PrivateKey(keyType), Token(), Attr.Of(CKA.CKA_SENSITIVE, false),
            Attr.Of(CKA.CKA_EXTRACTABLE, false)]);
        foreach (var (type, _) in TestKeys.PrivateSecrets(keyType))
            Assert.Equal(CKR.CKR_ATTRIBUTE_SENSITIVE, GetRv(session, key, type));
    }

    [Theory]
    [MemberData(nameof(PrivateKeyTypes))]
    public void SecretComponentsOfNonSensitiveExtractableKeysAreReturned(ulong keyType)
    {
        var session = UserSession();
        var key = Create(session, [.. TestKeys.PrivateKey(keyType), Token(), Attr.Of(CKA.CKA_SENSITIVE, false),
            Attr.Of(CKA.CKA_EXTRACTABLE, true)]);
        foreach (var (type, value) in TestKeys.PrivateSecrets(keyType)) Assert.Equal(value, Get(session, key, type));
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(true, false)]
    [InlineData(false, false)]
    public void SecretKeyValueIsReturnedOnlyWhenNotSensitiveAndExtractable(bool sensitive, bool extractable)
    {
        var session = UserSession();
        var value = RandomNumberGenerator.GetBytes(32);
        var key = Create(session, [.. TestKeys.Aes(value), Attr.Of(CKA.CKA_SENSITIVE, sensitive),
            Attr.Of(CKA.CKA_EXTRACTABLE, extractable)]);
        Assert.Equal(CKR.CKR_ATTRIBUTE_SENSITIVE, GetRv(session, key, CKA.CKA_VALUE));
        Assert.Equal(32UL, GetUlong(session, key, CKA.CKA_VALUE_LEN));

        var open = Create(session, [.. TestKeys.Aes(value), Attr.Of(CKA.CKA_SENSITIVE, false), Attr.Of(CKA.CKA_EXTRACTABLE, true)]);
        Assert.Equal(value, Get(session, open, CKA.CKA_VALUE));
    }

    [Fact]
    public void ValuesOfEveryWidthComeBackInTheCallersLayout()
    {
        var session = UserSession();
        var key = Create(session, [.. TestKeys.Aes(), Attr.Of(CKA.CKA_START_DATE, "20240131"), Label("widths"),
            Attr.Of(CKA.CKA_ALLOWED_MECHANISMS, new[] { CKM.CKM_AES_CBC, CKM.CKM_AES_GCM })]);
        using var t = new NativeTemplate(Attr.Buffer(CKA.CKA_CLASS, 8), Attr.Buffer(CKA.CKA_ENCRYPT, 1),
            Attr.Buffer(CKA.CKA_START_DATE, 8), Attr.Buffer(CKA.CKA_ALLOWED_MECHANISMS, 16), Attr.Buffer(CKA.CKA_VALUE_LEN, 8));
        Assert.Equal(CKR.CKR_OK, GetAttributes(session, key, t));
        Assert.Equal((ulong)CKO.CKO_SECRET_KEY, t.Ulong(0));
        Assert.True(t.Bool(1));
        Assert.Equal("20240131", Encoding.ASCII.GetString(t.Bytes(2)));
        Assert.Equal(NativeTemplate.Ulong((ulong)CKM.CKM_AES_CBC).Concat(NativeTemplate.Ulong((ulong)CKM.CKM_AES_GCM)), t.Bytes(3));
        Assert.Equal(32UL, t.Ulong(4));
    }

    [Fact]
    public void InvalidHandlesAreObjectHandleInvalid()
    {
        var session = UserSession();
        var data = Create(session, Data("gone"));
        Assert.Equal(CKR.CKR_OK, Destroy(session, data));
        foreach (var handle in new[] { 0UL, data, 0xDEADBEEFUL, ulong.MaxValue })
        {
            using var t = new NativeTemplate(Attr.Query(CKA.CKA_LABEL));
            Assert.Equal(CKR.CKR_OBJECT_HANDLE_INVALID, GetAttributes(session, handle, t));
        }
    }

    [Fact]
    public void ObjectSizeIsReportedForReadableAndUnreadableObjects()
    {
        var session = UserSession();
        var small = Create(session, Data("s", value: new byte[10]));
        var large = Create(session, Data("l", value: new byte[5000]));
        var key = Create(session, TestKeys.PrivateKey(CKK.CKK_RSA));
        ulong smallSize = 0, largeSize = 0, keySize = 0;
        Expect.Ok(LowLevel.C_GetObjectSize(session, small, ref smallSize));
        Expect.Ok(LowLevel.C_GetObjectSize(session, large, ref largeSize));
        Expect.Ok(LowLevel.C_GetObjectSize(session, key, ref keySize));
        Assert.True(largeSize >= smallSize + 4990, $"{smallSize} / {largeSize}");
        Assert.True(keySize > 0);
        ulong size = 0;
        Assert.Equal(CKR.CKR_OBJECT_HANDLE_INVALID, LowLevel.C_GetObjectSize(session, 0xDEADBEEF, ref size));
    }

    private static byte[] ReadRaw(NativeTemplate t, int index, int length)
    {
        var bytes = new byte[length];
        System.Runtime.InteropServices.Marshal.Copy(t.Items[index].value, bytes, 0, length);
        return bytes;
    }
}
