using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Softoken.Mechanisms.Parameters;
using Softoken.Pkcs11;

namespace Softoken.Crypto;

/// <summary>CKM_EDDSA (RFC 8032): Ed25519 and Ed448, pure or, with CK_EDDSA_PARAMS, with a context (Ed25519ctx,
/// Ed448) or prehashed (Ed25519ph, Ed448ph). Without a parameter: Ed25519 pure, Ed448 with an empty context.
/// The input is the whole message (single-part in PKCS #11).</summary>
internal sealed class EddsaScheme : ISignatureScheme
{
    private readonly EcCurve curve;
    private readonly byte[]? seed;
    private readonly byte[]? point;
    private readonly bool prehash;
    private readonly byte[] context;

    public EddsaScheme(EcCurve curve, byte[]? seed, byte[]? point, EddsaParameter? parameter)
    {
        this.curve = curve;
        this.seed = seed;
        this.point = point;
        prehash = parameter?.PhFlag ?? false;
        context = parameter?.ContextData ?? [];
        if (context.Length > 255) throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID, "context");
    }

    public int SignatureLength => curve == EcCurves.Ed25519 ? 64 : 114;

    public int Sign(ReadOnlySpan<byte> input, Span<byte> signature)
    {
        var signer = Signer();
        ICipherParameters key = curve == EcCurves.Ed25519 ? new Ed25519PrivateKeyParameters(seed!) : new Ed448PrivateKeyParameters(seed!);
        signer.Init(true, key);
        signer.BlockUpdate(input);
        var sig = signer.GenerateSignature();
        sig.CopyTo(signature);
        return sig.Length;
    }

    public bool Verify(ReadOnlySpan<byte> input, ReadOnlySpan<byte> signature)
    {
        ICipherParameters key;
        try
        {
            key = curve == EcCurves.Ed25519 ? new Ed25519PublicKeyParameters(point!) : new Ed448PublicKeyParameters(point!);
        }
        catch (ArgumentException)
        {
            return false;
        }
        var verifier = Signer();
        verifier.Init(false, key);
        verifier.BlockUpdate(input);
        return verifier.VerifySignature(signature.ToArray());
    }

    private ISigner Signer()
    {
        if (curve == EcCurves.Ed25519)
        {
            if (prehash) return new Ed25519phSigner(context);
            return context.Length == 0 ? new Ed25519Signer() : new Ed25519ctxSigner(context);
        }
        return prehash ? new Ed448phSigner(context) : new Ed448Signer(context);
    }

    public void Dispose()
    {
        if (seed is not null) CryptographicOperations.ZeroMemory(seed);
    }
}
