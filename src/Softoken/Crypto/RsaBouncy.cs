using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Encodings;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;
using Softoken.Pkcs11;

namespace Softoken.Crypto;

/// <summary>The RSA operations .NET does not expose, on BouncyCastle: raw RSA (CKM_RSA_X_509), PKCS #1 v1.5
/// signature padding of arbitrary data, and recovery of signed data.</summary>
internal static class RsaBouncy
{
    /// <summary>m^e mod n, left-padded to k bytes. An input longer than k or not below n is <paramref name="tooLarge"/>.</summary>
    public static byte[] RawPublic(RsaKey key, ReadOnlySpan<byte> input, CKR tooLarge) =>
        Raw(key.BouncyPublic(), key.Length, input, tooLarge);

    /// <summary>m^d mod n (blinded when the key has its CRT components), left-padded to k bytes.</summary>
    public static byte[] RawPrivate(RsaKey key, ReadOnlySpan<byte> input, SecureRandom random, CKR tooLarge) =>
        Raw(new ParametersWithRandom(key.BouncyPrivate(), random), key.Length, input, tooLarge);

    private static byte[] Raw(ICipherParameters parameters, int k, ReadOnlySpan<byte> input, CKR tooLarge)
    {
        if (input.Length > k) throw new Pkcs11Exception(tooLarge);
        var engine = new RsaBlindedEngine();
        // "Decryption" mode only so that a full k-byte input is accepted; the exponent comes from the key.
        engine.Init(false, parameters);
        try
        {
            var output = engine.ProcessBlock(input.ToArray(), 0, input.Length);
            return output.Length == k ? output : Unsigned.FromBig(Unsigned.ToBig(output), k);
        }
        catch (DataLengthException)
        {
            throw new Pkcs11Exception(tooLarge);
        }
    }

    /// <summary>EMSA-PKCS1-v1_5 block type 1 over <paramref name="data"/> (which is at most k-11 bytes), signed.</summary>
    public static byte[] SignPkcs1(RsaKey key, ReadOnlySpan<byte> data, SecureRandom random)
    {
        if (data.Length > key.Length - 11) throw new Pkcs11Exception(CKR.CKR_DATA_LEN_RANGE);
        var encoding = new Pkcs1Encoding(new RsaBlindedEngine());
        encoding.Init(true, new ParametersWithRandom(key.BouncyPrivate(), random));
        var output = encoding.ProcessBlock(data.ToArray(), 0, data.Length);
        return output.Length == key.Length ? output : Unsigned.FromBig(Unsigned.ToBig(output), key.Length);
    }

    /// <summary>The data inside a PKCS #1 v1.5 type 1 signature, or null when the signature does not open.</summary>
    public static byte[]? RecoverPkcs1(RsaKey key, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != key.Length) return null;
        var encoding = new Pkcs1Encoding(new RsaBlindedEngine());
        encoding.Init(false, key.BouncyPublic());
        try
        {
            return encoding.ProcessBlock(signature.ToArray(), 0, signature.Length);
        }
        catch (Exception e) when (e is InvalidCipherTextException or DataLengthException)
        {
            return null;
        }
    }
}
