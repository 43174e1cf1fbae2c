using Org.BouncyCastle.Crypto;

namespace Softoken.Crypto;

/// <summary>DSA and ECDSA signatures on BouncyCastle in PKCS #11's form: r || s, each as a big-endian number of the
/// group order's length.</summary>
internal static class BouncyDsaSignatures
{
    public static int Sign(IDsa signer, ICipherParameters key, ReadOnlySpan<byte> input, Span<byte> signature, int orderLength)
    {
        signer.Init(true, key);
        var rs = signer.GenerateSignature(input.ToArray());
        Unsigned.FromBig(rs[0], orderLength).CopyTo(signature);
        Unsigned.FromBig(rs[1], orderLength).CopyTo(signature[orderLength..]);
        return 2 * orderLength;
    }

    public static bool Verify(IDsa verifier, ICipherParameters key, ReadOnlySpan<byte> input, ReadOnlySpan<byte> signature, int orderLength)
    {
        verifier.Init(false, key);
        return verifier.VerifySignature(input.ToArray(), Unsigned.ToBig(signature[..orderLength]), Unsigned.ToBig(signature[orderLength..]));
    }
}
