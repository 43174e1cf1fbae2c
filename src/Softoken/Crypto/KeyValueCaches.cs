using Softoken.Objects;
using Softoken.Pkcs11;

namespace Softoken.Crypto;

/// <summary>The caches of keyed crypto state that are keyed by a key object's CKA_VALUE array
/// (<see cref="AesKeySchedules"/>, <see cref="KeyedPool{T}"/>): when the object table wipes a key's attributes (the
/// key was destroyed or changed, its session closed, C_Finalize ran), each cache drops its entry for that array and
/// wipes its copy of the key, so that no cached state outlives the key object.</summary>
internal static class KeyValueCaches
{
    private static readonly Lock Gate = new();
    private static Action<byte[]>[] forgetters = [];

    public static void Register(Action<byte[]> forget)
    {
        lock (Gate) forgetters = [.. forgetters, forget];
    }

    /// <summary>For <see cref="ObjectTable"/>: runs just before <paramref name="attributes"/> are wiped.</summary>
    public static void Forget(AttributeSet attributes)
    {
        if (attributes.Bytes(CKA.CKA_VALUE) is not { } value) return;
        foreach (var forget in Volatile.Read(ref forgetters)) forget(value);
    }
}
