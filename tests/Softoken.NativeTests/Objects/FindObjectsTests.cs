using System.Security.Cryptography;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using Softoken.NativeTests.Infrastructure;

namespace Softoken.NativeTests.Objects;

/// <summary>Issue 3, items 4, 5 and 8: C_FindObjectsInit / C_FindObjects / C_FindObjectsFinal (batching, the operation
/// state codes), and every search NSS makes (NSS FAQ: by class, CKA_LABEL, CKA_ID, issuer + serial number, subject,
/// DER value, CKA_TOKEN = true), on token objects (searched in SQL) and on session objects alike.</summary>
public sealed class FindObjectsTests(ModuleFixture fixture) : ObjectTest(fixture)
{
    [Fact]
    public void BatchesOfEverySizeReturnEachObjectOnce()
    {
        var session = UserSession();
        var created = Enumerable.Range(0, 10).Select(i => Create(session, Data($"batch {i}", token: i % 2 == 0))).ToHashSet();
        foreach (var batch in new[] { 1, 3, 10, 100 })
        {
            var found = FindBatched(session, batch, Class(CKO.CKO_DATA));
            Assert.Equal(created.Order(), found.Order());
        }

        Expect.Ok(FindInit(session, Class(CKO.CKO_DATA)));
        var buffer = new ulong[3];
        var counts = new List<ulong>();
        for (int i = 0; i < 6; i++)
        {
            ulong count = 99;
            Expect.Ok(LowLevel.C_FindObjects(session, buffer, 3, ref count));
            counts.Add(count);
        }
        Assert.Equal(new ulong[] { 3, 3, 3, 1, 0, 0 }, counts);
        Expect.Ok(LowLevel.C_FindObjectsFinal(session));
    }

    [Fact]
    public void MaxCountZeroReturnsNothingAndLosesNothing()
    {
        var session = UserSession();
        var handle = Create(session, Data("zero"));
        Expect.Ok(FindInit(session, Label("zero")));
        ulong count = 99;
        Expect.Ok(LowLevel.C_FindObjects(session, new ulong[1], 0, ref count));
        Assert.Equal(0UL, count);
        var one = new ulong[1];
        Expect.Ok(LowLevel.C_FindObjects(session, one, 1, ref count));
        Assert.Equal(1UL, count);
        Assert.Equal(handle, one[0]);
        Expect.Ok(LowLevel.C_FindObjectsFinal(session));
    }

    [Fact]
    public void OperationStateIsEnforcedPerSession()
    {
        var a = UserSession();
        var b = OpenRo();
        ulong count = 0;
        Assert.Equal(CKR.CKR_OPERATION_NOT_INITIALIZED, LowLevel.C_FindObjects(a, new ulong[1], 1, ref count));
        Assert.Equal(CKR.CKR_OPERATION_NOT_INITIALIZED, LowLevel.C_FindObjectsFinal(a));
        Expect.Ok(FindInit(a));
        Assert.Equal(CKR.CKR_OPERATION_ACTIVE, FindInit(a, Label("again")));
        // Another session has its own search.
        Expect.Ok(FindInit(b));
        Expect.Ok(LowLevel.C_FindObjectsFinal(b));
        Expect.Ok(LowLevel.C_FindObjects(a, new ulong[1], 1, ref count));
        Expect.Ok(LowLevel.C_FindObjectsFinal(a));
        Assert.Equal(CKR.CKR_OPERATION_NOT_INITIALIZED, LowLevel.C_FindObjectsFinal(a));
        Assert.Equal(CKR.CKR_OPERATION_NOT_INITIALIZED, LowLevel.C_FindObjects(a, new ulong[1], 1, ref count));
        Expect.Ok(FindInit(a));
        // Other operations go on while a search is active.
        Create(a, Data("during a search"));
        Expect.Ok(LowLevel.C_FindObjectsFinal(a));
    }

    [Fact]
    public void SearchesByEveryKindOfValue()
    {
        var session = UserSession();
        foreach (var token in new[] { false, true })
        {
            var marker = token ? "token" : "session";
            var id = RandomNumberGenerator.GetBytes(20);
            var key = Create(session, [.. TestKeys.Aes(), Token(token), Attr.Of(CKA.CKA_ID, id), Label(marker),
                Attr.Of(CKA.CKA_ALLOWED_MECHANISMS, new[] { CKM.CKM_AES_GCM }), Attr.Of(CKA.CKA_START_DATE, "20240229")]);
            var data = Create(session, Data(marker, token));
            Assert.Equal(key, Assert.Single(Find(session, Attr.Of(CKA.CKA_ID, id))));
            Assert.Equal(key, Assert.Single(Find(session, Token(token), Attr.Of(CKA.CKA_KEY_TYPE, CKK.CKK_AES))));
            Assert.Equal(key, Assert.Single(Find(session, Token(token), Attr.Of(CKA.CKA_VALUE_LEN, 32UL))));
            Assert.Equal(key, Assert.Single(Find(session, Token(token), Attr.Of(CKA.CKA_ALLOWED_MECHANISMS, new[] { CKM.CKM_AES_GCM }))));
            Assert.Equal(key, Assert.Single(Find(session, Token(token), Attr.Of(CKA.CKA_START_DATE, "20240229"))));
            Assert.Equal(key, Assert.Single(Find(session, Token(token), Attr.Of(CKA.CKA_SENSITIVE, true))));
            Assert.Equal(new[] { key, data }.Order(), Find(session, Label(marker)).Order());
            Assert.Equal(data, Assert.Single(Find(session, Label(marker), Class(CKO.CKO_DATA))));
            Assert.Empty(Find(session, Label(marker), Class(CKO.CKO_CERTIFICATE)));
            Assert.Empty(Find(session, Attr.Of(CKA.CKA_ID, id), Attr.Of(CKA.CKA_KEY_TYPE, CKK.CKK_DES3)));
            Assert.Empty(Find(session, Label(marker + " ")));
            Assert.Empty(Find(session, Attr.Of(Ck.UnknownAttribute, new byte[] { 1 })));
        }
    }

    [Fact]
    public void SensitiveValuesNeverMatchASearch()
    {
        var session = UserSession();
        var value = RandomNumberGenerator.GetBytes(32);
        foreach (var token in new[] { false, true })
        {
            Create(session, [.. TestKeys.Aes(value), Token(token)]);
            Create(session, [.. TestKeys.PrivateKey(CKK.CKK_EC), Token(token)]);
        }
        Assert.Empty(Find(session, Attr.Of(CKA.CKA_VALUE, value)));
        Assert.Empty(Find(session, Attr.Of(CKA.CKA_VALUE, TestKeys.P256.D!)));
        Assert.Equal(2, Find(session, Attr.Of(CKA.CKA_EC_PARAMS, TestKeys.P256Params)).Length);
    }

    [Fact]
    public void TokenTrueFalseAndEmptyTemplatesSplitTheObjects()
    {
        var session = UserSession();
        var tokenObjects = new[] { Create(session, Data("t1", token: true)), Create(session, [.. TestKeys.Aes(), Token()]) };
        var sessionObjects = new[] { Create(session, Data("s1")), Create(session, TestKeys.Aes()) };
        Assert.Equal(tokenObjects.Order(), Find(session, Token()).Order());
        Assert.Equal(sessionObjects.Order(), Find(session, Token(false)).Order());
        Assert.Equal(tokenObjects.Concat(sessionObjects).Order(), Find(session).Order());
    }

    [Fact]
    public void NssCertificateSearchesFindTokenCertificates()
    {
        var session = UserSession();
        var ca = TestKeys.MakeCertificate("CN=Softoken Test CA, O=Softoken", issuer: "CN=Softoken Test CA, O=Softoken");
        var leaves = Enumerable.Range(0, 5).Select(i => TestKeys.MakeCertificate($"CN=Leaf {i}, O=Softoken")).ToArray();
        var caHandle = Create(session, ca.Template(Token(), Label("ca")));
        var leafHandles = leaves.Select((c, i) => Create(session, c.Template(Token(), Label($"leaf {i}"),
            Attr.Of(CKA.CKA_ID, SHA1.HashData(c.Der))))).ToArray();
        Create(session, [.. TestKeys.PrivateKey(CKK.CKK_EC), Token(), Attr.Of(CKA.CKA_ID, SHA1.HashData(leaves[2].Der))]);
        Restart();
        session = OpenRo();

        var certClass = Class(CKO.CKO_CERTIFICATE);
        // All certificates (no login needed for public objects).
        Assert.Equal(6, Find(session, certClass).Length);
        Assert.Equal(6, Find(session, Token(), certClass).Length);
        // By label.
        var byLabel = Assert.Single(Find(session, certClass, Label("leaf 3")));
        Assert.Equal(leaves[3].Der, Get(session, byLabel, CKA.CKA_VALUE));
        // By issuer and serial number (the DER INTEGER).
        var bySerial = Assert.Single(Find(session, certClass, Attr.Of(CKA.CKA_ISSUER, leaves[1].Issuer),
            Attr.Of(CKA.CKA_SERIAL_NUMBER, leaves[1].Serial)));
        Assert.Equal(leaves[1].Der, Get(session, bySerial, CKA.CKA_VALUE));
        Assert.Equal(5, Find(session, certClass, Attr.Of(CKA.CKA_ISSUER, leaves[0].Issuer)).Length - 1);
        // By subject.
        var bySubject = Assert.Single(Find(session, certClass, Attr.Of(CKA.CKA_SUBJECT, leaves[4].Subject)));
        Assert.Equal(leaves[4].Der, Get(session, bySubject, CKA.CKA_VALUE));
        Assert.Equal(ca.Der, Get(session, Assert.Single(Find(session, Attr.Of(CKA.CKA_SUBJECT, ca.Subject))), CKA.CKA_VALUE));
        // By DER value.
        var byDer = Assert.Single(Find(session, certClass, Attr.Of(CKA.CKA_VALUE, leaves[0].Der)));
        Assert.Equal("leaf 0", GetString(session, byDer, CKA.CKA_LABEL));
        Assert.Equal(caHandle, Assert.Single(Find(session, Attr.Of(CKA.CKA_VALUE, ca.Der))));
        // By CKA_ID (a user certificate and its private key, the key visible after login only).
        var id = SHA1.HashData(leaves[2].Der);
        Assert.Single(Find(session, Attr.Of(CKA.CKA_ID, id)));
        Login(session);
        Assert.Equal(2, Find(session, Attr.Of(CKA.CKA_ID, id)).Length);
        Assert.Single(Find(session, Class(CKO.CKO_PRIVATE_KEY)));
        Assert.Single(Find(session, Class(CKO.CKO_PRIVATE_KEY), Attr.Of(CKA.CKA_ID, id)));
        Assert.Equal(leafHandles.Length, leafHandles.Intersect(Find(session, certClass)).Count());
    }

    [Fact]
    public void HighLevelFindAllObjectsSeesTheSameObjects()
    {
        var session = UserSession();
        var handles = new[] { Create(session, Data("hl 1", token: true)), Create(session, Data("hl 2")) };
        var hl = KeyStorageSlot.OpenSession(SessionType.ReadOnly);
        var found = hl.FindAllObjects([Factories.ObjectAttributeFactory.Create(CKA.CKA_CLASS, CKO.CKO_DATA)]);
        Assert.Equal(handles.Order(), found.Select(h => h.ObjectId).Order());
        var labels = found.Select(h => hl.GetAttributeValue(h, [CKA.CKA_LABEL])[0].GetValueAsString()).Order();
        Assert.Equal(["hl 1", "hl 2"], labels);
    }

    [Fact]
    public void AnObjectCreatedDuringASearchDoesNotCorruptIt()
    {
        var session = UserSession();
        for (int i = 0; i < 5; i++) Create(session, Data("during", token: true));
        Expect.Ok(FindInit(session, Label("during")));
        var buffer = new ulong[2];
        ulong count = 0;
        Expect.Ok(LowLevel.C_FindObjects(session, buffer, 2, ref count));
        Assert.Equal(2UL, count);
        var destroyed = buffer[1];
        Assert.Equal(CKR.CKR_OK, Destroy(session, buffer[0]));
        Create(session, Data("during", token: true));
        var rest = new List<ulong>();
        do
        {
            Expect.Ok(LowLevel.C_FindObjects(session, buffer, 2, ref count));
            rest.AddRange(buffer.Take((int)count));
        }
        while (count > 0);
        Expect.Ok(LowLevel.C_FindObjectsFinal(session));
        Assert.InRange(rest.Count, 3, 4);
        Assert.DoesNotContain(destroyed, rest);
        Assert.Equal(5, Find(session, Label("during")).Length);
    }
}
