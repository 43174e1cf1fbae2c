using System.Text;
using Net.Pkcs11Interop.Common;

namespace Softoken.NativeTests.Infrastructure;

/// <summary>Base of the object tests (issue 3): the module initialised on a fresh token whose user PIN is
/// <see cref="UserPin"/>, and object calls through Pkcs11Interop's low-level API with exact return values.</summary>
public abstract class ObjectTest : InitializedModuleTest
{
    public const string UserPin = "user-pin";

    protected ObjectTest(ModuleFixture fixture, string extraParameters = "", bool setUserPin = true)
        : base(fixture, extraParameters)
    {
        if (setUserPin) SetUserPin(UserPin);
    }

    private protected ulong OpenRw(ulong slot = KeyStorageSlotId) => Open(slot, CKF.CKF_SERIAL_SESSION | CKF.CKF_RW_SESSION);

    private protected ulong OpenRo(ulong slot = KeyStorageSlotId) => Open(slot, CKF.CKF_SERIAL_SESSION);

    private ulong Open(ulong slot, ulong flags)
    {
        Expect.Ok(OpenRawSession(slot, flags, out var session), "C_OpenSession");
        return session;
    }

    /// <summary>Logs the user in (on every session of the slot at once).</summary>
    private protected void Login(ulong session, string pin = UserPin)
    {
        var bytes = Encoding.UTF8.GetBytes(pin);
        Expect.Ok(LowLevel.C_Login(session, CKU.CKU_USER, bytes, (ulong)bytes.Length), "C_Login");
    }

    private protected void Logout(ulong session) => Expect.Ok(LowLevel.C_Logout(session), "C_Logout");

    /// <summary>A read/write session on the key-storage slot with the user logged in.</summary>
    private protected ulong UserSession()
    {
        var session = OpenRw();
        Login(session);
        return session;
    }

    private protected CKR TryCreate(ulong session, out ulong handle, params Attr[] template)
    {
        using var t = new NativeTemplate(template);
        handle = 0;
        return LowLevel.C_CreateObject(session, t.Items, t.Count, ref handle);
    }

    private protected ulong Create(ulong session, params Attr[] template)
    {
        Expect.Ok(TryCreate(session, out var handle, template), "C_CreateObject");
        Assert.NotEqual(0UL, handle);
        return handle;
    }

    private protected CKR GetAttributes(ulong session, ulong handle, NativeTemplate template) =>
        LowLevel.C_GetAttributeValue(session, handle, template.Items, template.Count);

    /// <summary>Reads one attribute the way applications do (length, then value); null when the module answers
    /// anything but CKR_OK, with the answer in <paramref name="rv"/>.</summary>
    private protected byte[]? TryGet(ulong session, ulong handle, ulong type, out CKR rv)
    {
        using (var query = new NativeTemplate(Attr.Query(type)))
        {
            rv = GetAttributes(session, handle, query);
            if (rv != CKR.CKR_OK)
            {
                if (rv is CKR.CKR_ATTRIBUTE_SENSITIVE or CKR.CKR_ATTRIBUTE_TYPE_INVALID)
                    Assert.True(query.Unavailable(0), $"0x{type:X}: {rv} without CK_UNAVAILABLE_INFORMATION");
                return null;
            }
            int length = checked((int)query.Length(0));
            using var read = new NativeTemplate(Attr.Buffer(type, length));
            rv = GetAttributes(session, handle, read);
            if (rv != CKR.CKR_OK) return null;
            Assert.Equal((ulong)length, read.Length(0));
            return read.Bytes(0);
        }
    }

    private protected byte[] Get(ulong session, ulong handle, CKA type) => Get(session, handle, (ulong)type);

    private protected byte[] Get(ulong session, ulong handle, ulong type)
    {
        var value = TryGet(session, handle, type, out var rv);
        Assert.True(rv == CKR.CKR_OK, $"C_GetAttributeValue(0x{type:X}) returned {rv}");
        return value!;
    }

    private protected CKR GetRv(ulong session, ulong handle, CKA type)
    {
        TryGet(session, handle, (ulong)type, out var rv);
        return rv;
    }

    private protected CKR GetRv(ulong session, ulong handle, ulong type)
    {
        TryGet(session, handle, type, out var rv);
        return rv;
    }

    private protected ulong GetUlong(ulong session, ulong handle, CKA type) => GetUlong(session, handle, (ulong)type);

    private protected ulong GetUlong(ulong session, ulong handle, ulong type)
    {
        var bytes = Get(session, handle, type);
        Assert.Equal(8, bytes.Length);
        return BitConverter.ToUInt64(bytes);
    }

    private protected bool GetBool(ulong session, ulong handle, CKA type)
    {
        var bytes = Get(session, handle, type);
        Assert.Single(bytes);
        return bytes[0] != 0;
    }

    private protected string GetString(ulong session, ulong handle, CKA type) => Encoding.UTF8.GetString(Get(session, handle, type));

    private protected CKR Set(ulong session, ulong handle, params Attr[] template)
    {
        using var t = new NativeTemplate(template);
        return LowLevel.C_SetAttributeValue(session, handle, t.Items, t.Count);
    }

    private protected CKR TryCopy(ulong session, ulong handle, out ulong copy, params Attr[] template)
    {
        using var t = new NativeTemplate(template);
        copy = 0;
        return LowLevel.C_CopyObject(session, handle, t.Items, t.Count, ref copy);
    }

    private protected CKR Destroy(ulong session, ulong handle) => LowLevel.C_DestroyObject(session, handle);

    private protected CKR FindInit(ulong session, params Attr[] template)
    {
        using var t = new NativeTemplate(template);
        return LowLevel.C_FindObjectsInit(session, t.Items, t.Count);
    }

    /// <summary>A complete search (init, batches of <paramref name="batch"/>, final).</summary>
    private protected ulong[] Find(ulong session, params Attr[] template) => FindBatched(session, 16, template);

    private protected ulong[] FindBatched(ulong session, int batch, params Attr[] template)
    {
        Expect.Ok(FindInit(session, template), "C_FindObjectsInit");
        var found = new List<ulong>();
        var buffer = new ulong[batch];
        while (true)
        {
            ulong count = 0;
            Expect.Ok(LowLevel.C_FindObjects(session, buffer, (ulong)batch, ref count), "C_FindObjects");
            Assert.True(count <= (ulong)batch);
            if (count == 0) break;
            found.AddRange(buffer.Take((int)count));
        }
        Expect.Ok(LowLevel.C_FindObjectsFinal(session), "C_FindObjectsFinal");
        Assert.Equal(found.Count, found.Distinct().Count());
        return [.. found];
    }

    private protected static Attr Label(string label) => Attr.Of(CKA.CKA_LABEL, label);

    private protected static Attr Token(bool token = true) => Attr.Of(CKA.CKA_TOKEN, token);

    private protected static Attr Private(bool value) => Attr.Of(CKA.CKA_PRIVATE, value);

    private protected static Attr Class(CKO cls) => Attr.Of(CKA.CKA_CLASS, cls);

    private protected static Attr Class(ulong cls) => Attr.Of(CKA.CKA_CLASS, cls);

    /// <summary>A data object template.</summary>
    private protected static Attr[] Data(string label, bool token = false, bool isPrivate = false, byte[]? value = null) =>
    [
        Class(CKO.CKO_DATA), Token(token), Private(isPrivate), Label(label),
        Attr.Of(CKA.CKA_VALUE, value ?? Encoding.UTF8.GetBytes("value of " + label)),
    ];
}
