using System.Runtime.InteropServices;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using Net.Pkcs11Interop.HighLevelAPI.MechanismParams;
using Net.Pkcs11Interop.LowLevelAPI80;
using Softoken.NativeTests.Infrastructure;

namespace Softoken.NativeTests.Symmetric;

/// <summary>Base of the issue 5 native tests: an initialised module, a session on the crypto slot, and helpers
/// to import known key values (session objects) and to build raw parameter structures for mechanisms that
/// Pkcs11Interop 5.3 has no classes for.</summary>
public abstract class SymmetricTest : InitializedModuleTest
{
    private readonly List<IDisposable> owned = [];
    private ISession? session;

    protected SymmetricTest(ModuleFixture fixture) : base(fixture) { }

    protected ISession Session => session ??= OpenSession(CryptoSlotId);

    protected IMechanism Mech(ulong type) => Factories.MechanismFactory.Create(type);

    protected IMechanism Mech(ulong type, byte[]? parameter) =>
        parameter is null ? Factories.MechanismFactory.Create(type) : Factories.MechanismFactory.Create(type, parameter);

    protected IMechanism Mech(ulong type, IMechanismParams parameter) => Factories.MechanismFactory.Create(type, parameter);

    protected IMechanism Mech(CKM type) => Factories.MechanismFactory.Create(type);

    protected IMechanism Mech(CKM type, byte[] parameter) => Factories.MechanismFactory.Create(type, parameter);

    protected IMechanism Mech(CKM type, IMechanismParams parameter) => Factories.MechanismFactory.Create(type, parameter);

    protected IObjectAttribute Attr(CKA type, bool value) => Factories.ObjectAttributeFactory.Create(type, value);

    protected IObjectAttribute Attr(CKA type, ulong value) => Factories.ObjectAttributeFactory.Create(type, value);

    protected IObjectAttribute Attr(CKA type, byte[] value) => Factories.ObjectAttributeFactory.Create(type, value);

    protected IObjectAttribute Attr(CKA type, string value) => Factories.ObjectAttributeFactory.Create(type, value);

    protected IObjectAttribute Attr(CKA type, CKO value) => Factories.ObjectAttributeFactory.Create(type, value);

    protected IObjectAttribute Attr(CKA type, List<IObjectAttribute> value) => Factories.ObjectAttributeFactory.Create(type, value);

    /// <summary>A session secret key with a known value and every usage allowed, extractable and not sensitive,
    /// unless <paramref name="extra"/> overrides.</summary>
    protected IObjectHandle Import(ulong keyType, byte[] value, params IObjectAttribute[] extra) =>
        Import(Session, keyType, value, extra);

    protected IObjectHandle Import(ISession on, ulong keyType, byte[] value, params IObjectAttribute[] extra)
    {
        var template = new List<IObjectAttribute>
        {
            Attr(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY), Attr(CKA.CKA_KEY_TYPE, keyType), Attr(CKA.CKA_VALUE, value),
        };
        foreach (var (type, def) in Defaults)
        {
            if (!extra.Any(a => a.Type == (ulong)type)) template.Add(Attr(type, def));
        }
        template.AddRange(extra);
        return on.CreateObject(template);
    }

    private static readonly (CKA, bool)[] Defaults =
    [
        (CKA.CKA_TOKEN, false), (CKA.CKA_ENCRYPT, true), (CKA.CKA_DECRYPT, true), (CKA.CKA_SIGN, true),
        (CKA.CKA_VERIFY, true), (CKA.CKA_WRAP, true), (CKA.CKA_UNWRAP, true), (CKA.CKA_DERIVE, true),
        (CKA.CKA_SENSITIVE, false), (CKA.CKA_EXTRACTABLE, true),
    ];

    protected IObjectHandle Aes(byte[] value, params IObjectAttribute[] extra) => Import((ulong)CKK.CKK_AES, value, extra);

    protected IObjectHandle Generic(byte[] value, params IObjectAttribute[] extra) => Import((ulong)CKK.CKK_GENERIC_SECRET, value, extra);

    protected byte[] Value(IObjectHandle key) => Bytes(key, CKA.CKA_VALUE);

    protected byte[] Bytes(IObjectHandle key, CKA attribute) =>
        Session.GetAttributeValue(key, [attribute])[0].GetValueAsByteArray();

    protected ulong Ulong(IObjectHandle key, CKA attribute) =>
        Session.GetAttributeValue(key, [attribute])[0].GetValueAsUlong();

    protected bool Bool(IObjectHandle key, CKA attribute) =>
        Session.GetAttributeValue(key, [attribute])[0].GetValueAsBool();

    /// <summary>Template for a derived or unwrapped secret key of <paramref name="length"/> bytes (0: no
    /// CKA_VALUE_LEN), session, extractable and readable.</summary>
    protected List<IObjectAttribute> SecretTemplate(ulong keyType, int length = 0, params IObjectAttribute[] extra)
    {
        var t = new List<IObjectAttribute>
        {
            Attr(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY), Attr(CKA.CKA_KEY_TYPE, keyType), Attr(CKA.CKA_TOKEN, false),
            Attr(CKA.CKA_SENSITIVE, false), Attr(CKA.CKA_EXTRACTABLE, true),
        };
        foreach (var a in new[] { CKA.CKA_ENCRYPT, CKA.CKA_DECRYPT, CKA.CKA_SIGN, CKA.CKA_VERIFY })
        {
            if (!extra.Any(x => x.Type == (ulong)a)) t.Add(Attr(a, true));
        }
        if (length > 0) t.Add(Attr(CKA.CKA_VALUE_LEN, (ulong)length));
        t.AddRange(extra);
        return t;
    }

    /// <summary>Unmanaged memory that lives until the test ends (for pointers inside parameter structures).</summary>
    protected IntPtr Keep(byte[] bytes)
    {
        var buffer = NativeBuffer.Of(bytes);
        owned.Add(buffer);
        return buffer.Pointer;
    }

    internal NativeBuffer KeepBuffer(int size)
    {
        var buffer = new NativeBuffer(size);
        owned.Add(buffer);
        return buffer;
    }

    /// <summary>A parameter structure image for the Linux x86-64 ABI (8-byte CK_ULONG and pointers).</summary>
    protected StructImage Struct() => new(this);

    protected sealed class StructImage(SymmetricTest owner)
    {
        private readonly List<byte> bytes = [];

        public StructImage Ulong(ulong value)
        {
            Align(8);
            bytes.AddRange(BitConverter.GetBytes(value));
            return this;
        }

        public StructImage Raw(byte[] value)
        {
            bytes.AddRange(value);
            return this;
        }

        public StructImage Byte(byte value)
        {
            bytes.Add(value);
            return this;
        }

        public StructImage Pointer(IntPtr value) => Ulong((ulong)value.ToInt64());

        /// <summary>A pointer to a copy of <paramref name="data"/> (NULL when null).</summary>
        public StructImage Data(byte[]? data) => Pointer(data is null ? IntPtr.Zero : owner.Keep(data));

        /// <summary>Pointer and length.</summary>
        public StructImage DataLen(byte[]? data) => Data(data).Ulong((ulong)(data?.Length ?? 0));

        public byte[] Build()
        {
            Align(8);
            return [.. bytes];
        }

        private void Align(int n)
        {
            while (bytes.Count % n != 0) bytes.Add(0);
        }
    }

    protected static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", ""));

    protected static string ToHex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    protected static byte[] Random(int n) => System.Security.Cryptography.RandomNumberGenerator.GetBytes(n);

    /// <summary>Multi-part encryption or decryption with the given part sizes (the rest goes in the last part).</summary>
    protected static byte[] Parts(Func<byte[], byte[]> update, Func<byte[]> final, byte[] input, params int[] cuts)
    {
        var output = new List<byte>();
        int offset = 0;
        foreach (var cut in cuts)
        {
            int take = Math.Min(cut, input.Length - offset);
            output.AddRange(update(input[offset..(offset + take)]));
            offset += take;
        }
        output.AddRange(update(input[offset..]));
        output.AddRange(final());
        return [.. output];
    }

    /// <summary>Multi-part C_EncryptUpdate / C_DecryptUpdate through the low-level API with the given part sizes.</summary>
    protected byte[] Multi(bool encrypt, ulong type, byte[]? parameter, IObjectHandle key, byte[] input, params int[] cuts)
    {
        var mechanism = parameter is null ? CkmUtils.CreateMechanism(type) : CkmUtils.CreateMechanism(type, parameter);
        try
        {
            ulong s = Session.SessionId;
            Expect.Ok(encrypt ? LowLevel.C_EncryptInit(s, ref mechanism, key.ObjectId) : LowLevel.C_DecryptInit(s, ref mechanism, key.ObjectId), "Init");
            return Parts(part =>
            {
                var output = new byte[input.Length + 64];
                ulong length = (ulong)output.Length;
                Expect.Ok(encrypt ? LowLevel.C_EncryptUpdate(s, part, (ulong)part.Length, output, ref length)
                    : LowLevel.C_DecryptUpdate(s, part, (ulong)part.Length, output, ref length), "Update");
                return output[..(int)length];
            }, () =>
            {
                var output = new byte[input.Length + 64];
                ulong length = (ulong)output.Length;
                var rv = encrypt ? LowLevel.C_EncryptFinal(s, output, ref length) : LowLevel.C_DecryptFinal(s, output, ref length);
                if (rv != CKR.CKR_OK) throw new Pkcs11Exception("Final", rv);
                return output[..(int)length];
            }, input, cuts);
        }
        finally
        {
            UnmanagedMemory.Free(ref mechanism.Parameter);
        }
    }

    protected ulong SessionId => Session.SessionId;

    protected CK_MECHANISM LowMechanism(ulong type, byte[]? parameter) =>
        parameter is null ? CkmUtils.CreateMechanism(type) : CkmUtils.CreateMechanism(type, parameter);

    /// <summary>Multi-part C_SignUpdate with the given part sizes, then C_SignFinal.</summary>
    protected byte[] SignMulti(ulong type, byte[]? parameter, IObjectHandle key, byte[] data, params int[] cuts)
    {
        var mechanism = LowMechanism(type, parameter);
        try
        {
            Expect.Ok(LowLevel.C_SignInit(SessionId, ref mechanism, key.ObjectId), "C_SignInit");
            Parts(part =>
            {
                Expect.Ok(LowLevel.C_SignUpdate(SessionId, part, (ulong)part.Length), "C_SignUpdate");
                return [];
            }, () => [], data, cuts);
            var signature = new byte[128];
            ulong length = 128;
            Expect.Ok(LowLevel.C_SignFinal(SessionId, signature, ref length), "C_SignFinal");
            return signature[..(int)length];
        }
        finally
        {
            UnmanagedMemory.Free(ref mechanism.Parameter);
        }
    }

    /// <summary>C_VerifyInit + C_Verify (single-part) or C_VerifyUpdate/C_VerifyFinal, returning the exact CK_RV.</summary>
    protected CKR RawVerify(ulong type, byte[]? parameter, IObjectHandle key, byte[] data, byte[] signature, bool multiPart = false)
    {
        var mechanism = LowMechanism(type, parameter);
        try
        {
            Expect.Ok(LowLevel.C_VerifyInit(SessionId, ref mechanism, key.ObjectId), "C_VerifyInit");
            if (!multiPart) return LowLevel.C_Verify(SessionId, data, (ulong)data.Length, signature, (ulong)signature.Length);
            int half = data.Length / 2;
            Expect.Ok(LowLevel.C_VerifyUpdate(SessionId, data[..half], (ulong)half), "C_VerifyUpdate");
            Expect.Ok(LowLevel.C_VerifyUpdate(SessionId, data[half..], (ulong)(data.Length - half)), "C_VerifyUpdate");
            return LowLevel.C_VerifyFinal(SessionId, signature, (ulong)signature.Length);
        }
        finally
        {
            UnmanagedMemory.Free(ref mechanism.Parameter);
        }
    }

    /// <summary>C_GetAttributeValue of one attribute through the low-level API, for the exact return value.</summary>
    protected CKR RawGetAttribute(IObjectHandle key, CKA type)
    {
        var template = new[] { CkaUtils.CreateAttribute(type) };
        var rv = LowLevel.C_GetAttributeValue(SessionId, key.ObjectId, template, 1);
        UnmanagedMemory.Free(ref template[0].value);
        return rv;
    }

    public override void Dispose()
    {
        base.Dispose();
        foreach (var d in owned) d.Dispose();
        owned.Clear();
    }

    protected static int SizeOf<T>() => Marshal.SizeOf<T>();
}
