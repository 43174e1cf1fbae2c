using Softoken.Crypto.KeyEncoding;
using Softoken.Mechanisms;
using Softoken.Mechanisms.Parameters;
using Softoken.Objects;
using Softoken.Pkcs11;
using Softoken.Sessions;

namespace Softoken.Module;

/// <summary>Key management (PKCS #11 v3.0 section 5.18): generation, derivation, wrapping and unwrapping. The
/// mechanism computes key material; <see cref="ObjectBuilder"/> turns it and the caller's template into an object.</summary>
internal sealed partial class SoftokenModule
{
    /// <summary>Attributes a key pair's halves share when only one template names them.</summary>
    private static readonly CKA[] SharedDomainAttributes = [CKA.CKA_EC_PARAMS, CKA.CKA_PRIME, CKA.CKA_SUBPRIME, CKA.CKA_BASE];

    public ulong GenerateKey(Session session, CKM mechanism, MechanismParameter parameter, AttributeSet template)
    {
        var row = MechanismRegistry.Get(mechanism);
        var generate = row.GenerateKey ?? throw new Pkcs11Exception(CKR.CKR_MECHANISM_INVALID);
        CheckTemplateTarget(session, template);
        using var oneProcessIdRead = Random.OneCall();
        using var material = generate(new KeyGenRequest(mechanism, parameter, template, Random));
        if (template.Class is null && material.Class is null) material.SetUlong(CKA.CKA_CLASS, (ulong)CKO.CKO_SECRET_KEY);
        var attributes = ObjectBuilder.Build(template, ObjectOrigin.Generated, material, mechanism, random: Random.Fill);
        return AddObject(session, attributes);
    }

    public (ulong Public, ulong Private) GenerateKeyPair(Session session, CKM mechanism, MechanismParameter parameter,
        AttributeSet publicTemplate, AttributeSet privateTemplate)
    {
        var row = MechanismRegistry.Get(mechanism);
        var generate = row.GenerateKeyPair ?? throw new Pkcs11Exception(CKR.CKR_MECHANISM_INVALID);
        if (publicTemplate.Class is { } pc && pc != CKO.CKO_PUBLIC_KEY) throw new Pkcs11Exception(CKR.CKR_TEMPLATE_INCONSISTENT);
        if (privateTemplate.Class is { } sc && sc != CKO.CKO_PRIVATE_KEY) throw new Pkcs11Exception(CKR.CKR_TEMPLATE_INCONSISTENT);
        CheckTemplateTarget(session, publicTemplate);
        CheckTemplateTarget(session, privateTemplate);
        using var oneProcessIdRead = Random.OneCall();
        var material = generate(new KeyPairRequest(mechanism, parameter, publicTemplate, privateTemplate, Random));
        using var publicMaterial = material.Public;
        using var privateMaterial = material.Private;
        publicMaterial.SetUlong(CKA.CKA_CLASS, (ulong)CKO.CKO_PUBLIC_KEY);
        privateMaterial.SetUlong(CKA.CKA_CLASS, (ulong)CKO.CKO_PRIVATE_KEY);
        foreach (var shared in SharedDomainAttributes)
        {
            var value = publicMaterial.Bytes(shared) ?? publicTemplate.Bytes(shared);
            if (value is not null && !privateTemplate.Has(shared)) privateMaterial.Default(shared, (byte[])value.Clone());
        }
        var publicKey = ObjectBuilder.Build(publicTemplate, ObjectOrigin.Generated, publicMaterial, mechanism, random: Random.Fill);
        var privateKey = ObjectBuilder.Build(privateTemplate, ObjectOrigin.Generated, privateMaterial, mechanism, random: Random.Fill);
        CompletePublicInfo(publicKey);
        CompletePublicInfo(privateKey, publicKey);
        // Both halves are checked before either is stored, so a refused half leaves nothing behind.
        CheckCanWrite(session, publicKey);
        CheckCanWrite(session, privateKey);
        var hPublic = AddObject(session, publicKey);
        try
        {
            return (hPublic, AddObject(session, privateKey));
        }
        catch
        {
            DestroyObject(session, hPublic);
            throw;
        }
    }

    /// <summary>Derivations whose result is a data object (CKO_DATA with the output in CKA_VALUE), not a key.</summary>
    private static readonly HashSet<CKM> DataDerivations =
    [
        CKM.CKM_HKDF_DATA, CKM.CKM_NSS_SP800_108_COUNTER_KDF_DERIVE_DATA, CKM.CKM_NSS_SP800_108_FEEDBACK_KDF_DERIVE_DATA,
        CKM.CKM_NSS_SP800_108_DOUBLE_PIPELINE_KDF_DERIVE_DATA,
    ];

    /// <summary>C_DeriveKey. Returns the new object's handle (0 for CKM_TLS12_KEY_AND_MAC_DERIVE, whose keys are
    /// <see cref="DeriveOutcome.KeyBlock"/>) and what the mechanism returns through its parameter.</summary>
    public DeriveOutcome DeriveKey(Session session, CKM mechanism, MechanismParameter parameter, ulong hBaseKey, AttributeSet template)
    {
        var row = MechanismRegistry.Get(mechanism);
        var derive = row.Derive ?? throw new Pkcs11Exception(CKR.CKR_MECHANISM_INVALID);
        using var baseKey = UsableKey(session, hBaseKey, mechanism, CKA.CKA_DERIVE);
        using var merged = WithRequiredTemplate(template, baseKey.Bytes(CKA.CKA_DERIVE_TEMPLATE));
        CheckTemplateTarget(session, merged);
        parameter = ResolveKeyParameters(session, parameter);
        var result = derive(new DeriveRequest(mechanism, parameter, baseKey, merged, Random));
        using var material = result.Key;
        if (result.Extra is TlsKeyMaterial keyBlock) return new DeriveOutcome(0, result, CreateKeyBlock(session, keyBlock, merged, baseKey, mechanism));
        if (DataDerivations.Contains(mechanism))
        {
            if (merged.Class is { } cls && cls != CKO.CKO_DATA) throw new Pkcs11Exception(CKR.CKR_TEMPLATE_INCONSISTENT);
            // Key attributes a caller may send along (CKA_VALUE_LEN, CKA_SENSITIVE ...) mean nothing for data.
            var dataRules = ObjectSchema.Cached(CKO.CKO_DATA, null)!;
            using var dataTemplate = new AttributeSet(merged.Where(a => dataRules.ContainsKey(a.Key) && a.Key != CKA.CKA_VALUE)
                .Select(a => KeyValuePair.Create(a.Key, (byte[])a.Value.Clone())));
            dataTemplate.SetUlong(CKA.CKA_CLASS, (ulong)CKO.CKO_DATA);
            using var data = new AttributeSet();
            data.Set(CKA.CKA_VALUE, (byte[])material.RequireBytes(CKA.CKA_VALUE).Clone());
            return new DeriveOutcome(AddObject(session, ObjectBuilder.Build(dataTemplate, ObjectOrigin.Created, data, random: Random.Fill)), result, null);
        }
        if (merged.Class is null && material.Class is null) material.SetUlong(CKA.CKA_CLASS, (ulong)CKO.CKO_SECRET_KEY);
        var attributes = ObjectBuilder.Build(merged, ObjectOrigin.Derived, material, mechanism, baseKey, Random.Fill);
        return new DeriveOutcome(AddObject(session, attributes), result, null);
    }

    /// <summary>Parameters that name other keys (CKM_CONCATENATE_BASE_AND_KEY, HKDF with CKF_HKDF_SALT_KEY) get
    /// those keys' values: secret keys the session may use for derivation.</summary>
    private MechanismParameter ResolveKeyParameters(Session session, MechanismParameter parameter) => parameter switch
    {
        KeyHandleParameter k => k with { Value = SecretValueOf(session, k.Handle) },
        HkdfParameter h when h.SaltType == HkdfSalt.CKF_HKDF_SALT_KEY => h with { SaltKey = SecretValueOf(session, h.SaltKeyHandle) },
        IkePrfParameter i when i.Rekey => i with { NewKey = SecretValueOf(session, i.NewKeyHandle) },
        Ike2PrfPlusParameter i when i.HasSeedKey => i with { SeedKey = SecretValueOf(session, i.SeedKeyHandle) },
        Ike1PrfParameter i => i with
        {
            Gxy = SecretValueOf(session, i.GxyHandle),
            PreviousKey = i.HasPreviousKey ? SecretValueOf(session, i.PreviousKeyHandle) : null,
        },
        Ike1ExtendedParameter i when i.HasGxy => i with { Gxy = SecretValueOf(session, i.GxyHandle) },
        _ => parameter,
    };

    private byte[] SecretValueOf(Session session, ulong handle)
    {
        var key = ResolveKey(session, handle);
        if (key.Attributes.Class != CKO.CKO_SECRET_KEY) throw new Pkcs11Exception(CKR.CKR_KEY_TYPE_INCONSISTENT);
        if (key.Locked.Count > 0) throw new Pkcs11Exception(CKR.CKR_USER_NOT_LOGGED_IN);
        return (byte[])key.Attributes.RequireBytes(CKA.CKA_VALUE).Clone();
    }

    /// <summary>The keys of a TLS key block (RFC 5246 section 6.3): the MAC secrets as generic secrets for
    /// signing, the write keys of the template's key type (none when the cipher key length is 0).</summary>
    private ulong[] CreateKeyBlock(Session session, TlsKeyMaterial block, AttributeSet template, AttributeSet baseKey, CKM mechanism)
    {
        var handles = new ulong[4];
        handles[0] = AddKeyBlockKey(session, block.ClientMacSecret, CKK.CKK_GENERIC_SECRET, template, baseKey, mechanism, mac: true);
        handles[1] = AddKeyBlockKey(session, block.ServerMacSecret, CKK.CKK_GENERIC_SECRET, template, baseKey, mechanism, mac: true);
        if (block.ClientKey.Length > 0)
        {
            var keyType = template.KeyType ?? CKK.CKK_GENERIC_SECRET;
            handles[2] = AddKeyBlockKey(session, block.ClientKey, keyType, template, baseKey, mechanism, mac: false);
            handles[3] = AddKeyBlockKey(session, block.ServerKey, keyType, template, baseKey, mechanism, mac: false);
        }
        return handles;
    }

    private ulong AddKeyBlockKey(Session session, byte[] value, CKK keyType, AttributeSet template, AttributeSet baseKey, CKM mechanism, bool mac)
    {
        using var keyTemplate = mac ? new AttributeSet() : template.Clone();
        keyTemplate.SetUlong(CKA.CKA_CLASS, (ulong)CKO.CKO_SECRET_KEY);
        keyTemplate.SetUlong(CKA.CKA_KEY_TYPE, (ulong)keyType);
        keyTemplate.Remove(CKA.CKA_VALUE_LEN);
        if (mac)
        {
            keyTemplate.SetBool(CKA.CKA_SIGN, true);
            keyTemplate.SetBool(CKA.CKA_VERIFY, true);
            if (template.Has(CKA.CKA_TOKEN)) keyTemplate.Set(CKA.CKA_TOKEN, template.RequireBytes(CKA.CKA_TOKEN));
        }
        // PKCS #11 (CKM_SSL3_KEY_AND_MAC_DERIVE, which CKM_TLS12_KEY_AND_MAC_DERIVE follows): all four keys inherit CKA_SENSITIVE and
        // CKA_EXTRACTABLE from the base key; a template may restate them (softokn builds every key of the block
        // from the template).
        foreach (var inherited in new[] { CKA.CKA_SENSITIVE, CKA.CKA_EXTRACTABLE })
        {
            if (template.Bytes(inherited) is { } given) keyTemplate.Set(inherited, (byte[])given.Clone());
            else if (baseKey.Bytes(inherited) is { } fromBase) keyTemplate.Set(inherited, (byte[])fromBase.Clone());
        }
        using var material = new AttributeSet();
        material.Set(CKA.CKA_VALUE, (byte[])value.Clone());
        return AddObject(session, ObjectBuilder.Build(keyTemplate, ObjectOrigin.Derived, material, mechanism, baseKey, Random.Fill));
    }

    /// <summary>C_WrapKey. A sensitive key is never wrapped by a key that may also decrypt: otherwise C_Decrypt
    /// with the wrapping key would reveal it (the classic wrap/decrypt attack). Keys generated from a password
    /// (CKM_PKCS5_PBKD2, the PKCS #12 PBE generators) are exempt, as in softokn: NSS's PKCS #12 export
    /// (PK11_ExportEncryptedPrivKeyInfo, pk12util -o) always makes its PBE key with CKA_ENCRYPT, CKA_DECRYPT,
    /// CKA_WRAP and CKA_UNWRAP, and wraps the private key with it.</summary>
    public byte[] WrapKey(Session session, CKM mechanism, MechanismParameter parameter, ulong hWrappingKey, ulong hKey)
    {
        var row = MechanismRegistry.Get(mechanism);
        var wrap = row.Wrap ?? throw new Pkcs11Exception(CKR.CKR_MECHANISM_INVALID);
        using var wrappingKey = UsableKey(session, hWrappingKey, mechanism, CKA.CKA_WRAP);
        var target = ResolveKey(session, hKey);
        var key = target.Attributes;
        if (key.Class is not (CKO.CKO_SECRET_KEY or CKO.CKO_PRIVATE_KEY)) throw new Pkcs11Exception(CKR.CKR_KEY_NOT_WRAPPABLE);
        if (!key.Bool(CKA.CKA_EXTRACTABLE, true)) throw new Pkcs11Exception(CKR.CKR_KEY_UNEXTRACTABLE);
        if (target.Locked.Count > 0) throw new Pkcs11Exception(CKR.CKR_USER_NOT_LOGGED_IN);
        if (key.Bool(CKA.CKA_WRAP_WITH_TRUSTED) && !wrappingKey.Bool(CKA.CKA_TRUSTED))
            throw new Pkcs11Exception(CKR.CKR_KEY_NOT_WRAPPABLE, "CKA_WRAP_WITH_TRUSTED");
        if (wrappingKey.Bytes(CKA.CKA_WRAP_TEMPLATE) is { } wrapTemplate && !MatchesTemplate(key, TemplateCodec.Decode(wrapTemplate)))
            throw new Pkcs11Exception(CKR.CKR_KEY_NOT_WRAPPABLE, "CKA_WRAP_TEMPLATE");
        if (key.Bool(CKA.CKA_SENSITIVE)) GuardWrap(session, hWrappingKey, wrappingKey);
        var encoded = key.Class == CKO.CKO_SECRET_KEY ? (byte[])key.RequireBytes(CKA.CKA_VALUE).Clone() : PrivateKeyInfoCodec.Encode(key);
        try
        {
            using var cipher = wrap(new MechanismContext(mechanism, parameter, wrappingKey, Random));
            var output = new byte[cipher.OneShotLength(encoded.Length)];
            int length = cipher.OneShot(encoded, output);
            return output.AsSpan(0, length).ToArray();
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(encoded);
        }
    }

    /// <summary>C_UnwrapKey. Mirrors <see cref="WrapKey"/>: a key that may also encrypt does not unwrap into a
    /// sensitive key, so nobody can plant a key whose value they chose while the token calls it sensitive. Keys
    /// generated from a password are exempt here too: NSS's PKCS #12 import (pk12util -i) unwraps the shrouded
    /// key bag with its CKM_PKCS5_PBKD2 key (CKA_ENCRYPT as well); refused, NSS falls back to a path around
    /// C_UnwrapKey.</summary>
    public ulong UnwrapKey(Session session, CKM mechanism, MechanismParameter parameter, ulong hUnwrappingKey,
        ReadOnlySpan<byte> wrapped, AttributeSet template)
    {
        var row = MechanismRegistry.Get(mechanism);
        var unwrap = row.Unwrap ?? throw new Pkcs11Exception(CKR.CKR_MECHANISM_INVALID);
        using var unwrappingKey = UsableKey(session, hUnwrappingKey, mechanism, CKA.CKA_UNWRAP);
        using var merged = WithRequiredTemplate(template, unwrappingKey.Bytes(CKA.CKA_UNWRAP_TEMPLATE));
        var cls = merged.Class ?? throw new Pkcs11Exception(CKR.CKR_TEMPLATE_INCOMPLETE, "CKA_CLASS");
        if (cls is not (CKO.CKO_SECRET_KEY or CKO.CKO_PRIVATE_KEY)) throw new Pkcs11Exception(CKR.CKR_TEMPLATE_INCONSISTENT);
        CheckTemplateTarget(session, merged);
        // Keys are sensitive unless the template says otherwise (ObjectBuilder's default).
        if (merged.Bool(CKA.CKA_SENSITIVE, true)) GuardUnwrap(session, hUnwrappingKey, unwrappingKey);
        byte[] plain;
        using (var cipher = unwrap(new MechanismContext(mechanism, parameter, unwrappingKey, Random)))
        {
            var buffer = new byte[cipher.OneShotLength(wrapped.Length)];
            int length;
            try
            {
                length = cipher.OneShot(wrapped, buffer);
            }
            catch (Pkcs11Exception e) when (e.Rv is CKR.CKR_ENCRYPTED_DATA_INVALID or CKR.CKR_ENCRYPTED_DATA_LEN_RANGE)
            {
                throw new Pkcs11Exception(e.Rv == CKR.CKR_ENCRYPTED_DATA_INVALID ? CKR.CKR_WRAPPED_KEY_INVALID : CKR.CKR_WRAPPED_KEY_LEN_RANGE);
            }
            plain = buffer.AsSpan(0, length).ToArray();
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(buffer);
        }
        using var material = cls == CKO.CKO_SECRET_KEY ? SecretMaterial(plain, merged) : PrivateKeyInfoCodec.Decode(plain);
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(plain);
        var attributes = ObjectBuilder.Build(merged, ObjectOrigin.Unwrapped, material, mechanism, random: Random.Fill);
        CompletePublicInfo(attributes);

        return AddObject(session, attributes);
    }

    /// <summary>C_DigestKey: the value of a secret key joins the running digest.</summary>
    public void DigestKey(Session session, ulong hKey)
    {
        var key = ResolveKey(session, hKey);
        if (key.Attributes.Class != CKO.CKO_SECRET_KEY) throw new Pkcs11Exception(CKR.CKR_KEY_INDIGESTIBLE);
        if (key.Locked.Count > 0) throw new Pkcs11Exception(CKR.CKR_USER_NOT_LOGGED_IN);
        session.DigestUpdate(key.Attributes.RequireBytes(CKA.CKA_VALUE));
    }

    private static AttributeSet SecretMaterial(byte[] value, AttributeSet template)
    {
        var material = new AttributeSet();
        // CBC without padding and raw RSA may return more than the key; CKA_VALUE_LEN says how much is key.
        int length = template.Ulong(CKA.CKA_VALUE_LEN) is { } n && n <= (ulong)value.Length ? (int)n : value.Length;
        material.Set(CKA.CKA_VALUE, value.AsSpan(0, length).ToArray());
        return material;
    }

    /// <summary>A template combined with a key's CKA_DERIVE_TEMPLATE / CKA_UNWRAP_TEMPLATE: the required
    /// attributes are added, and a conflicting value is CKR_TEMPLATE_INCONSISTENT.</summary>
    private static AttributeSet WithRequiredTemplate(AttributeSet template, byte[]? required)
    {
        var merged = template.Clone();
        if (required is null) return merged;
        foreach (var (type, value) in TemplateCodec.Decode(required))
        {
            if (merged.Bytes(type) is { } given && !given.AsSpan().SequenceEqual(value))
                throw new Pkcs11Exception(CKR.CKR_TEMPLATE_INCONSISTENT, type.ToString());
            merged.Set(type, value);
        }
        return merged;
    }

    private static bool MatchesTemplate(AttributeSet key, AttributeSet required) =>
        required.All(r => key.Bytes(r.Key) is { } v && v.AsSpan().SequenceEqual(r.Value));

    /// <summary>Token keys need a writable token and a read/write session before any work is done.</summary>
    private static void CheckTemplateTarget(Session session, AttributeSet template)
    {
        if (!template.Bool(CKA.CKA_TOKEN)) return;
        if (session.Slot.WriteProtected) throw new Pkcs11Exception(CKR.CKR_TOKEN_WRITE_PROTECTED);
        if (!session.ReadWrite) throw new Pkcs11Exception(CKR.CKR_SESSION_READ_ONLY);
    }
}
