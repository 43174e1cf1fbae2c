using System.Security.Cryptography;
using Softoken.Crypto;
using Softoken.Mechanisms.Parameters;
using Softoken.Objects;
using Softoken.Pkcs11;

namespace Softoken.Mechanisms;

/// <summary>The IPsec key derivations of PKCS #11 v3.0 section 2.44 (RFC 2409, RFC 7296), with an HMAC PRF named by
/// prfMechanism (CKM_SHA_1_HMAC, CKM_SHA256_HMAC ...): CKM_IKE_PRF_DERIVE (SKEYID / SKEYSEED),
/// CKM_IKE1_PRF_DERIVE (SKEYID_d/a/e), CKM_IKE2_PRF_PLUS_DERIVE (prf+) and CKM_IKE1_EXTENDED_DERIVE (RFC 2409
/// appendix B). Keys named by handle in the parameters arrive resolved to their values.
/// <para>NSS's vendor forms (lib/util/pkcs11n.h) came first and v3.0 standardised them field for field:
/// CK_NSS_IKE_PRF_DERIVE_PARAMS, CK_NSS_IKE_PRF_PLUS_DERIVE_PARAMS, CK_NSS_IKE1_PRF_DERIVE_PARAMS and
/// CK_NSS_IKE1_APP_B_PRF_DERIVE_PARAMS have the standard structures' layouts, so the CKM_NSS_ mechanisms are the same
/// derivations. CKM_NSS_IKE1_APP_B_PRF_DERIVE also takes a bare CK_MECHANISM_TYPE (the PRF, no g^xy, no extra data),
/// which the parameter decoder turns into the same parameter.</para></summary>
internal static class IkeMechanisms
{
    public static IEnumerable<MechanismRow> Rows()
    {
        yield return Row(CKM.CKM_IKE_PRF_DERIVE, PrfDerive);
        yield return Row(CKM.CKM_IKE1_PRF_DERIVE, Ike1PrfDerive);
        yield return Row(CKM.CKM_IKE2_PRF_PLUS_DERIVE, Ike2PrfPlus);
        yield return Row(CKM.CKM_IKE1_EXTENDED_DERIVE, Ike1Extended);
        yield return Row(CKM.CKM_NSS_IKE_PRF_DERIVE, PrfDerive);
        yield return Row(CKM.CKM_NSS_IKE1_PRF_DERIVE, Ike1PrfDerive);
        yield return Row(CKM.CKM_NSS_IKE_PRF_PLUS_DERIVE, Ike2PrfPlus);
        yield return Row(CKM.CKM_NSS_IKE1_APP_B_PRF_DERIVE, Ike1Extended);
    }

    private static MechanismRow Row(CKM type, Func<DeriveRequest, DeriveResult> derive) =>
        new() { Type = type, MinKeySize = 1, MaxKeySize = 255 * 64, Derive = derive };

    /// <summary>prf(Ni|Nr, g^ir), prf(key, Ni|Nr) or, rekeying, prf(SK_d, g^ir(new)|Ni|Nr); always the PRF's length.</summary>
    private static DeriveResult PrfDerive(DeriveRequest r)
    {
        var p = Parameter<IkePrfParameter>(r);
        var alg = Prf(p.PrfMechanism);
        if (p.DataAsKey && p.Rekey) throw new Pkcs11Exception(CKR.CKR_ARGUMENTS_BAD, "bDataAsKey and bRekey");
        var baseKey = BaseValue(r);
        byte[] nonces = [.. p.Ni, .. p.Nr];
        byte[] value;
        if (p.DataAsKey) value = Hmac.Compute(alg, nonces, baseKey);
        else if (p.Rekey) value = Hmac.Compute(alg, baseKey, [.. p.NewKey ?? throw Missing("hNewKey"), .. nonces]);
        else value = Hmac.Compute(alg, baseKey, nonces);
        if (r.Template.Ulong(CKA.CKA_VALUE_LEN) is { } length && length != (ulong)value.Length)
            throw new Pkcs11Exception(CKR.CKR_KEY_SIZE_RANGE);
        return Result(value, r.Template, CKK.CKK_GENERIC_SECRET);
    }

    /// <summary>prf(SKEYID, [prev|] g^xy | CKY-I | CKY-R | keyNumber), truncated to CKA_VALUE_LEN.</summary>
    private static DeriveResult Ike1PrfDerive(DeriveRequest r)
    {
        var p = Parameter<Ike1PrfParameter>(r);
        var alg = Prf(p.PrfMechanism);
        if (r.Template.KeyType is null) throw new Pkcs11Exception(CKR.CKR_TEMPLATE_INCOMPLETE, "CKA_KEY_TYPE");
        var gxy = p.Gxy ?? throw Missing("hKeygxy");
        byte[] previous = p.HasPreviousKey ? p.PreviousKey ?? throw Missing("hPrevKey") : [];
        var value = Hmac.Compute(alg, BaseValue(r), [.. previous, .. gxy, .. p.CkyI, .. p.CkyR, p.KeyNumber]);
        return Result(Truncated(value, r.Template), r.Template, CKK.CKK_GENERIC_SECRET);
    }

    /// <summary>prf+ (RFC 7296 section 2.13): T1 = prf(K, S|0x01), Tn = prf(K, Tn-1|S|n), S = seed key | seed data.</summary>
    private static DeriveResult Ike2PrfPlus(DeriveRequest r)
    {
        var p = Parameter<Ike2PrfPlusParameter>(r);
        var alg = Prf(p.PrfMechanism);
        int length = RequiredLength(r.Template, alg);
        byte[] seed = [.. p.HasSeedKey ? p.SeedKey ?? throw Missing("hSeedKey") : [], .. p.SeedData];
        var key = BaseValue(r);
        var output = new byte[length];
        byte[] previous = [];
        for (int i = 1, offset = 0; offset < length; i++)
        {
            previous = Hmac.Compute(alg, key, [.. previous, .. seed, (byte)i]);
            int n = Math.Min(previous.Length, length - offset);
            previous.AsSpan(0, n).CopyTo(output.AsSpan(offset));
            offset += n;
        }
        return Result(output, r.Template, CKK.CKK_GENERIC_SECRET);
    }

    /// <summary>RFC 2409 appendix B: K1 = prf(K, g^xy|extra) (or prf(K, 0x00) with neither), Kn = prf(K, Kn-1|g^xy|extra);
    /// with neither g^xy nor extra data a request no longer than the PRF is the base key itself, truncated (softokn's
    /// behaviour: NSS's appendix B vectors 12 and 15 in ike-sha256-vectors.h).</summary>
    private static DeriveResult Ike1Extended(DeriveRequest r)
    {
        var p = Parameter<Ike1ExtendedParameter>(r);
        var alg = Prf(p.PrfMechanism);
        int length = RequiredLength(r.Template, alg);
        var key = BaseValue(r);
        if (!p.HasGxy && p.ExtraData.Length == 0 && length <= HashAlgorithms.Size(alg))
        {
            if (length > key.Length) throw new Pkcs11Exception(CKR.CKR_KEY_SIZE_RANGE);
            return Result(key.AsSpan(0, length).ToArray(), r.Template, CKK.CKK_GENERIC_SECRET);
        }
        byte[] gxy = p.HasGxy ? p.Gxy ?? throw Missing("hKeygxy") : [];
        byte[] suffix = [.. gxy, .. p.ExtraData];
        var output = new byte[length];
        byte[] previous = Hmac.Compute(alg, key, suffix.Length == 0 ? [0] : suffix);
        for (int offset = 0; ;)
        {
            int n = Math.Min(previous.Length, length - offset);
            previous.AsSpan(0, n).CopyTo(output.AsSpan(offset));
            offset += n;
            if (offset >= length) break;
            previous = Hmac.Compute(alg, key, [.. previous, .. suffix]);
        }
        return Result(output, r.Template, CKK.CKK_GENERIC_SECRET);
    }

    private static T Parameter<T>(DeriveRequest r) where T : MechanismParameter =>
        r.Parameter as T ?? throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID);

    private static HashAlg Prf(CKM mechanism) =>
        HashAlgorithms.FromHmacMechanism(mechanism) ?? throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID, $"PRF {mechanism}");

    private static byte[] BaseValue(DeriveRequest r) =>
        r.BaseKey.Bytes(CKA.CKA_VALUE) ?? throw new Pkcs11Exception(CKR.CKR_KEY_TYPE_INCONSISTENT);

    private static Pkcs11Exception Missing(string what) => new(CKR.CKR_MECHANISM_PARAM_INVALID, what + " is missing");

    private static int RequiredLength(AttributeSet template, HashAlg alg)
    {
        var length = template.Ulong(CKA.CKA_VALUE_LEN) ?? throw new Pkcs11Exception(CKR.CKR_TEMPLATE_INCOMPLETE, "CKA_VALUE_LEN");
        if (length == 0 || length > (ulong)(255 * HashAlgorithms.Size(alg))) throw new Pkcs11Exception(CKR.CKR_KEY_SIZE_RANGE);
        return (int)length;
    }

    private static byte[] Truncated(byte[] value, AttributeSet template)
    {
        if (template.Ulong(CKA.CKA_VALUE_LEN) is not { } length) return value;
        if (length > (ulong)value.Length) throw new Pkcs11Exception(CKR.CKR_KEY_SIZE_RANGE);
        var result = value.AsSpan(0, (int)length).ToArray();
        CryptographicOperations.ZeroMemory(value);
        return result;
    }

    private static DeriveResult Result(byte[] value, AttributeSet template, CKK defaultType)
    {
        var key = new AttributeSet();
        key.Set(CKA.CKA_VALUE, value);
        if (template.KeyType is null) key.SetUlong(CKA.CKA_KEY_TYPE, (ulong)defaultType);
        return new DeriveResult(key);
    }
}
