using System.Security.Cryptography;
using Softoken.Crypto;
using Softoken.Mechanisms.Parameters;
using Softoken.Pkcs11;

namespace Softoken.Mechanisms;

/// <summary>The simple key derivations of PKCS #11 v3.0 section 2.43 ("Miscellaneous simple key derivation
/// mechanisms") and the hash key derivations: CKM_CONCATENATE_BASE_AND_KEY (the other key's handle, resolved by
/// the session), CKM_CONCATENATE_BASE_AND_DATA, CKM_CONCATENATE_DATA_AND_BASE, CKM_XOR_BASE_AND_DATA
/// (CK_KEY_DERIVATION_STRING_DATA, decoded as <see cref="BytesParameter"/>), CKM_EXTRACT_KEY_FROM_KEY
/// (CK_EXTRACT_PARAMS, a bit index, as <see cref="UlongParameter"/>) and CKM_*_KEY_DERIVATION (no parameter: the
/// new key is the leading bytes of the hash of the base key). softokn lists all of them on the crypto slot only.</summary>
internal static class HashKeyDerivationMechanisms
{
    public static IEnumerable<MechanismRow> Rows()
    {
        yield return Simple(CKM.CKM_CONCATENATE_BASE_AND_KEY, ConcatenateBaseAndKey);
        yield return Simple(CKM.CKM_CONCATENATE_BASE_AND_DATA, r => Concatenate(r, dataFirst: false));
        yield return Simple(CKM.CKM_CONCATENATE_DATA_AND_BASE, r => Concatenate(r, dataFirst: true));
        yield return Simple(CKM.CKM_XOR_BASE_AND_DATA, XorBaseAndData);
        yield return Simple(CKM.CKM_EXTRACT_KEY_FROM_KEY, ExtractKeyFromKey);
        (CKM, HashAlg)[] hashes =
        [
            (CKM.CKM_MD2_KEY_DERIVATION, HashAlg.MD2),
            (CKM.CKM_MD5_KEY_DERIVATION, HashAlg.MD5),
            (CKM.CKM_SHA1_KEY_DERIVATION, HashAlg.SHA1),
            (CKM.CKM_SHA224_KEY_DERIVATION, HashAlg.SHA224),
            (CKM.CKM_SHA256_KEY_DERIVATION, HashAlg.SHA256),
            (CKM.CKM_SHA384_KEY_DERIVATION, HashAlg.SHA384),
            (CKM.CKM_SHA512_KEY_DERIVATION, HashAlg.SHA512),
        ];
        foreach (var (type, alg) in hashes)
        {
            yield return new MechanismRow
            {
                Type = type,
                ListedOn = SlotSet.Crypto,
                MaxKeySize = (ulong)HashAlgorithms.Size(alg),
                Derive = r => HashDerive(r, alg),
            };
        }
    }

    private static MechanismRow Simple(CKM type, Func<DeriveRequest, DeriveResult> derive) =>
        new() { Type = type, ListedOn = SlotSet.Crypto, MinKeySize = 1, MaxKeySize = 32, Derive = derive };

    private static DeriveResult HashDerive(DeriveRequest request, HashAlg alg)
    {
        if (request.Parameter is not NoParameter) throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID);
        using var engine = HashAlgorithms.CreateEngine(alg);
        engine.Update(HmacMechanisms.SecretValue(request.BaseKey));
        var digest = new byte[engine.Size];
        engine.Finish(digest);
        return Finish(digest, request);
    }

    private static DeriveResult ConcatenateBaseAndKey(DeriveRequest request)
    {
        if (request.Parameter is not KeyHandleParameter { Value: { } other }) throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID);
        return Finish([.. HmacMechanisms.SecretValue(request.BaseKey), .. other], request);
    }

    private static DeriveResult Concatenate(DeriveRequest request, bool dataFirst)
    {
        var data = Data(request);
        var key = HmacMechanisms.SecretValue(request.BaseKey);
        return Finish(dataFirst ? [.. data, .. key] : [.. key, .. data], request);
    }

    /// <summary>The key is base XOR data over the shorter of the two (section 2.43.5).</summary>
    private static DeriveResult XorBaseAndData(DeriveRequest request)
    {
        var data = Data(request);
        var key = HmacMechanisms.SecretValue(request.BaseKey);
        var value = new byte[Math.Min(data.Length, key.Length)];
        for (int i = 0; i < value.Length; i++) value[i] = (byte)(key[i] ^ data[i]);
        return Finish(value, request);
    }

    /// <summary>Bits b, b+1, ... of the base key taken as a big-endian bit string, wrapping around at its end
    /// (section 2.43.6). The length must come from the template.</summary>
    private static DeriveResult ExtractKeyFromKey(DeriveRequest request)
    {
        if (request.Parameter is not UlongParameter { Value: var bit }) throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID);
        var key = HmacMechanisms.SecretValue(request.BaseKey);
        int length = DerivedKeys.RequiredLength(request.Template);
        int totalBits = key.Length * 8;
        if (length > key.Length || bit >= (ulong)totalBits) throw new Pkcs11Exception(CKR.CKR_TEMPLATE_INCONSISTENT);
        var value = new byte[length];
        for (int i = 0; i < length * 8; i++)
        {
            int source = (int)((bit + (ulong)i) % (ulong)totalBits);
            if ((key[source / 8] & (0x80 >> (source % 8))) != 0) value[i / 8] |= (byte)(0x80 >> (i % 8));
        }
        return new DeriveResult(DerivedKeys.Secret(value, request.Template));
    }

    private static byte[] Data(DeriveRequest request) => request.Parameter switch
    {
        BytesParameter b => b.Value,
        _ => throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID),
    };

    /// <summary>The new key is the leading CKA_VALUE_LEN bytes of <paramref name="material"/> (all of it by
    /// default).</summary>
    private static DeriveResult Finish(byte[] material, DeriveRequest request)
    {
        int length = DerivedKeys.Length(request.Template, material.Length);
        var value = material.AsSpan(0, length).ToArray();
        CryptographicOperations.ZeroMemory(material);
        return new DeriveResult(DerivedKeys.Secret(value, request.Template));
    }
}
