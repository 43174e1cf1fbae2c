using System.Security.Cryptography;
using Softoken.Crypto;
using Softoken.Mechanisms.Parameters;
using Softoken.Objects;
using Softoken.Operations;
using Softoken.Pkcs11;

namespace Softoken.Mechanisms;

/// <summary>The SSL 3.0 mechanisms softokn still lists (crypto slot only): CKM_SSL3_PRE_MASTER_KEY_GEN
/// (CK_VERSION, decoded as the 2 raw bytes), CKM_SSL3_MASTER_KEY_DERIVE(_DH) (CK_SSL3_MASTER_KEY_DERIVE_PARAMS,
/// into <see cref="Tls12MasterKeyDeriveParameter"/> whose PRF field SSL 3.0 ignores), CKM_SSL3_KEY_AND_MAC_DERIVE
/// (CK_SSL3_KEY_MAT_PARAMS, export derivation refused) and the CKM_SSL3_MD5_MAC / CKM_SSL3_SHA1_MAC signatures
/// (CK_MAC_GENERAL_PARAMS). softokn's table flags the two MACs CKF_DERIVE but serves them in C_SignInit;
/// Softoken advertises what it does.</summary>
internal static class Ssl3Mechanisms
{
    private const int MasterSecretLength = 48;

    public static IEnumerable<MechanismRow> Rows()
    {
        yield return new MechanismRow
        {
            Type = CKM.CKM_SSL3_PRE_MASTER_KEY_GEN, ListedOn = SlotSet.Crypto, MinKeySize = 48, MaxKeySize = 48, GenerateKey = PreMaster,
        };
        yield return Derive(CKM.CKM_SSL3_MASTER_KEY_DERIVE, 48, 48, r => Master(r, rsa: true));
        yield return Derive(CKM.CKM_SSL3_MASTER_KEY_DERIVE_DH, 8, 128, r => Master(r, rsa: false));
        yield return Derive(CKM.CKM_SSL3_KEY_AND_MAC_DERIVE, 48, 48, KeyAndMac);
        yield return Mac(CKM.CKM_SSL3_MD5_MAC, HashAlgorithmName.MD5, 16);
        yield return Mac(CKM.CKM_SSL3_SHA1_MAC, HashAlgorithmName.SHA1, 20);
    }

    private static MechanismRow Derive(CKM type, ulong min, ulong max, Func<DeriveRequest, DeriveResult> derive) =>
        new() { Type = type, ListedOn = SlotSet.Crypto, MinKeySize = min, MaxKeySize = max, Derive = derive };

    /// <summary>48 bytes: the requested client version, then 46 random bytes.</summary>
    private static AttributeSet PreMaster(KeyGenRequest request)
    {
        if (request.Parameter is not BytesParameter { Value.Length: 2 } version) throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID);
        if (DerivedKeys.Requested(request.Template) is { } n && n != MasterSecretLength) throw new Pkcs11Exception(CKR.CKR_TEMPLATE_INCONSISTENT);
        var value = new byte[MasterSecretLength];
        request.Random.Fill(value.AsSpan(2));
        version.Value.CopyTo(value, 0);
        return DerivedKeys.Secret(value, request.Template, CKK.CKK_GENERIC_SECRET);
    }

    private static DeriveResult Master(DeriveRequest request, bool rsa)
    {
        if (request.Parameter is not Tls12MasterKeyDeriveParameter p) throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID);
        var pms = HmacMechanisms.SecretValue(request.BaseKey);
        if ((rsa && pms.Length != MasterSecretLength) || pms.Length == 0) throw new Pkcs11Exception(CKR.CKR_KEY_SIZE_RANGE);
        if (DerivedKeys.Requested(request.Template) is { } n && n != MasterSecretLength) throw new Pkcs11Exception(CKR.CKR_TEMPLATE_INCONSISTENT);
        var master = new byte[MasterSecretLength];
        Ssl3.Expand(pms, [.. p.ClientRandom, .. p.ServerRandom], master);
        var version = rsa && p.WantsVersion ? new TlsVersionOutput(pms[0], pms[1]) : null;
        return new DeriveResult(DerivedKeys.Secret(master, request.Template, request.Template.KeyType is null ? CKK.CKK_GENERIC_SECRET : null), version);
    }

    private static DeriveResult KeyAndMac(DeriveRequest request)
    {
        if (request.Parameter is not Tls12KeyMatParameter p || p.IsExport
            || p.MacSizeInBits % 8 != 0 || p.KeySizeInBits % 8 != 0 || p.IvSizeInBits % 8 != 0
            || p.MacSizeInBits > 160 || p.KeySizeInBits > 256 || p.IvSizeInBits > 128)
            throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID);
        var master = HmacMechanisms.SecretValue(request.BaseKey);
        if (master.Length != MasterSecretLength) throw new Pkcs11Exception(CKR.CKR_KEY_SIZE_RANGE);
        int mac = (int)p.MacSizeInBits / 8, key = (int)p.KeySizeInBits / 8, iv = (int)p.IvSizeInBits / 8;
        var block = new byte[2 * (mac + key + iv)];
        Ssl3.Expand(master, [.. p.ServerRandom, .. p.ClientRandom], block);
        return new DeriveResult(new AttributeSet(), TlsKeyMaterial.FromKeyBlock(block, mac, key, iv));
    }

    private static MechanismRow Mac(CKM type, HashAlgorithmName hash, int size) => new()
    {
        Type = type,
        ListedOn = SlotSet.Crypto,
        MaxKeySize = (ulong)size,
        Sign = c =>
        {
            var (secret, length) = MacParams(c, size);
            return new BufferedMacSignOperation(secret, (k, data) => Ssl3.Mac(hash, k, data), length);
        },
        Verify = c =>
        {
            var (secret, length) = MacParams(c, size);
            return new BufferedMacVerifyOperation(secret, (k, data) => Ssl3.Mac(hash, k, data), length);
        },
    };

    private static (byte[] Secret, int Length) MacParams(MechanismContext context, int size) =>
        context.Parameter is UlongParameter { Value: >= 1 } p && p.Value <= (ulong)size
            ? ((byte[])HmacMechanisms.SecretValue(context.Key).Clone(), (int)p.Value)
            : throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID);
}
