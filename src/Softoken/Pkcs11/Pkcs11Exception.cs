namespace Softoken.Pkcs11;

/// <summary>The one exception the core throws: it carries the CK_RV the export boundary returns.</summary>
internal sealed class Pkcs11Exception : Exception
{
    public Pkcs11Exception(CKR rv) : base(rv.ToString()) => Rv = rv;

    public Pkcs11Exception(CKR rv, string detail) : base(rv + ": " + detail) => Rv = rv;

    public CKR Rv { get; }

    public static Pkcs11Exception Of(CKR rv) => new(rv);
}
