using System.Buffers.Binary;
using System.Collections;
using System.Security.Cryptography;
using Softoken.Pkcs11;

namespace Softoken.Objects;

/// <summary>An object's attributes (or a template) with values in Softoken's canonical encoding, independent of
/// the platform ABI: CK_BBOOL is one byte, CK_ULONG is 8 bytes little-endian, arrays of CK_ULONG are 8 bytes per
/// element, byte strings are themselves, nested templates are <see cref="TemplateCodec"/> blobs. The native
/// layer converts to and from the ABI width using <see cref="AttributeKinds"/>.</summary>
internal sealed class AttributeSet : IEnumerable<KeyValuePair<CKA, byte[]>>, IDisposable
{
    private readonly Dictionary<CKA, byte[]> values;

    /// <summary>The one-byte CK_BBOOL values every object shares (a new key has about 20 boolean attributes). They
    /// are constants, never secret: <see cref="Set"/>, <see cref="Remove"/> and <see cref="Dispose"/> skip them when
    /// they wipe, <see cref="Clone"/> shares them, and nothing else in the module writes into a value array.</summary>
    private static readonly byte[] SharedTrue = [1], SharedFalse = [0];

    /// <summary>CKA_CLASS and CKA_KEY_TYPE decoded once: every operation init asks for them several times. Dropped
    /// whenever either attribute is set or removed; an immutable pair, so threads reading a shared set may race to
    /// fill it in with equal values.</summary>
    private sealed record Kind(CKO? Class, CKK? KeyType);

    private Kind? kind;

    public AttributeSet() => values = [];

    /// <summary>An empty set with room for <paramref name="capacity"/> attributes.</summary>
    public static AttributeSet WithCapacity(int capacity) => new(capacity);

    public AttributeSet(IEnumerable<KeyValuePair<CKA, byte[]>> source) => values = new(source);

    private AttributeSet(int capacity) => values = new(capacity);

    public int Count => values.Count;

    public IEnumerable<CKA> Types => values.Keys;

    public bool Has(CKA type) => values.ContainsKey(type);

    public byte[]? Bytes(CKA type) => values.GetValueOrDefault(type);

    public byte[] RequireBytes(CKA type) =>
        values.GetValueOrDefault(type) ?? throw new Pkcs11Exception(CKR.CKR_TEMPLATE_INCOMPLETE, type.ToString());

    public bool Bool(CKA type, bool fallback = false) =>
        values.TryGetValue(type, out var v) ? v.Length > 0 && v[0] != 0 : fallback;

    public ulong? Ulong(CKA type) =>
        values.TryGetValue(type, out var v) && v.Length == 8 ? BinaryPrimitives.ReadUInt64LittleEndian(v) : null;

    public ulong RequireUlong(CKA type) =>
        Ulong(type) ?? throw new Pkcs11Exception(CKR.CKR_TEMPLATE_INCOMPLETE, type.ToString());

    public CKO? Class => (kind ??= DecodeKind()).Class;

    public CKK? KeyType => (kind ??= DecodeKind()).KeyType;

    private Kind DecodeKind() =>
        new(Ulong(CKA.CKA_CLASS) is { } c ? (CKO)c : null, Ulong(CKA.CKA_KEY_TYPE) is { } k ? (CKK)k : null);

    private void Changed(CKA type)
    {
        if (type is CKA.CKA_CLASS or CKA.CKA_KEY_TYPE) kind = null;
    }

    public ulong[] UlongArray(CKA type)
    {
        if (!values.TryGetValue(type, out var v)) return [];
        var result = new ulong[v.Length / 8];
        for (int i = 0; i < result.Length; i++) result[i] = BinaryPrimitives.ReadUInt64LittleEndian(v.AsSpan(i * 8));
        return result;
    }

    public void Set(CKA type, byte[] value)
    {
        if (values.TryGetValue(type, out var old) && !ReferenceEquals(old, value)) Wipe(old);
        values[type] = value;
        Changed(type);
    }

    public void SetBool(CKA type, bool value) => Set(type, BoolValue(value));

    public void SetUlong(CKA type, ulong value) => Set(type, EncodeUlong(value));

    public void SetUlongArray(CKA type, IReadOnlyList<ulong> items)
    {
        var bytes = new byte[items.Count * 8];
        for (int i = 0; i < items.Count; i++) BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(i * 8), items[i]);
        Set(type, bytes);
    }

    /// <summary>Sets the value unless the attribute is already present.</summary>
    public void Default(CKA type, byte[] value)
    {
        if (values.TryAdd(type, value)) Changed(type);
    }

    public void DefaultBool(CKA type, bool value) => Default(type, BoolValue(value));

    public bool Remove(CKA type)
    {
        if (!values.Remove(type, out var old)) return false;
        Wipe(old);
        Changed(type);
        return true;
    }

    /// <summary>A deep copy, sized up front (with room for <paramref name="room"/> more attributes), without LINQ.</summary>
    public AttributeSet Clone(int room = 0)
    {
        var copy = new AttributeSet(values.Count + room);
        foreach (var (type, value) in values) copy.values.Add(type, IsShared(value) ? value : (byte[])value.Clone());
        copy.kind = kind;
        return copy;
    }

    public static byte[] EncodeUlong(ulong value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        return bytes;
    }

    /// <summary>Wipes every value: objects that hold key material are disposed when no longer needed.</summary>
    public void Dispose()
    {
        foreach (var v in values.Values) Wipe(v);
        values.Clear();
        kind = null;
    }

    private static byte[] BoolValue(bool value) => value ? SharedTrue : SharedFalse;

    private static bool IsShared(byte[] value) => ReferenceEquals(value, SharedTrue) || ReferenceEquals(value, SharedFalse);

    /// <summary>Zeroes a value that leaves the set, unless it is one of the shared constants (wiping one would change
    /// the attribute in every object that holds it). Empty arrays have nothing to wipe.</summary>
    private static void Wipe(byte[] value)
    {
        if (!IsShared(value)) CryptographicOperations.ZeroMemory(value);
    }

    public IEnumerator<KeyValuePair<CKA, byte[]>> GetEnumerator() => values.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
