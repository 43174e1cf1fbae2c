using System.Buffers.Binary;
using Softoken.Native.Abi;
using Softoken.Objects;
using Softoken.Pkcs11;

namespace Softoken.Native.Interop;

/// <summary>CK_ATTRIBUTE arrays to and from <see cref="AttributeSet"/>: converts CK_ULONG values between the
/// ABI width and the canonical 8 bytes, and nested templates between CK_ATTRIBUTE arrays and
/// <see cref="TemplateCodec"/> blobs, driven by <see cref="AttributeKinds"/>.</summary>
internal static unsafe class Templates
{
    private const int MaxNesting = 4;

    public static AttributeSet Read(CK_ATTRIBUTE* template, CK_ULONG count) => Read(template, count, 0);

    private static AttributeSet Read(CK_ATTRIBUTE* template, CK_ULONG count, int depth)
    {
        var set = new AttributeSet();
        if (count == 0) return set;
        Args.Require(template);
        int n = Args.Length(count);
        for (int i = 0; i < n; i++)
        {
            var type = (CKA)(ulong)template[i].type;
            var value = ReadValue(type, (byte*)template[i].pValue, template[i].ulValueLen, depth);
            if (set.Bytes(type) is { } earlier && !earlier.AsSpan().SequenceEqual(value))
                throw new Pkcs11Exception(CKR.CKR_TEMPLATE_INCONSISTENT, type.ToString());
            set.Set(type, value);
        }
        return set;
    }

    /// <summary>The attribute types of a C_GetAttributeValue template.</summary>
    public static CKA[] Types(CK_ATTRIBUTE* template, CK_ULONG count)
    {
        if (count == 0) return [];
        Args.Require(template);
        var types = new CKA[Args.Length(count)];
        for (int i = 0; i < types.Length; i++) types[i] = (CKA)(ulong)template[i].type;
        return types;
    }

    private static byte[] ReadValue(CKA type, byte* p, CK_ULONG length, int depth)
    {
        if (length != 0 && (p == null || Args.IsBad(p))) throw new Pkcs11Exception(CKR.CKR_ATTRIBUTE_VALUE_INVALID, type.ToString());
        int len = (ulong)length > int.MaxValue ? throw new Pkcs11Exception(CKR.CKR_ATTRIBUTE_VALUE_INVALID) : (int)length;
        switch (AttributeKinds.Of(type))
        {
            case AttributeKind.Ulong:
                if (len != sizeof(CK_ULONG)) throw new Pkcs11Exception(CKR.CKR_ATTRIBUTE_VALUE_INVALID, type.ToString());
                return AttributeSet.EncodeUlong((ulong)*(CK_ULONG*)p);
            case AttributeKind.UlongArray:
                if (len % sizeof(CK_ULONG) != 0) throw new Pkcs11Exception(CKR.CKR_ATTRIBUTE_VALUE_INVALID, type.ToString());
                var items = new byte[len / sizeof(CK_ULONG) * 8];
                for (int i = 0; i < len / sizeof(CK_ULONG); i++)
                    BinaryPrimitives.WriteUInt64LittleEndian(items.AsSpan(i * 8), (ulong)((CK_ULONG*)p)[i]);
                return items;
            case AttributeKind.Template:
                if (depth >= MaxNesting || len % sizeof(CK_ATTRIBUTE) != 0)
                    throw new Pkcs11Exception(CKR.CKR_ATTRIBUTE_VALUE_INVALID, type.ToString());
                return TemplateCodec.Encode(Read((CK_ATTRIBUTE*)p, (CK_ULONG)(len / sizeof(CK_ATTRIBUTE)), depth + 1));
            default:
                return new ReadOnlySpan<byte>(p, len).ToArray();
        }
    }

    /// <summary>Writes a C_GetAttributeValue answer into the caller's template (PKCS #11 v3.0 section 5.7.5):
    /// every attribute is processed; those that cannot be returned get CK_UNAVAILABLE_INFORMATION.</summary>
    public static CKR Write(CK_ATTRIBUTE* template, AttributeRead[] reads)
    {
        var rv = CKR.CKR_OK;
        for (int i = 0; i < reads.Length; i++)
        {
            var problem = reads[i].Problem;
            if (problem == CKR.CKR_OK) problem = WriteOne(&template[i], reads[i].Type, reads[i].Value!);
            else template[i].ulValueLen = AbiLayout.Unavailable;
            if (problem == CKR.CKR_OK) continue;
            // A sensitive or unknown attribute says more than a short buffer; report that one.
            if (rv == CKR.CKR_OK || rv == CKR.CKR_BUFFER_TOO_SMALL) rv = problem;
        }
        return rv;
    }

    /// <summary>Writes one readable attribute; a buffer that is too small gets CK_UNAVAILABLE_INFORMATION.</summary>
    private static CKR WriteOne(CK_ATTRIBUTE* attribute, CKA type, byte[] canonical)
    {
        var kind = AttributeKinds.Of(type);
        if (kind == AttributeKind.Template) return WriteTemplate(attribute, TemplateCodec.Decode(canonical));
        int needed = kind switch
        {
            AttributeKind.Ulong => sizeof(CK_ULONG),
            AttributeKind.UlongArray => canonical.Length / 8 * sizeof(CK_ULONG),
            _ => canonical.Length,
        };
        if (attribute->pValue == null)
        {
            attribute->ulValueLen = (CK_ULONG)needed;
            return CKR.CKR_OK;
        }
        if (Args.IsBad(attribute->pValue)) throw new Pkcs11Exception(CKR.CKR_ARGUMENTS_BAD);
        if ((ulong)attribute->ulValueLen < (ulong)needed)
        {
            attribute->ulValueLen = AbiLayout.Unavailable;
            return CKR.CKR_BUFFER_TOO_SMALL;
        }
        var p = (byte*)attribute->pValue;
        switch (kind)
        {
            case AttributeKind.Ulong:
                *(CK_ULONG*)p = (CK_ULONG)BinaryPrimitives.ReadUInt64LittleEndian(canonical);
                break;
            case AttributeKind.UlongArray:
                for (int i = 0; i < canonical.Length / 8; i++)
                    ((CK_ULONG*)p)[i] = (CK_ULONG)BinaryPrimitives.ReadUInt64LittleEndian(canonical.AsSpan(i * 8));
                break;
            default:
                canonical.CopyTo(new Span<byte>(p, canonical.Length));
                break;
        }
        attribute->ulValueLen = (CK_ULONG)needed;
        return CKR.CKR_OK;
    }

    /// <summary>A nested template: the length is the size of the CK_ATTRIBUTE array; given an array that large,
    /// each element gets its type and, under the same convention, its value. The array keeps its exact length when
    /// only some elements cannot be returned (step 4 of section 5.7.5 applies to the array; the elements carry their
    /// own CK_UNAVAILABLE_INFORMATION).</summary>
    private static CKR WriteTemplate(CK_ATTRIBUTE* attribute, AttributeSet nested)
    {
        int needed = nested.Count * sizeof(CK_ATTRIBUTE);
        if (attribute->pValue == null)
        {
            attribute->ulValueLen = (CK_ULONG)needed;
            return CKR.CKR_OK;
        }
        if (Args.IsBad(attribute->pValue)) throw new Pkcs11Exception(CKR.CKR_ARGUMENTS_BAD);
        if ((ulong)attribute->ulValueLen < (ulong)needed)
        {
            attribute->ulValueLen = AbiLayout.Unavailable;
            return CKR.CKR_BUFFER_TOO_SMALL;
        }
        var items = (CK_ATTRIBUTE*)attribute->pValue;
        var rv = CKR.CKR_OK;
        int i = 0;
        foreach (var (type, value) in nested)
        {
            items[i].type = (CK_ULONG)(ulong)type;
            var problem = WriteOne(&items[i], type, value);
            if (problem != CKR.CKR_OK) rv = problem;
            i++;
        }
        attribute->ulValueLen = (CK_ULONG)needed;
        return rv;
    }
}
