using Softoken.Crypto;
using Softoken.Pkcs11;

namespace Softoken.Operations;

/// <summary>An active C_DigestInit operation.</summary>
internal sealed class DigestOperation(CKM mechanism, IDigestEngine engine) : IDisposable
{
    public CKM Mechanism { get; } = mechanism;

    public IDigestEngine Engine { get; } = engine;

    /// <summary>True once C_DigestUpdate or C_DigestKey ran: C_Digest may then no longer be used.</summary>
    public bool MultiPart { get; set; }

    public int Size => Engine.Size;

    public void Dispose() => Engine.Dispose();
}
