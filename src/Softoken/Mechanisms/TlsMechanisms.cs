using System.Security.Cryptography;
using System.Text;
using Softoken.Crypto;
using Softoken.Mechanisms.Parameters;
using Softoken.Objects;
using Softoken.Operations;
using Softoken.Pkcs11;

namespace Softoken.Mechanisms;

/// <summary>The TLS key derivations NSS's SSL code asks a token for (RFC 2246 / RFC 5246 / RFC 7627), on
/// <see cref="TlsPrf"/>. softokn lists them on the crypto slot only. The PRF sign mechanisms take no parameter
/// and produce as many bytes as the caller's buffer holds (<see cref="ISignOperation.LengthFromBuffer"/>).
/// prfHashMechanism CKM_TLS_PRF selects the TLS 1.0/1.1 PRF (MD5 ⊕ SHA-1); a digest mechanism the TLS 1.2 PRF
/// with that hash. The TLS 1.0 and NSS SHA-256 variants decode into the same parameter records with the PRF
/// fixed by the decoder.</summary>
internal static class TlsMechanisms
{
    private static readonly byte[] MasterSecretLabel = Encoding.ASCII.GetBytes("master secret");
    private static readonly byte[] ExtendedMasterSecretLabel = Encoding.ASCII.GetBytes("extended master secret");
    private static readonly byte[] KeyExpansionLabel = Encoding.ASCII.GetBytes("key expansion");

    private const int MasterSecretLength = 48;

    public static IEnumerable<MechanismRow> Rows()
    {
        yield return PrfSign(CKM.CKM_TLS_PRF_GENERAL, null);
        yield return PrfSign(CKM.CKM_NSS_TLS_PRF_GENERAL_SHA256, HashAlg.SHA256);
        yield return new MechanismRow
        {
            Type = CKM.CKM_TLS_MAC,
            ListedOn = SlotSet.Crypto,
            MaxKeySize = 512,
            Sign = c => TlsMac(c, (s, a, l, n) => new TlsPrfSignOperation(s, a, l, n)),
            Verify = c => TlsMac(c, (s, a, l, n) => new TlsPrfVerifyOperation(s, a, l, n)),
        };
        foreach (var type in new[] { CKM.CKM_TLS12_MASTER_KEY_DERIVE, CKM.CKM_TLS_MASTER_KEY_DERIVE, CKM.CKM_NSS_TLS_MASTER_KEY_DERIVE_SHA256 })
        {
            yield return Derive(type, 48, 48, r => MasterKey(r, rsa: true));
        }
        foreach (var type in new[] { CKM.CKM_TLS12_MASTER_KEY_DERIVE_DH, CKM.CKM_TLS_MASTER_KEY_DERIVE_DH, CKM.CKM_NSS_TLS_MASTER_KEY_DERIVE_DH_SHA256 })
        {
            yield return Derive(type, 8, 128, r => MasterKey(r, rsa: false));
        }
        foreach (var type in new[] { CKM.CKM_TLS12_EXTENDED_MASTER_KEY_DERIVE, CKM.CKM_NSS_TLS_EXTENDED_MASTER_KEY_DERIVE })
        {
            yield return Derive(type, 48, 128, r => ExtendedMasterKey(r, rsa: true));
        }
        foreach (var type in new[] { CKM.CKM_TLS12_EXTENDED_MASTER_KEY_DERIVE_DH, CKM.CKM_NSS_TLS_EXTENDED_MASTER_KEY_DERIVE_DH })
        {
            yield return Derive(type, 48, 128, r => ExtendedMasterKey(r, rsa: false));
        }
        foreach (var type in new[] { CKM.CKM_TLS12_KEY_AND_MAC_DERIVE, CKM.CKM_TLS_KEY_AND_MAC_DERIVE, CKM.CKM_NSS_TLS_KEY_AND_MAC_DERIVE_SHA256 })
        {
            yield return Derive(type, 48, 48, KeyAndMac);
        }
    }

    private static MechanismRow PrfSign(CKM type, HashAlg? alg) => new()
    {
        Type = type,
        ListedOn = SlotSet.Crypto,
        MaxKeySize = 512,
        Sign = c => new TlsPrfSignOperation(PrfKey(NoParameter(c)), alg, [], null),
        Verify = c => new TlsPrfVerifyOperation(PrfKey(NoParameter(c)), alg, [], null),
    };

    private static MechanismRow Derive(CKM type, ulong min, ulong max, Func<DeriveRequest, DeriveResult> derive) =>
        new() { Type = type, ListedOn = SlotSet.Crypto, MinKeySize = min, MaxKeySize = max, Derive = derive };

    /// <summary>softokn takes the PRF key from a generic secret only (CKR_KEY_TYPE_INCONSISTENT otherwise).</summary>
    private static byte[] PrfKey(MechanismContext context)
    {
        if (context.Key.KeyType is { } type && type != CKK.CKK_GENERIC_SECRET) throw new Pkcs11Exception(CKR.CKR_KEY_TYPE_INCONSISTENT);
        return (byte[])HmacMechanisms.SecretValue(context.Key).Clone();
    }

    private static MechanismContext NoParameter(MechanismContext context) =>
        context.Parameter is Parameters.NoParameter ? context : throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID);

    /// <summary>CKM_TLS_MAC: the Finished verify_data, PRF(master, "server finished" / "client finished", hash).
    /// The TLS 1.0 PRF requires ulMacLength 12; the TLS 1.2 one at least 12.</summary>
    private static T TlsMac<T>(MechanismContext context, Func<byte[], HashAlg?, byte[], int?, T> create)
    {
        if (context.Parameter is not TlsMacParameter p) throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID);
        var alg = Prf(p.PrfHashMechanism);
        if (alg is null ? p.MacLength != 12 : p.MacLength is < 12 or > 512) throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID);
        var label = p.ServerOrClient switch
        {
            1 => "server finished"u8.ToArray(),
            2 => "client finished"u8.ToArray(),
            _ => throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID),
        };
        return create(PrfKey(context), alg, label, (int)p.MacLength);
    }

    /// <summary>RFC 5246 section 8.1: master_secret = PRF(pre_master_secret, "master secret", ClientHello.random +
    /// ServerHello.random)[0..47]. The RSA form requires a 48-byte pre-master secret and reports its first two bytes
    /// as the client version.</summary>
    private static DeriveResult MasterKey(DeriveRequest request, bool rsa)
    {
        if (request.Parameter is not Tls12MasterKeyDeriveParameter p) throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID);
        var pms = PreMasterSecret(request, rsa);
        var seed = Concat(p.ClientRandom, p.ServerRandom);
        var master = new byte[MasterSecretLength];
        TlsPrf.Compute(Prf(p.PrfHashMechanism), pms, MasterSecretLabel, seed, master);
        var version = rsa && p.WantsVersion ? new TlsVersionOutput(pms[0], pms[1]) : null;
        return new DeriveResult(MasterKeyAttributes(master, request.Template), version);
    }

    /// <summary>RFC 7627 section 4: master_secret = PRF(pre_master_secret, "extended master secret",
    /// session_hash)[0..47].</summary>
    private static DeriveResult ExtendedMasterKey(DeriveRequest request, bool rsa)
    {
        if (request.Parameter is not TlsExtendedMasterKeyDeriveParameter p || p.SessionHash.Length == 0)
            throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID);
        var pms = PreMasterSecret(request, rsa);
        var master = new byte[MasterSecretLength];
        TlsPrf.Compute(Prf(p.PrfHashMechanism), pms, ExtendedMasterSecretLabel, p.SessionHash, master);
        var version = rsa && p.WantsVersion ? new TlsVersionOutput(pms[0], pms[1]) : null;
        return new DeriveResult(MasterKeyAttributes(master, request.Template), version);
    }

    /// <summary>RFC 5246 section 6.3: key_block = PRF(master_secret, "key expansion", server_random +
    /// client_random), cut into the MAC secrets, the cipher keys and the IVs, in that order, client first. The new
    /// objects are made by the session from <see cref="TlsKeyMaterial"/>; export derivation is refused.</summary>
    private static DeriveResult KeyAndMac(DeriveRequest request)
    {
        if (request.Parameter is not Tls12KeyMatParameter p || p.IsExport
            || p.MacSizeInBits % 8 != 0 || p.KeySizeInBits % 8 != 0 || p.IvSizeInBits % 8 != 0
            || p.MacSizeInBits > 512 || p.KeySizeInBits > 512 || p.IvSizeInBits > 512)
            throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID);
        var master = HmacMechanisms.SecretValue(request.BaseKey);
        if (master.Length != MasterSecretLength) throw new Pkcs11Exception(CKR.CKR_KEY_SIZE_RANGE);
        int mac = (int)p.MacSizeInBits / 8, key = (int)p.KeySizeInBits / 8, iv = (int)p.IvSizeInBits / 8;
        var block = new byte[2 * (mac + key + iv)];
        TlsPrf.Compute(Prf(p.PrfHashMechanism), master, KeyExpansionLabel, Concat(p.ServerRandom, p.ClientRandom), block);
        return new DeriveResult(new AttributeSet(), TlsKeyMaterial.FromKeyBlock(block, mac, key, iv));
    }

    private static byte[] PreMasterSecret(DeriveRequest request, bool rsa)
    {
        var pms = HmacMechanisms.SecretValue(request.BaseKey);
        if (rsa && pms.Length != MasterSecretLength) throw new Pkcs11Exception(CKR.CKR_KEY_SIZE_RANGE);
        if (pms.Length == 0) throw new Pkcs11Exception(CKR.CKR_KEY_SIZE_RANGE);
        return pms;
    }

    private static AttributeSet MasterKeyAttributes(byte[] master, AttributeSet template)
    {
        if (DerivedKeys.Requested(template) is { } length && length != MasterSecretLength)
            throw new Pkcs11Exception(CKR.CKR_TEMPLATE_INCONSISTENT);
        return DerivedKeys.Secret(master, template, template.KeyType is null ? CKK.CKK_GENERIC_SECRET : null);
    }

    /// <summary>The PRF a prfHashMechanism names: null for CKM_TLS_PRF (TLS 1.0/1.1), else the hash.</summary>
    private static HashAlg? Prf(CKM prfHashMechanism) =>
        prfHashMechanism == CKM.CKM_TLS_PRF
            ? null
            : HashAlgorithms.FromDigestMechanism(prfHashMechanism) ?? throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID);

    private static byte[] Concat(byte[] a, byte[] b) => [.. a, .. b];
}
