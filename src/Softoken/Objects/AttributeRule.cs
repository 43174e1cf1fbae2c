namespace Softoken.Objects;

/// <summary>How one attribute behaves for one kind of object (PKCS #11 v3.0 section 4.1, table 10 footnotes).</summary>
[Flags]
internal enum AttributeRule
{
    /// <summary>Valid for the object; may be given on create and changed with C_SetAttributeValue.</summary>
    Changeable = 0,
    /// <summary>Must be given when the object is created with C_CreateObject (footnote 1).</summary>
    Required = 1,
    /// <summary>Set by the token only; never in a template (footnote 4: CKA_LOCAL, CKA_ALWAYS_SENSITIVE ...).</summary>
    TokenOnly = 2,
    /// <summary>Given at creation, never changed afterwards (footnote 8 absent: CKA_CLASS, key material ...).</summary>
    Fixed = 4,
    /// <summary>Secret material: never returned while the object is sensitive or not extractable (footnote 7),
    /// always sealed at rest.</summary>
    Secret = 8,
    /// <summary>Computed by key generation; must not be in a C_GenerateKey(Pair) template (footnote 3).</summary>
    Generated = 16,
}
