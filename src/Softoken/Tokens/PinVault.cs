using System.Security.Cryptography;
using System.Text;

namespace Softoken.Tokens;

/// <summary>Turns a PIN into a <see cref="PinRecord"/> and back into the master key. One PBKDF2-HMAC-SHA256 run
/// gives 64 bytes: the first half is the key that wraps the master key (AES-256-GCM), the SHA-256 of the second
/// half is the stored verifier, compared in constant time. Changing a PIN rewraps one key.</summary>
internal static class PinVault
{
    public const int MasterKeyLength = 32;
    private const int SaltLength = 16;
    private const int NonceLength = 12;
    private const int TagLength = 16;
    private static readonly byte[] WrapContext = Encoding.ASCII.GetBytes("softoken master key v1");

    public static byte[] NewMasterKey() => RandomNumberGenerator.GetBytes(MasterKeyLength);

    public static PinRecord Seal(ReadOnlySpan<byte> pin, ReadOnlySpan<byte> masterKey, int iterations)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltLength);
        Span<byte> derived = stackalloc byte[64];
        try
        {
            Rfc2898DeriveBytes.Pbkdf2(pin, salt, derived, iterations, HashAlgorithmName.SHA256);
            var verifier = SHA256.HashData(derived[32..]);
            var wrapped = new byte[NonceLength + MasterKeyLength + TagLength];
            RandomNumberGenerator.Fill(wrapped.AsSpan(0, NonceLength));
            using var gcm = new AesGcm(derived[..32], TagLength);
            gcm.Encrypt(wrapped.AsSpan(0, NonceLength), masterKey, wrapped.AsSpan(NonceLength, MasterKeyLength),
                wrapped.AsSpan(NonceLength + MasterKeyLength), WrapContext);
            return new PinRecord(salt, iterations, verifier, wrapped, pin.IsEmpty);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(derived);
        }
    }

    /// <summary>Returns the master key when <paramref name="pin"/> is right, null when it is wrong.</summary>
    public static byte[]? Open(ReadOnlySpan<byte> pin, PinRecord record)
    {
        Span<byte> derived = stackalloc byte[64];
        try
        {
            Rfc2898DeriveBytes.Pbkdf2(pin, record.Salt, derived, record.Iterations, HashAlgorithmName.SHA256);
            Span<byte> verifier = stackalloc byte[32];
            SHA256.HashData(derived[32..], verifier);
            if (!CryptographicOperations.FixedTimeEquals(verifier, record.Verifier)) return null;
            var masterKey = new byte[MasterKeyLength];
            using var gcm = new AesGcm(derived[..32], TagLength);
            var w = record.WrappedMasterKey;
            gcm.Decrypt(w.AsSpan(0, NonceLength), w.AsSpan(NonceLength, MasterKeyLength),
                w.AsSpan(NonceLength + MasterKeyLength, TagLength), masterKey, WrapContext);
            return masterKey;
        }
        catch (CryptographicException)
        {
            return null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(derived);
        }
    }
}
