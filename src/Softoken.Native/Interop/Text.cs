using System.Text;

namespace Softoken.Native.Interop;

/// <summary>Blank-padded CK_UTF8CHAR fields (PKCS #11 v3.0 section 3.1): UTF-8, padded with spaces, never
/// NUL-terminated, cut only at a character boundary.</summary>
internal static unsafe class Text
{
    public static void Pad(string value, byte* destination, int size)
    {
        var target = new Span<byte>(destination, size);
        target.Fill((byte)' ');
        var encoder = Encoding.UTF8.GetEncoder();
        encoder.Convert(value.AsSpan(), target, flush: true, out _, out _, out _);
    }

    /// <summary>Reads a NUL-terminated string of at most <paramref name="maxLength"/> bytes, or null when no NUL
    /// is found within that many.</summary>
    public static string? ReadTerminated(byte* p, int maxLength)
    {
        for (int i = 0; i < maxLength; i++)
        {
            if (p[i] == 0) return Encoding.UTF8.GetString(p, i);
        }
        return null;
    }
}
