using Org.BouncyCastle.Asn1;
using Softoken.Pkcs11;

namespace Softoken.Crypto;

/// <summary>CKA_EC_POINT and ECDH peer data: PKCS #11 says a DER OCTET STRING holding the point; consumers also
/// hand in the raw point. Both are accepted on input; the token always writes the DER form.</summary>
internal static class EcPoints
{
    public static byte[] Wrap(ReadOnlySpan<byte> raw) => new DerOctetString(raw.ToArray()).GetDerEncoded();

    /// <summary>The raw point inside <paramref name="value"/>: the content of a DER OCTET STRING when the value is
    /// one and its content has a valid point length for the curve, else the value itself when that has a valid
    /// length (the two readings never both fit). Anything else is <paramref name="error"/>.</summary>
    public static byte[] Unwrap(ReadOnlySpan<byte> value, EcCurve curve, CKR error)
    {
        if (TryDer(value, out var inner) && IsValidLength(inner.Length, curve)) return inner.ToArray();
        if (IsValidLength(value.Length, curve)) return value.ToArray();
        throw new Pkcs11Exception(error, "EC point");
    }

    private static bool IsValidLength(int length, EcCurve curve) =>
        curve.Kind == CurveKind.Weierstrass
            ? length == curve.PublicLength || length == curve.CoordinateLength + 1
            : length == curve.PublicLength;

    private static bool TryDer(ReadOnlySpan<byte> value, out ReadOnlySpan<byte> content)
    {
        content = default;
        if (value.Length < 2 || value[0] != 0x04) return false;
        int length, header;
        if (value[1] < 0x80)
        {
            length = value[1];
            header = 2;
        }
        else if (value[1] == 0x81 && value.Length >= 3 && value[2] >= 0x80)
        {
            length = value[2];
            header = 3;
        }
        else if (value[1] == 0x82 && value.Length >= 4 && value[2] != 0)
        {
            length = (value[2] << 8) | value[3];
            header = 4;
        }
        else
        {
            return false;
        }
        if (header + length != value.Length) return false;
        content = value[header..];
        return true;
    }
}
