namespace Softoken.Objects;

/// <summary>How an attribute's value is encoded: drives ABI width conversion, storage and template checks.</summary>
internal enum AttributeKind
{
    /// <summary>A byte string (CK_BYTE array, big integers, DER, UTF-8 text).</summary>
    Bytes,
    /// <summary>CK_BBOOL.</summary>
    Bool,
    /// <summary>CK_ULONG (and the types defined as CK_ULONG: CK_OBJECT_CLASS, CK_KEY_TYPE, CK_MECHANISM_TYPE ...).</summary>
    Ulong,
    /// <summary>CK_DATE: 8 ASCII digits, or empty.</summary>
    Date,
    /// <summary>An array of CK_ULONG (CKA_ALLOWED_MECHANISMS).</summary>
    UlongArray,
    /// <summary>An array of CK_ATTRIBUTE (CKA_WRAP_TEMPLATE, CKA_UNWRAP_TEMPLATE, CKA_DERIVE_TEMPLATE).</summary>
    Template,
}
