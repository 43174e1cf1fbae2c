using Org.BouncyCastle.Math;
using Softoken.Pkcs11;

namespace Softoken.Crypto;

/// <summary>PKCS #11 big integers: unsigned, most significant byte first, conventionally without leading zeros.</summary>
internal static class Unsigned
{
    public static BigInteger ToBig(ReadOnlySpan<byte> value) => new(1, value);

    /// <summary>The minimal encoding (a single zero byte for zero).</summary>
    public static byte[] FromBig(BigInteger value)
    {
        var bytes = value.ToByteArrayUnsigned();
        return bytes.Length == 0 ? [0] : bytes;
    }

    /// <summary>Exactly <paramref name="length"/> bytes, zero-padded on the left.</summary>
    public static byte[] FromBig(BigInteger value, int length) =>
        Org.BouncyCastle.Utilities.BigIntegers.AsUnsignedByteArray(length, value);

    public static ReadOnlySpan<byte> Strip(ReadOnlySpan<byte> value)
    {
        int i = 0;
        while (i < value.Length - 1 && value[i] == 0) i++;
        return value[i..];
    }

    /// <summary>The value left-padded to <paramref name="length"/>; a value that does not fit is <paramref name="error"/>.</summary>
    public static byte[] PadLeft(ReadOnlySpan<byte> value, int length, CKR error = CKR.CKR_ATTRIBUTE_VALUE_INVALID)
    {
        var stripped = Strip(value);
        if (stripped.Length > length && !(stripped.Length == 1 && stripped[0] == 0)) throw new Pkcs11Exception(error);
        var result = new byte[length];
        if (!(stripped.Length == 1 && stripped[0] == 0)) stripped.CopyTo(result.AsSpan(length - stripped.Length));
        return result;
    }

    public static int BitLength(ReadOnlySpan<byte> value)
    {
        var s = Strip(value);
        if (s.Length == 0 || s[0] == 0) return 0;
        return (s.Length - 1) * 8 + (32 - System.Numerics.BitOperations.LeadingZeroCount((uint)s[0]));
    }
}
