using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.LowLevelAPI80;

namespace Softoken.NativeTests.Infrastructure;

/// <summary>One attribute of a test template. <see cref="Value"/> is a bool (CK_BBOOL), an integer or enum
/// (CK_ULONG), a byte array, a string (UTF-8), a ulong[] (CK_ULONG array, CKA_ALLOWED_MECHANISMS), an Attr[]
/// (nested CK_ATTRIBUTE array, CKA_WRAP_TEMPLATE ...), or null: pValue NULL with the length in
/// <see cref="Length"/> (a length query, or a deliberately inconsistent pointer/length).</summary>
internal sealed record Attr(ulong Type, object? Value, ulong Length = 0)
{
    public static Attr Of(CKA type, object? value) => new((ulong)type, value);

    public static Attr Of(ulong type, object? value) => new(type, value);

    /// <summary>pValue NULL: asks for the length.</summary>
    public static Attr Query(CKA type) => new((ulong)type, null);

    public static Attr Query(ulong type) => new(type, null);

    /// <summary>An output buffer of <paramref name="length"/> bytes, filled with a canary.</summary>
    public static Attr Buffer(CKA type, int length) => new((ulong)type, new OutputBuffer(length));

    public static Attr Buffer(ulong type, int length) => new(type, new OutputBuffer(length));

    /// <summary>An output array of <paramref name="count"/> CK_ATTRIBUTEs whose pValues are NULL (the second step of
    /// reading a nested template).</summary>
    public static Attr NestedQuery(CKA type, int count) => new((ulong)type, Enumerable.Repeat<Attr?>(null, count).ToArray());

    public override string ToString() => $"0x{Type:X}";
}

/// <summary>An output buffer in a template.</summary>
internal sealed record OutputBuffer(int Length);

/// <summary>A CK_ATTRIBUTE array for Pkcs11Interop's low-level API (LowLevelAPI80: 8-byte CK_ULONG, natural
/// alignment), with every value in unmanaged memory owned by this object. After a call the module's answers are read
/// back with <see cref="Length"/>, <see cref="Bytes"/>, <see cref="Nested"/>.</summary>
internal sealed class NativeTemplate : IDisposable
{
    public const int AttributeSize = 24;
    private readonly List<IntPtr> allocations = [];

    public NativeTemplate(params Attr[] attributes)
    {
        Items = attributes.Select(Build).ToArray();
    }

    public CK_ATTRIBUTE[] Items { get; }

    public ulong Count => (ulong)Items.Length;

    /// <summary>The ulValueLen the module left in attribute <paramref name="index"/>.</summary>
    public ulong Length(int index) => Items[index].valueLen;

    public bool Unavailable(int index) => Items[index].valueLen == Ck.CK_UNAVAILABLE_INFORMATION;

    public byte[] Bytes(int index)
    {
        var item = Items[index];
        Assert.True(item.value != IntPtr.Zero, $"attribute {index} has no buffer");
        Assert.True(item.valueLen != Ck.CK_UNAVAILABLE_INFORMATION, $"attribute {index} is unavailable");
        var bytes = new byte[(int)item.valueLen];
        Marshal.Copy(item.value, bytes, 0, bytes.Length);
        return bytes;
    }

    public ulong Ulong(int index)
    {
        var bytes = Bytes(index);
        Assert.Equal(8, bytes.Length);
        return BinaryPrimitives.ReadUInt64LittleEndian(bytes);
    }

    public bool Bool(int index)
    {
        var bytes = Bytes(index);
        Assert.Single(bytes);
        return bytes[0] != 0;
    }

    /// <summary>The nested CK_ATTRIBUTE array the module filled in attribute <paramref name="index"/>: each
    /// element's type, ulValueLen and pValue, as raw structures.</summary>
    public (ulong Type, IntPtr Value, ulong Length)[] Nested(int index)
    {
        var item = Items[index];
        int count = (int)(item.valueLen / AttributeSize);
        var result = new (ulong, IntPtr, ulong)[count];
        for (int i = 0; i < count; i++)
        {
            var p = item.value + i * AttributeSize;
            result[i] = ((ulong)Marshal.ReadInt64(p), Marshal.ReadIntPtr(p, 8), (ulong)Marshal.ReadInt64(p, 16));
        }
        return result;
    }

    /// <summary>Gives nested element <paramref name="element"/> of attribute <paramref name="index"/> a buffer of
    /// <paramref name="length"/> bytes (the third step of reading a nested template).</summary>
    public void AllocateNested(int index, int element, int length)
    {
        var p = Items[index].value + element * AttributeSize;
        var buffer = Allocate(length, NativeBuffer.Canary);
        Marshal.WriteIntPtr(p, 8, buffer);
        Marshal.WriteInt64(p, 16, length);
    }

    public static byte[] ReadNestedValue((ulong Type, IntPtr Value, ulong Length) element)
    {
        var bytes = new byte[(int)element.Length];
        Marshal.Copy(element.Value, bytes, 0, bytes.Length);
        return bytes;
    }

    public static byte[] Encode(object value) => value switch
    {
        bool b => [b ? (byte)1 : (byte)0],
        byte[] bytes => bytes,
        string text => Encoding.UTF8.GetBytes(text),
        ulong[] items => items.SelectMany(Ulong).ToArray(),
        CKM[] mechanisms => mechanisms.SelectMany(m => Ulong(Convert.ToUInt64(m))).ToArray(),
        Enum e => Ulong(Convert.ToUInt64(e)),
        ulong u => Ulong(u),
        int i => Ulong(checked((ulong)i)),
        long l => Ulong(checked((ulong)l)),
        uint u => Ulong(u),
        _ => throw new ArgumentException($"cannot encode {value.GetType()}"),
    };

    public static byte[] Ulong(ulong value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        return bytes;
    }

    private CK_ATTRIBUTE Build(Attr? attribute)
    {
        if (attribute is null) return new CK_ATTRIBUTE { type = 0, value = IntPtr.Zero, valueLen = 0 };
        switch (attribute.Value)
        {
            case null:
                return new CK_ATTRIBUTE { type = attribute.Type, value = IntPtr.Zero, valueLen = attribute.Length };
            case OutputBuffer buffer:
                return new CK_ATTRIBUTE
                {
                    type = attribute.Type,
                    value = Allocate(buffer.Length, NativeBuffer.Canary),
                    valueLen = (ulong)buffer.Length,
                };
            case Attr?[] nested:
            {
                var children = nested.Select(Build).ToArray();
                var array = Allocate(children.Length * AttributeSize, 0);
                for (int i = 0; i < children.Length; i++)
                {
                    var p = array + i * AttributeSize;
                    Marshal.WriteInt64(p, (long)children[i].type);
                    Marshal.WriteIntPtr(p, 8, children[i].value);
                    Marshal.WriteInt64(p, 16, (long)children[i].valueLen);
                }
                return new CK_ATTRIBUTE { type = attribute.Type, value = array, valueLen = (ulong)(children.Length * AttributeSize) };
            }
            default:
            {
                var bytes = Encode(attribute.Value);
                var p = Allocate(bytes.Length, 0);
                Marshal.Copy(bytes, 0, p, bytes.Length);
                return new CK_ATTRIBUTE { type = attribute.Type, value = p, valueLen = (ulong)bytes.Length };
            }
        }
    }

    private IntPtr Allocate(int length, byte fill)
    {
        var p = Marshal.AllocHGlobal(Math.Max(length, 1));
        var bytes = new byte[Math.Max(length, 1)];
        Array.Fill(bytes, fill);
        Marshal.Copy(bytes, 0, p, bytes.Length);
        allocations.Add(p);
        return p;
    }

    public void Dispose()
    {
        foreach (var p in allocations) Marshal.FreeHGlobal(p);
        allocations.Clear();
    }
}
