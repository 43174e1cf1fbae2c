using System.Runtime.InteropServices;

namespace Softoken.Tests.Native;

/// <summary>Lays out a C structure in unmanaged memory field by field with the LP64 rules (CK_ULONG and pointers
/// 8-byte aligned, CK_BBOOL one byte), independently of the decoders' C# structs, so a layout mistake in those
/// shows up. Everything allocated is freed on Dispose.</summary>
internal sealed class NativeStruct : IDisposable
{
    private readonly List<nint> allocations = [];
    private readonly List<(int Offset, int Size, ulong Value)> fields = [];
    private int size;

    public NativeStruct Ulong(ulong value) => Field(8, value);

    public NativeStruct Bool(bool value) => Field(1, value ? 1UL : 0UL);

    public NativeStruct Pointer(nint value) => Field(8, (ulong)value);

    /// <summary>A pointer to a copy of <paramref name="bytes"/> (NULL for null).</summary>
    public NativeStruct Bytes(byte[]? bytes) => Pointer(bytes is null ? 0 : Alloc(bytes));

    public nint Alloc(byte[] bytes)
    {
        var p = Marshal.AllocHGlobal(Math.Max(bytes.Length, 1));
        Marshal.Copy(bytes, 0, p, bytes.Length);
        allocations.Add(p);
        return p;
    }

    public nint Alloc(int length) => Alloc(new byte[length]);

    /// <summary>Allocates the structure itself and returns its address and (padded) size.</summary>
    public (nint Address, ulong Length) Build()
    {
        int total = (size + 7) / 8 * 8;
        var block = new byte[total];
        foreach (var (offset, width, value) in fields)
        {
            for (int i = 0; i < width; i++) block[offset + i] = (byte)(value >> (8 * i));
        }
        return (Alloc(block), (ulong)total);
    }

    public static byte[] Read(nint address, int length)
    {
        var bytes = new byte[length];
        Marshal.Copy(address, bytes, 0, length);
        return bytes;
    }

    public void Dispose()
    {
        foreach (var p in allocations) Marshal.FreeHGlobal(p);
        allocations.Clear();
    }

    private NativeStruct Field(int width, ulong value)
    {
        size = (size + width - 1) / width * width;
        fields.Add((size, width, value));
        size += width;
        return this;
    }
}
