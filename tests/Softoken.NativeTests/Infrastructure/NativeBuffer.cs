using System.Runtime.InteropServices;

namespace Softoken.NativeTests.Infrastructure;

/// <summary>Unmanaged memory for raw calls into the module (structures, output lengths, strings), zeroed or
/// filled with a canary, freed on dispose.</summary>
internal sealed class NativeBuffer : IDisposable
{
    public const byte Canary = 0xA5;

    public NativeBuffer(int size, byte fill = 0)
    {
        Size = size;
        Pointer = Marshal.AllocHGlobal(Math.Max(size, 1));
        Fill(fill);
    }

    public IntPtr Pointer { get; private set; }

    public int Size { get; }

    public nuint Address => (nuint)Pointer;

    public static NativeBuffer Of(ReadOnlySpan<byte> bytes)
    {
        var buffer = new NativeBuffer(bytes.Length);
        Marshal.Copy(bytes.ToArray(), 0, buffer.Pointer, bytes.Length);
        return buffer;
    }

    /// <summary>A NUL-terminated UTF-8 string.</summary>
    public static NativeBuffer Utf8(string text) => Of([.. System.Text.Encoding.UTF8.GetBytes(text), 0]);

    /// <summary>One CK_ULONG holding <paramref name="value"/>.</summary>
    public static NativeBuffer Ulong(ulong value)
    {
        var buffer = new NativeBuffer(8);
        buffer.WriteUlong(0, value);
        return buffer;
    }

    public void Fill(byte value)
    {
        var bytes = new byte[Size];
        Array.Fill(bytes, value);
        Marshal.Copy(bytes, 0, Pointer, Size);
    }

    public byte[] Read(int offset = 0, int? length = null)
    {
        var bytes = new byte[length ?? Size - offset];
        Marshal.Copy(Pointer + offset, bytes, 0, bytes.Length);
        return bytes;
    }

    public ulong ReadUlong(int offset = 0) => (ulong)Marshal.ReadInt64(Pointer, offset);

    public void WriteUlong(int offset, ulong value) => Marshal.WriteInt64(Pointer, offset, (long)value);

    public IntPtr ReadPointer(int offset = 0) => Marshal.ReadIntPtr(Pointer, offset);

    public void Dispose()
    {
        if (Pointer == IntPtr.Zero) return;
        Marshal.FreeHGlobal(Pointer);
        Pointer = IntPtr.Zero;
    }
}
