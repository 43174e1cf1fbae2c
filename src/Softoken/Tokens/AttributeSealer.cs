using System.Buffers.Binary;
using System.Security.Cryptography;
using Softoken.Pkcs11;

namespace Softoken.Tokens;

/// <summary>AES-256-GCM sealing of one attribute value under the token master key. The associated data binds the
/// object's stable id and the attribute type, so a sealed value moved to another object or attribute fails to
/// open instead of being accepted.</summary>
internal static class AttributeSealer
{
    private const int NonceLength = 12;
    private const int TagLength = 16;

    public static byte[] Seal(ReadOnlySpan<byte> masterKey, long objectId, CKA type, ReadOnlySpan<byte> value)
    {
        var sealedValue = new byte[NonceLength + value.Length + TagLength];
        RandomNumberGenerator.Fill(sealedValue.AsSpan(0, NonceLength));
        Span<byte> aad = stackalloc byte[16];
        Context(aad, objectId, type);
        using var gcm = new AesGcm(masterKey, TagLength);
        gcm.Encrypt(sealedValue.AsSpan(0, NonceLength), value, sealedValue.AsSpan(NonceLength, value.Length),
            sealedValue.AsSpan(NonceLength + value.Length), aad);
        return sealedValue;
    }

    public static byte[] Open(ReadOnlySpan<byte> masterKey, long objectId, CKA type, ReadOnlySpan<byte> sealedValue)
    {
        if (sealedValue.Length < NonceLength + TagLength) throw new Pkcs11Exception(CKR.CKR_DEVICE_ERROR, "sealed value too short");
        int length = sealedValue.Length - NonceLength - TagLength;
        var value = new byte[length];
        Span<byte> aad = stackalloc byte[16];
        Context(aad, objectId, type);
        try
        {
            using var gcm = new AesGcm(masterKey, TagLength);
            gcm.Decrypt(sealedValue[..NonceLength], sealedValue.Slice(NonceLength, length), sealedValue[(NonceLength + length)..],
                value, aad);
            return value;
        }
        catch (CryptographicException)
        {
            throw new Pkcs11Exception(CKR.CKR_DEVICE_ERROR, $"sealed {type} of object {objectId} failed authentication");
        }
    }

    private static void Context(Span<byte> aad, long objectId, CKA type)
    {
        BinaryPrimitives.WriteInt64LittleEndian(aad, objectId);
        BinaryPrimitives.WriteUInt64LittleEndian(aad[8..], (ulong)type);
    }
}
