using System.Buffers.Binary;
using Softoken.Pkcs11;

namespace Softoken.Objects;

/// <summary>The canonical encoding of a nested template (CKA_WRAP_TEMPLATE, CKA_UNWRAP_TEMPLATE,
/// CKA_DERIVE_TEMPLATE): for each attribute its type and length as 8-byte little-endian numbers, then its
/// canonical value.</summary>
internal static class TemplateCodec
{
    public static byte[] Encode(IEnumerable<KeyValuePair<CKA, byte[]>> attributes)
    {
        var items = attributes.ToArray();
        var result = new byte[items.Sum(a => 16 + a.Value.Length)];
        int offset = 0;
        foreach (var (type, value) in items)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(result.AsSpan(offset), (ulong)type);
            BinaryPrimitives.WriteUInt64LittleEndian(result.AsSpan(offset + 8), (ulong)value.Length);
            value.CopyTo(result.AsSpan(offset + 16));
            offset += 16 + value.Length;
        }
        return result;
    }

    public static AttributeSet Decode(ReadOnlySpan<byte> blob)
    {
        var set = new AttributeSet();
        while (!blob.IsEmpty)
        {
            if (blob.Length < 16) throw new Pkcs11Exception(CKR.CKR_ATTRIBUTE_VALUE_INVALID, "truncated template");
            var type = (CKA)BinaryPrimitives.ReadUInt64LittleEndian(blob);
            var length = BinaryPrimitives.ReadUInt64LittleEndian(blob[8..]);
            if (length > (ulong)(blob.Length - 16)) throw new Pkcs11Exception(CKR.CKR_ATTRIBUTE_VALUE_INVALID, "truncated template");
            set.Set(type, blob.Slice(16, (int)length).ToArray());
            blob = blob[(16 + (int)length)..];
        }
        return set;
    }
}
