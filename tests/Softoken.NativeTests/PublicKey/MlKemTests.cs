using System.Runtime.InteropServices;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using Softoken.NativeTests.Infrastructure;

namespace Softoken.NativeTests.PublicKey;

/// <summary>ML-KEM through the published module as a PKCS #11 3.2 client uses it: the "PKCS 11" 3.2 function list
/// from C_GetInterface, and C_EncapsulateKey / C_DecapsulateKey called through its entries (Pkcs11Interop knows
/// neither). Keys are made with Pkcs11Interop, whose attribute factory takes the v3.2 attribute numbers.</summary>
public sealed class MlKemTests(ModuleFixture fixture) : PublicKeyTest(fixture)
{
    private const CKA CKA_PARAMETER_SET = (CKA)0x61D;
    private const CKA CKA_ENCAPSULATE = (CKA)0x633;
    private const CKA CKA_DECAPSULATE = (CKA)0x634;
    private const CKA CKA_SEED = (CKA)0x637;
    private const CKK CKK_ML_KEM = (CKK)0x49;
    private const CKM CKM_ML_KEM_KEY_PAIR_GEN = (CKM)0xF;
    private const CKM CKM_ML_KEM = (CKM)0x17;
    private const ulong CKP_ML_KEM_512 = 1, CKP_ML_KEM_768 = 2, CKP_ML_KEM_1024 = 3;
    private const ulong Untouched = 0xDEADBEEF;

    // NSS's vendor values (lib/util/pkcs11n.h): CKM_NSS + 48 / + 49, CKK_NSS + 6, CKA_NSS + 40, CKP_NSS + 2.
    private const CKM CKM_NSS_ML_KEM_KEY_PAIR_GEN = (CKM)0xCE534380;
    private const CKM CKM_NSS_ML_KEM = (CKM)0xCE534381;
    private const CKK CKK_NSS_ML_KEM = (CKK)0xCE534356;
    private const CKA CKA_NSS_PARAMETER_SET = (CKA)0xCE534378;
    private const ulong CKP_NSS_ML_KEM_768 = 0xCE534352;

    /// <summary>CK_FUNCTION_LIST_3_2 entries: 1 + the index of the function in the 3.2 list.</summary>
    private static IntPtr Function32(string name)
    {
        using var nameBuffer = NativeBuffer.Utf8("PKCS 11");
        using var version = NativeBuffer.Of([3, 2]);
        using var result = new NativeBuffer(8);
        Assert.Equal(CKR.CKR_OK, Raw.Call("C_GetInterface", nameBuffer.Address, version.Address, result.Address, 0));
        var list = Marshal.ReadIntPtr(result.ReadPointer(), 8);
        Assert.Equal(3, Marshal.ReadByte(list));
        Assert.Equal(2, Marshal.ReadByte(list, 1));
        int index = Array.FindIndex(Pkcs11Functions.All, f => f.Name == name);
        return Marshal.ReadIntPtr(list, IntPtr.Size * (index + 1));
    }

    private static readonly Lazy<IntPtr> EncapsulateKey = new(() => Function32("C_EncapsulateKey"));
    private static readonly Lazy<IntPtr> DecapsulateKey = new(() => Function32("C_DecapsulateKey"));

    /// <summary>A CK_MECHANISM without parameter, in native memory.</summary>
    private static NativeBuffer Mechanism(CKM type)
    {
        var buffer = new NativeBuffer(24);
        buffer.WriteUlong(0, (ulong)type);
        return buffer;
    }

    /// <summary>A CK_ATTRIBUTE array in native memory (the values stay owned by <paramref name="template"/>).</summary>
    private static NativeBuffer AttributeArray(NativeTemplate template)
    {
        var buffer = new NativeBuffer(Math.Max(1, template.Items.Length) * NativeTemplate.AttributeSize);
        for (int i = 0; i < template.Items.Length; i++)
        {
            buffer.WriteUlong(i * 24, template.Items[i].type);
            buffer.WriteUlong(i * 24 + 8, (ulong)template.Items[i].value);
            buffer.WriteUlong(i * 24 + 16, template.Items[i].valueLen);
        }
        return buffer;
    }

    /// <summary>The template of the shared-secret key: an extractable, readable generic secret unless told otherwise.</summary>
    private static NativeTemplate SecretTemplate(params Attr[] extra)
    {
        var attributes = new List<Attr>
        {
            Attr.Of(CKA.CKA_CLASS, (ulong)CKO.CKO_SECRET_KEY), Attr.Of(CKA.CKA_KEY_TYPE, (ulong)CKK.CKK_GENERIC_SECRET),
            Attr.Of(CKA.CKA_SENSITIVE, false), Attr.Of(CKA.CKA_EXTRACTABLE, true), Attr.Of(CKA.CKA_TOKEN, false),
        };
        foreach (var a in extra)
        {
            attributes.RemoveAll(x => x.Type == a.Type);
            attributes.Add(a);
        }
        return new NativeTemplate([.. attributes]);
    }

    private (IObjectHandle Public, IObjectHandle Private) MlKem(ISession session, ulong parameterSet, bool token = false,
        bool extractable = false, string label = "")
    {
        var pub = new List<IObjectAttribute> { A(CKA.CKA_TOKEN, token), A(CKA_PARAMETER_SET, parameterSet), A(CKA.CKA_LABEL, label) };
        var priv = new List<IObjectAttribute>
        {
            A(CKA.CKA_TOKEN, token), A(CKA.CKA_PRIVATE, true), A(CKA.CKA_SENSITIVE, !extractable), A(CKA.CKA_EXTRACTABLE, extractable),
            A(CKA.CKA_LABEL, label),
        };
        session.GenerateKeyPair(Mech(CKM_ML_KEM_KEY_PAIR_GEN), pub, priv, out var publicKey, out var privateKey);
        return (publicKey, privateKey);
    }

    /// <summary>C_EncapsulateKey through the 3.2 list: its CK_RV, the ciphertext length it reported, the ciphertext and
    /// the new key's handle (<see cref="Untouched"/> when it wrote none).</summary>
    private static (CKR Rv, ulong Length, byte[] Ciphertext, ulong Key) Encapsulate(ISession session, ulong hPublicKey,
        NativeTemplate template, int? room, CKM mechanism = CKM_ML_KEM)
    {
        using var m = Mechanism(mechanism);
        using var attributes = AttributeArray(template);
        using var ciphertext = room is { } r ? new NativeBuffer(Math.Max(r, 1), NativeBuffer.Canary) : null;
        using var length = NativeBuffer.Ulong((ulong)(room ?? 0));
        using var key = NativeBuffer.Ulong(Untouched);
        var rv = RawModule.CallPointer(EncapsulateKey.Value, (nuint)session.SessionId, m.Address, (nuint)hPublicKey, attributes.Address,
            (nuint)template.Count, ciphertext?.Address ?? 0, length.Address, key.Address);
        var written = ciphertext is null ? [] : ciphertext.Read(0, (int)Math.Min(length.ReadUlong(), (ulong)ciphertext.Size));
        return (rv, length.ReadUlong(), written, key.ReadUlong());
    }

    private static (CKR Rv, ulong Key) Decapsulate(ISession session, ulong hPrivateKey, byte[]? ciphertext, NativeTemplate template,
        CKM mechanism = CKM_ML_KEM)
    {
        using var m = Mechanism(mechanism);
        using var attributes = AttributeArray(template);
        using var c = ciphertext is null ? null : NativeBuffer.Of(ciphertext);
        using var key = NativeBuffer.Ulong(Untouched);
        var rv = RawModule.CallPointer(DecapsulateKey.Value, (nuint)session.SessionId, m.Address, (nuint)hPrivateKey, attributes.Address,
            (nuint)template.Count, c?.Address ?? 0, (nuint)(ciphertext?.Length ?? 0), key.Address);
        return (rv, key.ReadUlong());
    }

    private IObjectHandle Handle(ulong id) => Factories.ObjectHandleFactory.Create(id);

    [Theory]
    [InlineData(CryptoSlotId, CKP_ML_KEM_512, 768)]
    [InlineData(CryptoSlotId, CKP_ML_KEM_768, 1088)]
    [InlineData(KeyStorageSlotId, CKP_ML_KEM_1024, 1568)]
    public void EncapsulatedAndDecapsulatedSecretsAreEqual(ulong slot, ulong parameterSet, int ciphertextLength)
    {
        var session = Session(slot);
        var (pub, priv) = MlKem(session, parameterSet);
        Assert.Equal((ulong)CKK_ML_KEM, Ulong(session, pub, CKA.CKA_KEY_TYPE));
        Assert.Equal(parameterSet, Ulong(session, priv, CKA_PARAMETER_SET));
        Assert.True(Bool(session, pub, CKA_ENCAPSULATE));
        Assert.True(Bool(session, priv, CKA_DECAPSULATE));
        Assert.True(Unreadable(session, priv, CKA.CKA_VALUE));
        Assert.True(Unreadable(session, priv, CKA_SEED));
        // CKA_PUBLIC_KEY_INFO of both halves: a SubjectPublicKeyInfo whose BIT STRING is the encapsulation key.
        var ek = Bytes(session, pub, CKA.CKA_VALUE);
        Assert.True(Bytes(session, pub, CKA.CKA_PUBLIC_KEY_INFO).AsSpan().EndsWith(ek));
        Assert.Equal(Bytes(session, pub, CKA.CKA_PUBLIC_KEY_INFO), Bytes(session, priv, CKA.CKA_PUBLIC_KEY_INFO));

        using var template = SecretTemplate();
        var (rv, length, ciphertext, sender) = Encapsulate(session, pub.ObjectId, template, ciphertextLength);
        Assert.Equal(CKR.CKR_OK, rv);
        Assert.Equal((ulong)ciphertextLength, length);
        var (drv, receiver) = Decapsulate(session, priv.ObjectId, ciphertext, template);
        Assert.Equal(CKR.CKR_OK, drv);
        var secret = Bytes(session, Handle(sender), CKA.CKA_VALUE);
        Assert.Equal(32, secret.Length);
        Assert.Equal(secret, Bytes(session, Handle(receiver), CKA.CKA_VALUE));
        Assert.Equal((ulong)CKO.CKO_SECRET_KEY, Ulong(session, Handle(receiver), CKA.CKA_CLASS));
        Assert.False(Bool(session, Handle(receiver), CKA.CKA_LOCAL));

        // A changed ciphertext decapsulates (implicit rejection) to another secret.
        ciphertext[0] ^= 0x80;
        var (rrv, rejected) = Decapsulate(session, priv.ObjectId, ciphertext, template);
        Assert.Equal(CKR.CKR_OK, rrv);
        Assert.NotEqual(secret, Bytes(session, Handle(rejected), CKA.CKA_VALUE));
    }

    /// <summary>Sensitive AES keys from both sides, compared by what they encrypt.</summary>
    [Fact]
    public void SensitiveAesKeysFromBothSidesEncryptAlike()
    {
        var session = Session();
        var (pub, priv) = MlKem(session, CKP_ML_KEM_768);
        using var template = SecretTemplate(Attr.Of(CKA.CKA_KEY_TYPE, (ulong)CKK.CKK_AES), Attr.Of(CKA.CKA_SENSITIVE, true),
            Attr.Of(CKA.CKA_EXTRACTABLE, false), Attr.Of(CKA.CKA_ENCRYPT, true), Attr.Of(CKA.CKA_VALUE_LEN, 16UL));
        var (rv, _, ciphertext, sender) = Encapsulate(session, pub.ObjectId, template, 2000);
        Assert.Equal(CKR.CKR_OK, rv);
        var (drv, receiver) = Decapsulate(session, priv.ObjectId, ciphertext, template);
        Assert.Equal(CKR.CKR_OK, drv);
        Assert.True(Unreadable(session, Handle(sender), CKA.CKA_VALUE));
        Assert.Equal(16UL, Ulong(session, Handle(receiver), CKA.CKA_VALUE_LEN));
        var block = new byte[16];
        var a = session.Encrypt(Mech(CKM.CKM_AES_ECB), Handle(sender), block);
        var b = session.Encrypt(Mech(CKM.CKM_AES_ECB), Handle(receiver), block);
        Assert.Equal(a, b);
        Assert.NotEqual(block, a);
    }

    [Fact]
    public void CiphertextLengthFollowsTheOutputBufferConventionAndMakesNoKey()
    {
        var session = Session();
        var (pub, _) = MlKem(session, CKP_ML_KEM_768);
        int before = session.FindAllObjects([]).Count;
        using var template = SecretTemplate();
        var query = Encapsulate(session, pub.ObjectId, template, room: null);
        Assert.Equal((CKR.CKR_OK, 1088UL, Untouched), (query.Rv, query.Length, query.Key));
        var tooSmall = Encapsulate(session, pub.ObjectId, template, room: 1087);
        Assert.Equal((CKR.CKR_BUFFER_TOO_SMALL, 1088UL, Untouched), (tooSmall.Rv, tooSmall.Length, tooSmall.Key));
        Assert.All(tooSmall.Ciphertext, b => Assert.Equal(NativeBuffer.Canary, b));
        Assert.Equal(before, session.FindAllObjects([]).Count);
        var exact = Encapsulate(session, pub.ObjectId, template, room: 1088);
        Assert.Equal(CKR.CKR_OK, exact.Rv);
        Assert.NotEqual(Untouched, exact.Key);
        Assert.Equal(before + 1, session.FindAllObjects([]).Count);
    }

    [Fact]
    public void BadInputsGetTheirReturnValues()
    {
        var session = Session();
        var (pub, priv) = MlKem(session, CKP_ML_KEM_512);
        var (ecPublic, ecPrivate) = Ec(session);
        using var template = SecretTemplate();
        var (_, _, ciphertext, _) = Encapsulate(session, pub.ObjectId, template, 768);

        Assert.Equal(CKR.CKR_ENCRYPTED_DATA_LEN_RANGE, Decapsulate(session, priv.ObjectId, ciphertext[..767], template).Rv);
        Assert.Equal(CKR.CKR_ENCRYPTED_DATA_LEN_RANGE, Decapsulate(session, priv.ObjectId, [.. ciphertext, 0], template).Rv);
        Assert.Equal(CKR.CKR_KEY_TYPE_INCONSISTENT, Encapsulate(session, ecPublic.ObjectId, template, 768).Rv);
        Assert.Equal(CKR.CKR_KEY_TYPE_INCONSISTENT, Encapsulate(session, priv.ObjectId, template, 768).Rv);
        Assert.Equal(CKR.CKR_KEY_TYPE_INCONSISTENT, Decapsulate(session, ecPrivate.ObjectId, ciphertext, template).Rv);
        Assert.Equal(CKR.CKR_KEY_TYPE_INCONSISTENT, Decapsulate(session, pub.ObjectId, ciphertext, template).Rv);
        Assert.Equal(CKR.CKR_KEY_HANDLE_INVALID, Encapsulate(session, 0xFFFF, template, 768).Rv);
        Assert.Equal(CKR.CKR_MECHANISM_INVALID, Encapsulate(session, pub.ObjectId, template, 768, CKM.CKM_RSA_PKCS).Rv);
        Assert.Equal(CKR.CKR_MECHANISM_INVALID, Decapsulate(session, priv.ObjectId, ciphertext, template, CKM_ML_KEM_KEY_PAIR_GEN).Rv);
        using (var dataTemplate = SecretTemplate(Attr.Of(CKA.CKA_CLASS, (ulong)CKO.CKO_DATA)))
            Assert.Equal(CKR.CKR_TEMPLATE_INCONSISTENT, Decapsulate(session, priv.ObjectId, ciphertext, dataTemplate).Rv);
        using (var tooLong = SecretTemplate(Attr.Of(CKA.CKA_VALUE_LEN, 33UL)))
            Assert.Equal(CKR.CKR_TEMPLATE_INCONSISTENT, Decapsulate(session, priv.ObjectId, ciphertext, tooLong).Rv);

        // NULL pointers.
        using var m = Mechanism(CKM_ML_KEM);
        using var attributes = AttributeArray(template);
        using var length = NativeBuffer.Ulong(768);
        using var buffer = new NativeBuffer(768);
        using var key = NativeBuffer.Ulong(0);
        using var c = NativeBuffer.Of(ciphertext);
        nuint s = (nuint)session.SessionId, n = (nuint)template.Count;
        Assert.Equal(CKR.CKR_ARGUMENTS_BAD, RawModule.CallPointer(EncapsulateKey.Value, s, 0, (nuint)pub.ObjectId, attributes.Address, n, buffer.Address, length.Address, key.Address));
        Assert.Equal(CKR.CKR_ARGUMENTS_BAD, RawModule.CallPointer(EncapsulateKey.Value, s, m.Address, (nuint)pub.ObjectId, attributes.Address, n, buffer.Address, 0, key.Address));
        Assert.Equal(CKR.CKR_ARGUMENTS_BAD, RawModule.CallPointer(EncapsulateKey.Value, s, m.Address, (nuint)pub.ObjectId, attributes.Address, n, buffer.Address, length.Address, 0));
        Assert.Equal(CKR.CKR_ARGUMENTS_BAD, RawModule.CallPointer(EncapsulateKey.Value, s, m.Address, (nuint)pub.ObjectId, 0, n, buffer.Address, length.Address, key.Address));
        Assert.Equal(CKR.CKR_ARGUMENTS_BAD, RawModule.CallPointer(DecapsulateKey.Value, s, m.Address, (nuint)priv.ObjectId, attributes.Address, n, 0, 768, key.Address));
        Assert.Equal(CKR.CKR_ARGUMENTS_BAD, RawModule.CallPointer(DecapsulateKey.Value, s, m.Address, (nuint)priv.ObjectId, attributes.Address, n, c.Address, 768, 0));
        Assert.Equal(CKR.CKR_SESSION_HANDLE_INVALID, RawModule.CallPointer(DecapsulateKey.Value, 0, m.Address, (nuint)priv.ObjectId, attributes.Address, n, c.Address, 768, key.Address));
    }

    [Fact]
    public void KeysWithoutTheUsageAttributeAreRefused()
    {
        var session = Session();
        var pub = new List<IObjectAttribute> { A(CKA.CKA_TOKEN, false), A(CKA_PARAMETER_SET, CKP_ML_KEM_512), A(CKA_ENCAPSULATE, false) };
        var priv = new List<IObjectAttribute> { A(CKA.CKA_TOKEN, false), A(CKA_DECAPSULATE, false) };
        session.GenerateKeyPair(Mech(CKM_ML_KEM_KEY_PAIR_GEN), pub, priv, out var publicKey, out var privateKey);
        using var template = SecretTemplate();
        Assert.Equal(CKR.CKR_KEY_FUNCTION_NOT_PERMITTED, Encapsulate(session, publicKey.ObjectId, template, 768).Rv);
        Assert.Equal(CKR.CKR_KEY_FUNCTION_NOT_PERMITTED, Decapsulate(session, privateKey.ObjectId, new byte[768], template).Rv);
    }

    /// <summary>A private key imported with C_CreateObject from its seed alone decapsulates what the generated public
    /// key encapsulated; a seed that does not make the given value is refused.</summary>
    [Fact]
    public void ImportedSeedDecapsulatesWhatTheGeneratedPublicKeyEncapsulated()
    {
        var session = Session();
        var (pub, priv) = MlKem(session, CKP_ML_KEM_512, extractable: true);
        var seed = Bytes(session, priv, CKA_SEED);
        var value = Bytes(session, priv, CKA.CKA_VALUE);
        Assert.Equal(64, seed.Length);
        Assert.Equal(1632, value.Length);
        var imported = session.CreateObject([
            A(CKA.CKA_CLASS, CKO.CKO_PRIVATE_KEY), A(CKA.CKA_KEY_TYPE, CKK_ML_KEM), A(CKA_PARAMETER_SET, CKP_ML_KEM_512),
            A(CKA_SEED, seed), A(CKA.CKA_TOKEN, false),
        ]);
        using var template = SecretTemplate();
        var (_, _, ciphertext, sender) = Encapsulate(session, pub.ObjectId, template, 768);
        var (rv, receiver) = Decapsulate(session, imported.ObjectId, ciphertext, template);
        Assert.Equal(CKR.CKR_OK, rv);
        Assert.Equal(Bytes(session, Handle(sender), CKA.CKA_VALUE), Bytes(session, Handle(receiver), CKA.CKA_VALUE));

        var otherSeed = (byte[])seed.Clone();
        otherSeed[0] ^= 1;
        var e = Assert.Throws<Pkcs11Exception>(() => session.CreateObject([
            A(CKA.CKA_CLASS, CKO.CKO_PRIVATE_KEY), A(CKA.CKA_KEY_TYPE, CKK_ML_KEM), A(CKA_PARAMETER_SET, CKP_ML_KEM_512),
            A(CKA_SEED, otherSeed), A(CKA.CKA_VALUE, value), A(CKA.CKA_TOKEN, false),
        ]));
        Assert.Equal(CKR.CKR_ATTRIBUTE_VALUE_INVALID, e.RV);
        var wrongLength = Assert.Throws<Pkcs11Exception>(() => session.CreateObject([
            A(CKA.CKA_CLASS, CKO.CKO_PUBLIC_KEY), A(CKA.CKA_KEY_TYPE, CKK_ML_KEM), A(CKA_PARAMETER_SET, CKP_ML_KEM_768),
            A(CKA.CKA_VALUE, Bytes(session, pub, CKA.CKA_VALUE)), A(CKA.CKA_TOKEN, false),
        ]));
        Assert.Equal(CKR.CKR_ATTRIBUTE_VALUE_INVALID, wrongLength.RV);
    }

    /// <summary>Token keys on slot 2 survive C_Finalize, with the decapsulation key and the seed sealed in the
    /// database.</summary>
    [Fact]
    public void TokenKeysPersistOnTheKeyStorageSlotWithSealedSecrets()
    {
        var session = Session(KeyStorageSlotId);
        var (pub, priv) = MlKem(session, CKP_ML_KEM_768, token: true, extractable: true, label: "kem");
        var seed = Bytes(session, priv, CKA_SEED);
        using var template = SecretTemplate();
        var (_, _, ciphertext, sender) = Encapsulate(session, pub.ObjectId, template, 1088);
        var secret = Bytes(session, Handle(sender), CKA.CKA_VALUE);
        Shutdown();

        using (var db = new TokenDatabase(DatabaseFile))
        {
            var rows = db.Attributes();
            Assert.All(rows.Where(r => r.Type is (ulong)CKA_SEED), r => Assert.True(r.Sealed));
            Assert.Single(rows, r => r.Type == (ulong)CKA_SEED);
            Assert.DoesNotContain(rows, r => r.Value.AsSpan().IndexOf(seed) >= 0);
            Assert.Equal(2, rows.Count(r => r.Type == (ulong)CKA_PARAMETER_SET));
        }

        Initialize();
        session = OpenSession(KeyStorageSlotId, readWrite: true);
        session.Login(CKU.CKU_USER, UserPin);
        var found = session.FindAllObjects([A(CKA.CKA_LABEL, "kem"), A(CKA.CKA_CLASS, CKO.CKO_PRIVATE_KEY)]);
        var (rv, receiver) = Decapsulate(session, Assert.Single(found).ObjectId, ciphertext, template);
        Assert.Equal(CKR.CKR_OK, rv);
        Assert.Equal(secret, Bytes(session, Handle(receiver), CKA.CKA_VALUE));
    }

    /// <summary>NSS's path: a CKK_NSS_ML_KEM pair from CKM_NSS_ML_KEM_KEY_PAIR_GEN with CKA_NSS_PARAMETER_SET, and
    /// CK_NSS_KEM_FUNCTIONS.C_Encapsulate / C_Decapsulate (their own argument order) from the "Vendor NSS KEM
    /// Interface"; the same keys work with the standard C_DecapsulateKey.</summary>
    [Fact]
    public void NssVendorKemInterfaceEncapsulatesAndDecapsulates()
    {
        using var nameBuffer = NativeBuffer.Utf8("Vendor NSS KEM Interface");
        using var result = new NativeBuffer(8);
        Assert.Equal(CKR.CKR_OK, Raw.Call("C_GetInterface", nameBuffer.Address, 0, result.Address, 0));
        var functions = Marshal.ReadIntPtr(result.ReadPointer(), 8);
        IntPtr encapsulate = Marshal.ReadIntPtr(functions, 8), decapsulate = Marshal.ReadIntPtr(functions, 16);

        var session = Session();
        session.GenerateKeyPair(Mech(CKM_NSS_ML_KEM_KEY_PAIR_GEN),
            [A(CKA.CKA_TOKEN, false), A(CKA.CKA_KEY_TYPE, CKK_NSS_ML_KEM), A(CKA_NSS_PARAMETER_SET, CKP_NSS_ML_KEM_768)],
            [A(CKA.CKA_TOKEN, false), A(CKA.CKA_KEY_TYPE, CKK_NSS_ML_KEM)], out var pub, out var priv);
        Assert.Equal((ulong)CKK_NSS_ML_KEM, Ulong(session, priv, CKA.CKA_KEY_TYPE));
        Assert.Equal(1184, Bytes(session, pub, CKA.CKA_VALUE).Length);

        using var template = SecretTemplate();
        using var attributes = AttributeArray(template);
        using var parameter = NativeBuffer.Ulong(CKP_NSS_ML_KEM_768);
        using var m = Mechanism(CKM_NSS_ML_KEM);
        m.WriteUlong(8, (ulong)parameter.Address);
        m.WriteUlong(16, 8);
        using var ciphertext = new NativeBuffer(1088);
        using var length = NativeBuffer.Ulong(1088);
        using var sender = NativeBuffer.Ulong(Untouched);
        nuint s = (nuint)session.SessionId;
        Assert.Equal(CKR.CKR_OK, RawModule.CallPointer(encapsulate, s, m.Address, (nuint)pub.ObjectId, attributes.Address,
            (nuint)template.Count, sender.Address, ciphertext.Address, length.Address));
        Assert.Equal(1088UL, length.ReadUlong());
        using var receiver = NativeBuffer.Ulong(Untouched);
        Assert.Equal(CKR.CKR_OK, RawModule.CallPointer(decapsulate, s, m.Address, (nuint)priv.ObjectId, ciphertext.Address, 1088,
            attributes.Address, (nuint)template.Count, receiver.Address));
        var secret = Bytes(session, Handle(sender.ReadUlong()), CKA.CKA_VALUE);
        Assert.Equal(secret, Bytes(session, Handle(receiver.ReadUlong()), CKA.CKA_VALUE));
        var (rv, standard) = Decapsulate(session, priv.ObjectId, ciphertext.Read(), template);
        Assert.Equal(CKR.CKR_OK, rv);
        Assert.Equal(secret, Bytes(session, Handle(standard), CKA.CKA_VALUE));

        // A parameter naming another parameter set than the key's is refused.
        parameter.WriteUlong(0, CKP_ML_KEM_512);
        Assert.Equal(CKR.CKR_MECHANISM_PARAM_INVALID, RawModule.CallPointer(decapsulate, s, m.Address, (nuint)priv.ObjectId,
            ciphertext.Address, 1088, attributes.Address, (nuint)template.Count, receiver.Address));
    }

    /// <summary>C_WrapKey gives the private key as PKCS #8 (BouncyCastle reads it as ML-KEM-768: OID
    /// 2.16.840.1.101.3.4.4.2) and C_UnwrapKey makes a sensitive key that decapsulates.</summary>
    [Fact]
    public void PrivateKeyWrapsAsPkcs8AndUnwrapsIntoAWorkingKey()
    {
        var session = Session();
        var kek = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var wrappingKey = session.CreateObject([
            A(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY), A(CKA.CKA_KEY_TYPE, CKK.CKK_AES), A(CKA.CKA_TOKEN, false), A(CKA.CKA_VALUE, kek),
            A(CKA.CKA_WRAP, true), A(CKA.CKA_UNWRAP, true), A(CKA.CKA_ENCRYPT, false), A(CKA.CKA_DECRYPT, false)]);
        var (pub, priv) = MlKem(session, CKP_ML_KEM_768, extractable: true);
        var wrapped = session.WrapKey(Mech(CKM.CKM_AES_KEY_WRAP_PAD), wrappingKey, priv);

        var engine = new Org.BouncyCastle.Crypto.Engines.AesWrapEngine();
        engine.Init(false, new Org.BouncyCastle.Crypto.Parameters.KeyParameter(kek));
        var padded = engine.Unwrap(wrapped, 0, wrapped.Length);
        var pkcs8 = padded[..^padded[^1]];
        var info = Org.BouncyCastle.Asn1.Pkcs.PrivateKeyInfo.GetInstance(pkcs8);
        Assert.Equal("2.16.840.1.101.3.4.4.2", info.PrivateKeyAlgorithm.Algorithm.Id);

        var unwrapped = session.UnwrapKey(Mech(CKM.CKM_AES_KEY_WRAP_PAD), wrappingKey, wrapped, [
            A(CKA.CKA_CLASS, CKO.CKO_PRIVATE_KEY), A(CKA.CKA_KEY_TYPE, CKK_ML_KEM), A(CKA.CKA_TOKEN, false), A(CKA.CKA_SENSITIVE, true)]);
        Assert.Equal(CKP_ML_KEM_768, Ulong(session, unwrapped, CKA_PARAMETER_SET));
        Assert.True(Unreadable(session, unwrapped, CKA.CKA_VALUE));
        using var template = SecretTemplate();
        var (_, _, ciphertext, sender) = Encapsulate(session, pub.ObjectId, template, 1088);
        var (rv, receiver) = Decapsulate(session, unwrapped.ObjectId, ciphertext, template);
        Assert.Equal(CKR.CKR_OK, rv);
        Assert.Equal(Bytes(session, Handle(sender), CKA.CKA_VALUE), Bytes(session, Handle(receiver), CKA.CKA_VALUE));
    }

    [Fact]
    public void MechanismsAreListedOnBothSlotsWithTheirFlags()
    {
        foreach (var slot in new[] { CryptoSlot, KeyStorageSlot })
        {
            var mechanisms = slot.GetMechanismList();
            Assert.Contains(CKM_ML_KEM, mechanisms);
            Assert.Contains(CKM_ML_KEM_KEY_PAIR_GEN, mechanisms);
            Assert.Contains(CKM_NSS_ML_KEM, mechanisms);
            Assert.Contains(CKM_NSS_ML_KEM_KEY_PAIR_GEN, mechanisms);
        }
        const ulong CKF_ENCAPSULATE = 0x10000000, CKF_DECAPSULATE = 0x20000000;
        Assert.Equal(CKF_ENCAPSULATE | CKF_DECAPSULATE, CryptoSlot.GetMechanismInfo(CKM_ML_KEM).MechanismFlags.Flags);
    }
}
