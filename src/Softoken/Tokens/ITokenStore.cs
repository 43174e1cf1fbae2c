using Softoken.Pkcs11;

namespace Softoken.Tokens;

/// <summary>The persistent side of the key-storage token: its identity, PIN records and failure counters.
/// Every read goes to the database, so several processes sharing one token see each other's changes.</summary>
internal interface ITokenStore : ITokenObjectStore, IDisposable
{
    /// <summary>Unique and stable for the life of the database.</summary>
    string Serial { get; }

    bool ReadOnly { get; }

    TokenRecord Read();

    /// <summary>C_InitToken: removes every token object and the user PIN, sets label, SO PIN and a new master key
    /// (wrapped in <paramref name="so"/>), all in one transaction.</summary>
    void Reinitialize(string label, PinRecord so);

    /// <summary>Replaces one user's PIN record and clears its failure counter.</summary>
    void SetPin(CKU user, PinRecord record);

    /// <summary>Counts one failed login atomically and returns the new count.</summary>
    int RecordFailure(CKU user);

    void ResetFailures(CKU user);
}

/// <summary>A snapshot of the token's persistent state.</summary>
internal sealed record TokenRecord(
    string Label,
    PinRecord SoPin,
    bool SoPinSetByUser,
    PinRecord? UserPin,
    int SoFailures,
    int UserFailures);

/// <summary>One PIN, stored only as a slow salted hash, plus the token master key wrapped under a key derived
/// from the same PIN. <see cref="IsEmpty"/> records that the PIN is the empty string (the token flags reveal
/// that anyway: an empty user PIN means no login is required).</summary>
internal sealed record PinRecord(byte[] Salt, int Iterations, byte[] Verifier, byte[] WrappedMasterKey, bool IsEmpty);
