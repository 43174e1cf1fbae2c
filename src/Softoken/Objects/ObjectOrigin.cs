namespace Softoken.Objects;

/// <summary>How an object came to be: decides CKA_LOCAL, CKA_ALWAYS_SENSITIVE, CKA_NEVER_EXTRACTABLE and which
/// attributes a template may carry (PKCS #11 v3.0 section 4.9).</summary>
internal enum ObjectOrigin
{
    Created,
    Generated,
    Derived,
    Unwrapped,
}
