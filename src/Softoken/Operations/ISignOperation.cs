namespace Softoken.Operations;

/// <summary>An active signature or MAC computation (C_SignInit). Update absorbs data; Final produces the
/// signature. Mechanisms without a multi-part form (CKM_RSA_PKCS, CKM_ECDSA, CKM_EDDSA ...) buffer the data and
/// check its length at Final, or report <see cref="SupportsMultiPart"/> false.</summary>
internal interface ISignOperation : IDisposable
{
    /// <summary>The exact (or, for DER-encoded forms, the largest) signature length.</summary>
    int SignatureLength { get; }

    bool SupportsMultiPart => true;

    /// <summary>True when the signature is as long as the caller's buffer (CKM_TLS_PRF_GENERAL and
    /// CKM_NSS_TLS_PRF_GENERAL_SHA256: softokn computes as many PRF bytes as pulSignatureLen says). The session
    /// then hands Final the caller's whole buffer without comparing its length with <see cref="SignatureLength"/>,
    /// which only answers a length query.</summary>
    bool LengthFromBuffer => false;

    void Update(ReadOnlySpan<byte> data);

    int Final(Span<byte> signature);
}
