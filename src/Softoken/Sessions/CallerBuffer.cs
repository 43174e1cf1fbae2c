using Softoken.Pkcs11;

namespace Softoken.Sessions;

/// <summary>The output buffer of a single-part call as the caller gave it (PKCS #11 v3.0 section 5.2): absent (a
/// length query), unusable (a bad pointer or length), or the bytes the caller offers. With it a session answers
/// the length query and runs the call under one acquisition of its lock; the checks keep the order of the
/// two-step path (operation first, then the buffer).</summary>
internal readonly ref struct CallerBuffer
{
    private CallerBuffer(Span<byte> space, bool present, bool bad)
    {
        Space = space;
        Present = present;
        Bad = bad;
    }

    /// <summary>No buffer: the caller asks for the length.</summary>
    public static CallerBuffer Query => new(default, false, false);

    /// <summary>A buffer pointer or length pointer the call cannot use: CKR_ARGUMENTS_BAD once the operation is found.</summary>
    public static CallerBuffer Unusable => new(default, true, true);

    public Span<byte> Space { get; }

    public bool Present { get; }

    public bool Bad { get; }

    public static CallerBuffer Of(Span<byte> space) => new(space, true, false);

    /// <summary>True when a result of <paramref name="needed"/> bytes can be written. False for a length query or a
    /// too-small buffer: the caller reports the length and the operation stays active.</summary>
    public bool Fits(int needed)
    {
        if (!Present) return false;
        if (Bad) throw new Pkcs11Exception(CKR.CKR_ARGUMENTS_BAD);
        return Space.Length >= needed;
    }
}
