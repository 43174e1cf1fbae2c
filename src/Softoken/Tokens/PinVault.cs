using System.Security.Cryptography;
using System.Text;

namespace Softoken.Tokens;

/// <summary>Turns a PIN into a <see cref="PinRecord"/> and back into the master key. One PBKDF2-HMAC-SHA256 run
/// gives a 32-byte secret (one block: asking PBKDF2 for more would double its cost); HKDF-Expand splits it into
/// the key that wraps the master key (AES-256-GCM) and the stored verifier, compared in constant time. Changing a
/// PIN rewraps one key.</summary>
internal static class PinVault
{
    public const int MasterKeyLength = 32;
    private const int SaltLength = 16;
    private const int NonceLength = 12;
    private const int TagLength = 16;
    private static readonly byte[] WrapContext = Encoding.ASCII.GetBytes("softoken master key v1");
    private static readonly byte[] KekInfo = Encoding.ASCII.GetBytes("softoken pin kek");
    private static readonly byte[] VerifierInfo = Encoding.ASCII.GetBytes("softoken pin verifier");

    /// <summary>derived[0..32] = wrapping key, derived[32..64] = verifier.</summary>
    private static void Derive(ReadOnlySpan<byte> pin, byte[] salt, int iterations, Span<byte> derived)
    {
        Span<byte> secret = stackalloc byte[PinKdfCache.SecretLength];
        try
        {
            Rfc2898DeriveBytes.Pbkdf2(pin, salt, secret, iterations, HashAlgorithmName.SHA256);
            Expand(secret, derived);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    private static void Expand(ReadOnlySpan<byte> secret, Span<byte> derived)
    {
        HKDF.Expand(HashAlgorithmName.SHA256, secret, derived[..32], KekInfo);
        HKDF.Expand(HashAlgorithmName.SHA256, secret, derived[32..], VerifierInfo);
    }

    public static byte[] NewMasterKey() => RandomNumberGenerator.GetBytes(MasterKeyLength);

    public static PinRecord Seal(ReadOnlySpan<byte> pin, ReadOnlySpan<byte> masterKey, int iterations)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltLength);
        Span<byte> derived = stackalloc byte[64];
        try
        {
            Derive(pin, salt, iterations, derived);
            var verifier = derived[32..].ToArray();
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

    /// <summary>Returns the master key when <paramref name="pin"/> is right, null when it is wrong. With a
    /// <paramref name="cache"/>, a PIN that opened this record recently skips PBKDF2 (see <see cref="PinKdfCache"/>);
    /// any other PIN runs the full KDF, and only a PIN that opens the record is added (unless the cache was cleared
    /// since <paramref name="seenGeneration"/>, taken before the record was read).</summary>
    public static byte[]? Open(ReadOnlySpan<byte> pin, PinRecord record, PinKdfCache? cache = null, long seenGeneration = 0)
    {
        Span<byte> secret = stackalloc byte[PinKdfCache.SecretLength];
        Span<byte> derived = stackalloc byte[64];
        try
        {
            bool cached = cache is not null && cache.TryGet(pin, record.Salt, record.Iterations, secret);
            if (!cached) Rfc2898DeriveBytes.Pbkdf2(pin, record.Salt, secret, record.Iterations, HashAlgorithmName.SHA256);
            Expand(secret, derived);
            if (!CryptographicOperations.FixedTimeEquals(derived[32..], record.Verifier)) return null;
            var masterKey = new byte[MasterKeyLength];
            using var gcm = new AesGcm(derived[..32], TagLength);
            var w = record.WrappedMasterKey;
            gcm.Decrypt(w.AsSpan(0, NonceLength), w.AsSpan(NonceLength, MasterKeyLength),
                w.AsSpan(NonceLength + MasterKeyLength, TagLength), masterKey, WrapContext);
            if (!cached) cache?.Add(pin, record.Salt, record.Iterations, secret, seenGeneration);
            return masterKey;
        }
        catch (CryptographicException)
        {
            return null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
            CryptographicOperations.ZeroMemory(derived);
        }
    }
}
