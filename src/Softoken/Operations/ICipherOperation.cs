namespace Softoken.Operations;

/// <summary>An active encryption or decryption (C_EncryptInit / C_DecryptInit, and the cipher side of wrapping).
/// Length methods return the most the next call can write, so the native layer can apply the output-buffer
/// convention before any data is consumed; the operation then writes and returns the real length.</summary>
internal interface ICipherOperation : IDisposable
{
    /// <summary>Upper bound of the output of C_Encrypt / C_Decrypt for <paramref name="inputLength"/> bytes.</summary>
    int OneShotLength(int inputLength);

    /// <summary>C_Encrypt / C_Decrypt: the whole message at once. Ends the operation.</summary>
    int OneShot(ReadOnlySpan<byte> input, Span<byte> output);

    /// <summary>Upper bound of the output of an Update with <paramref name="inputLength"/> bytes.</summary>
    int UpdateLength(int inputLength);

    int Update(ReadOnlySpan<byte> input, Span<byte> output);

    /// <summary>Upper bound of the output of Final.</summary>
    int FinalLength();

    int Final(Span<byte> output);

    /// <summary>False for mechanisms that have no multi-part form (CKM_RSA_PKCS, CKM_AES_KEY_WRAP ...): the
    /// session then refuses Update and Final.</summary>
    bool SupportsMultiPart => true;
}
