using System.Buffers.Binary;
using Softoken.Pkcs11;

namespace Softoken.Objects;

/// <summary>Checks a template value against its attribute kind (CKR_ATTRIBUTE_VALUE_INVALID).</summary>
internal static class AttributeValues
{
    public static void Check(CKA type, byte[] value)
    {
        bool ok = AttributeKinds.Of(type) switch
        {
            AttributeKind.Bool => value.Length == 1 && value[0] <= 1,
            AttributeKind.Ulong => value.Length == 8,
            AttributeKind.UlongArray => value.Length % 8 == 0,
            AttributeKind.Date => value.Length == 0 || (value.Length == 8 && value.All(b => b is >= (byte)'0' and <= (byte)'9')),
            _ => true,
        };
        // CK_CERTIFICATE_CATEGORY: 0 unspecified, 1 token user, 2 authority, 3 other entity (section 4.6.2).
        if (ok && type == CKA.CKA_CERTIFICATE_CATEGORY) ok = BinaryPrimitives.ReadUInt64LittleEndian(value) <= 3;
        if (!ok) throw new Pkcs11Exception(CKR.CKR_ATTRIBUTE_VALUE_INVALID, type.ToString());
    }

    /// <summary>CK_UNAVAILABLE_INFORMATION as a CK_ULONG attribute value (CKA_KEY_GEN_MECHANISM of an imported key).</summary>
    public static readonly ulong Unavailable = ulong.MaxValue;
}
