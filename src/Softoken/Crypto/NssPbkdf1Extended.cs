using System.Security.Cryptography;

namespace Softoken.Crypto;

/// <summary>The PBE key generation behind NSS's CKM_NSS_PBE_SHA1_TRIPLE_DES_CBC and CKM_NSS_PBE_SHA1_FAULTY_3DES_CBC
/// (softokn lowpbe.c, the pre-standard PKCS #12 "PBE with SHA-1 and triple DES"), over .NET's SHA-1 and HMAC-SHA-1:
/// <list type="number">
/// <item>H = SHA-1^iterations(password || salt);</item>
/// <item>more bytes than SHA-1 gives come from the PKCS #12 / PKCS #5 extension lowpbe.c calls PFXPBE: with
/// state = salt, zero-padded to at least 20 bytes, block i = HMAC(H, state || salt), then state = HMAC(H, state);</item>
/// <item>the key is the first bytes, the IV the last 8 bytes of the whole blocks.</item>
/// </list>
/// "Faulty" reproduces an old NSS allocation bug that lowpbe.c keeps for keys made with it: the first hash runs over
/// password || salt zero-padded to 20 bytes when the two together are shorter than that (longer inputs are
/// unaffected).</summary>
internal static class NssPbkdf1Extended
{
    private const int HashLength = 20;

    public static (byte[] Key, byte[] Iv) DeriveDes3KeyAndIv(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, int iterations, bool faulty)
    {
        const int keyLength = 24, ivLength = 8;
        byte[] input = new byte[faulty ? Math.Max(HashLength, password.Length + salt.Length) : password.Length + salt.Length];
        password.CopyTo(input);
        salt.CopyTo(input.AsSpan(password.Length));
        byte[] hash = SHA1.HashData(input);
        for (int i = 1; i < iterations; i++) hash = SHA1.HashData(hash);
        CryptographicOperations.ZeroMemory(input);

        int blocks = (keyLength + ivLength + HashLength - 1) / HashLength;
        byte[] output = new byte[blocks * HashLength];
        byte[] state = new byte[Math.Max(HashLength, salt.Length)];
        salt.CopyTo(state);
        using (var hmac = new HMACSHA1(hash))
        {
            for (int i = 0; i < blocks; i++)
            {
                hmac.TryComputeHash([.. state, .. salt], output.AsSpan(i * HashLength), out _);
                state = hmac.ComputeHash(state);
            }
        }
        CryptographicOperations.ZeroMemory(hash);
        CryptographicOperations.ZeroMemory(state);
        var key = output.AsSpan(0, keyLength).ToArray();
        var iv = output.AsSpan(output.Length - ivLength).ToArray();
        CryptographicOperations.ZeroMemory(output);
        return (key, iv);
    }
}
