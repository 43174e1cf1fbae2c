using System.Security.Cryptography;
using Softoken.Mechanisms;
using Softoken.Mechanisms.Parameters;
using Softoken.Objects;
using Softoken.Pkcs11;
using Softoken.Sessions;

namespace Softoken.Module;

/// <summary>Key encapsulation (PKCS #11 v3.2 section 5.18: C_EncapsulateKey, C_DecapsulateKey). The shared secret
/// becomes a new secret key object from the caller's template (with the key's CKA_ENCAPSULATE_TEMPLATE /
/// CKA_DECAPSULATE_TEMPLATE); it never leaves the token in the clear unless that key is extractable and not
/// sensitive.</summary>
internal sealed partial class SoftokenModule
{
    /// <summary>C_EncapsulateKey: a fresh shared secret for the public key, as a new key object, and its ciphertext.
    /// <paramref name="room"/> is the caller's buffer size (0 for a length query): a ciphertext longer than that makes
    /// no key, and the outcome has only the ciphertext (whose length the caller reports) and a null handle.</summary>
    public KemOutcome EncapsulateKey(Session session, CKM mechanism, MechanismParameter parameter, ulong hPublicKey,
        AttributeSet template, int room)
    {
        var encapsulate = MechanismRegistry.Get(mechanism).Encapsulate ?? throw new Pkcs11Exception(CKR.CKR_MECHANISM_INVALID);
        using var publicKey = KemKey(session, hPublicKey, mechanism, CKO.CKO_PUBLIC_KEY, CKA.CKA_ENCAPSULATE);
        using var merged = SecretKeyTemplate(template, publicKey.Bytes(CKA.CKA_ENCAPSULATE_TEMPLATE));
        CheckTemplateTarget(session, merged);
        var result = encapsulate(new MechanismContext(mechanism, parameter, publicKey, Random));
        try
        {
            if (result.Ciphertext.Length > room) return new KemOutcome(result.Ciphertext, null);
            return new KemOutcome(result.Ciphertext, AddSharedSecret(session, merged, result.Secret, mechanism, null));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(result.Secret);
        }
    }

    /// <summary>C_DecapsulateKey: the shared secret a ciphertext carries for the private key, as a new key object.</summary>
    public ulong DecapsulateKey(Session session, CKM mechanism, MechanismParameter parameter, ulong hPrivateKey,
        ReadOnlyMemory<byte> ciphertext, AttributeSet template)
    {
        var decapsulate = MechanismRegistry.Get(mechanism).Decapsulate ?? throw new Pkcs11Exception(CKR.CKR_MECHANISM_INVALID);
        using var privateKey = KemKey(session, hPrivateKey, mechanism, CKO.CKO_PRIVATE_KEY, CKA.CKA_DECAPSULATE);
        using var merged = SecretKeyTemplate(template, privateKey.Bytes(CKA.CKA_DECAPSULATE_TEMPLATE));
        CheckTemplateTarget(session, merged);
        var secret = decapsulate(new MechanismContext(mechanism, parameter, privateKey, Random), ciphertext);
        try
        {
            return AddSharedSecret(session, merged, secret, mechanism, privateKey);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <summary>The key of a KEM call: only KEM key types carry CKA_ENCAPSULATE / CKA_DECAPSULATE, so a key of another
    /// class or type is CKR_KEY_TYPE_INCONSISTENT, and a KEM key whose attribute is false CKR_KEY_FUNCTION_NOT_PERMITTED.</summary>
    private AttributeSet KemKey(Session session, ulong hKey, CKM mechanism, CKO cls, CKA usage)
    {
        var key = ResolveKey(session, hKey);
        try
        {
            if (key.Attributes.Class != cls || !key.Attributes.Has(usage)) throw new Pkcs11Exception(CKR.CKR_KEY_TYPE_INCONSISTENT);
            CheckUsable(key.Attributes, key.Locked, mechanism, usage);
            return key.Attributes;
        }
        catch
        {
            key.Attributes.Dispose();
            throw;
        }
    }

    /// <summary>The template of the new key with the key's required template merged in; CKO_SECRET_KEY and
    /// CKK_GENERIC_SECRET unless it says otherwise.</summary>
    private static AttributeSet SecretKeyTemplate(AttributeSet template, byte[]? required)
    {
        var merged = WithRequiredTemplate(template, required);
        if (merged.Class is { } cls && cls != CKO.CKO_SECRET_KEY)
        {
            merged.Dispose();
            throw new Pkcs11Exception(CKR.CKR_TEMPLATE_INCONSISTENT, "CKA_CLASS");
        }
        merged.SetUlong(CKA.CKA_CLASS, (ulong)CKO.CKO_SECRET_KEY);
        if (merged.KeyType is null) merged.SetUlong(CKA.CKA_KEY_TYPE, (ulong)CKK.CKK_GENERIC_SECRET);
        return merged;
    }

    /// <summary>The shared secret as a key: all of it, or its first CKA_VALUE_LEN bytes when the template asks for a
    /// shorter key (a longer one is CKR_TEMPLATE_INCONSISTENT).</summary>
    private ulong AddSharedSecret(Session session, AttributeSet template, byte[] secret, CKM mechanism, AttributeSet? baseKey)
    {
        int length = template.Ulong(CKA.CKA_VALUE_LEN) is { } n
            ? (n == 0 || n > (ulong)secret.Length ? throw new Pkcs11Exception(CKR.CKR_TEMPLATE_INCONSISTENT, "CKA_VALUE_LEN") : (int)n)
            : secret.Length;
        using var material = new AttributeSet();
        material.Set(CKA.CKA_VALUE, secret.AsSpan(0, length).ToArray());
        var attributes = ObjectBuilder.Build(template, ObjectOrigin.Derived, material, mechanism, baseKey);
        return AddObject(session, attributes);
    }
}

/// <summary>What C_EncapsulateKey produced: the ciphertext, and the new key's handle (null when the caller's buffer
/// was too small and no key was made).</summary>
internal sealed record KemOutcome(byte[] Ciphertext, ulong? Handle);
