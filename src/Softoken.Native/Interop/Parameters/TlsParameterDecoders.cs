using System.Runtime.InteropServices;
using Softoken.Mechanisms.Parameters;
using Softoken.Native.Abi;
using Softoken.Pkcs11;

namespace Softoken.Native.Interop.Parameters;

/// <summary>The TLS parameter structures: CK_TLS_MAC_PARAMS, CK_TLS12_MASTER_KEY_DERIVE_PARAMS and
/// CK_SSL3_MASTER_KEY_DERIVE_PARAMS (the TLS 1.0 and NSS SHA-256 mechanisms, with the PRF fixed here),
/// CK_TLS12_EXTENDED_MASTER_KEY_DERIVE_PARAMS (= NSS's CK_NSS_TLS_EXTENDED_MASTER_KEY_DERIVE_PARAMS),
/// CK_TLS12_KEY_MAT_PARAMS and CK_SSL3_KEY_MAT_PARAMS, and the SSL 3.0 mechanisms' uses of the same structures. The outputs go back with <see cref="WriteVersion"/> and
/// <see cref="WriteKeyMaterial"/>.</summary>
internal static unsafe partial class TlsParameterDecoders
{
    public static void Register(Dictionary<CKM, ParameterDecoder.Decoder> decoders)
    {
        decoders[CKM.CKM_TLS_MAC] = DecodeMac;
        foreach (var type in new[] { CKM.CKM_TLS12_MASTER_KEY_DERIVE, CKM.CKM_TLS12_MASTER_KEY_DERIVE_DH })
            decoders[type] = DecodeTls12Master;
        foreach (var type in new[] { CKM.CKM_TLS_MASTER_KEY_DERIVE, CKM.CKM_TLS_MASTER_KEY_DERIVE_DH })
            decoders[type] = (p, l) => DecodeSsl3Master(p, l, CKM.CKM_TLS_PRF);
        foreach (var type in new[] { CKM.CKM_NSS_TLS_MASTER_KEY_DERIVE_SHA256, CKM.CKM_NSS_TLS_MASTER_KEY_DERIVE_DH_SHA256 })
            decoders[type] = (p, l) => DecodeSsl3Master(p, l, CKM.CKM_SHA256);
        foreach (var type in new[]
                 {
                     CKM.CKM_TLS12_EXTENDED_MASTER_KEY_DERIVE, CKM.CKM_TLS12_EXTENDED_MASTER_KEY_DERIVE_DH,
                     CKM.CKM_NSS_TLS_EXTENDED_MASTER_KEY_DERIVE, CKM.CKM_NSS_TLS_EXTENDED_MASTER_KEY_DERIVE_DH,
                 })
            decoders[type] = DecodeExtendedMaster;
        decoders[CKM.CKM_TLS12_KEY_AND_MAC_DERIVE] = DecodeTls12KeyMat;
        decoders[CKM.CKM_TLS_KEY_AND_MAC_DERIVE] = (p, l) => DecodeSsl3KeyMat(p, l, CKM.CKM_TLS_PRF);
        decoders[CKM.CKM_NSS_TLS_KEY_AND_MAC_DERIVE_SHA256] = (p, l) => DecodeSsl3KeyMat(p, l, CKM.CKM_SHA256);
        // SSL 3.0 has no PRF choice: the PRF field is left at CKM_MD5 and ignored.
        foreach (var type in new[] { CKM.CKM_SSL3_MASTER_KEY_DERIVE, CKM.CKM_SSL3_MASTER_KEY_DERIVE_DH })
            decoders[type] = (p, l) => DecodeSsl3Master(p, l, CKM.CKM_MD5);
        decoders[CKM.CKM_SSL3_KEY_AND_MAC_DERIVE] = (p, l) => DecodeSsl3KeyMat(p, l, CKM.CKM_MD5);
        decoders[CKM.CKM_SSL3_MD5_MAC] = ParameterDecoder.Ulong;
        decoders[CKM.CKM_SSL3_SHA1_MAC] = ParameterDecoder.Ulong;
    }

    private static MechanismParameter DecodeMac(byte* parameter, CK_ULONG length)
    {
        var p = ParameterDecoder.Struct<CK_TLS_MAC_PARAMS>(parameter, length);
        return new TlsMacParameter((CKM)(ulong)p->prfHashMechanism, p->ulMacLength, p->ulServerOrClient);
    }

    private static MechanismParameter DecodeTls12Master(byte* parameter, CK_ULONG length)
    {
        var p = ParameterDecoder.Struct<CK_TLS12_MASTER_KEY_DERIVE_PARAMS>(parameter, length);
        CheckOutput(p->pVersion);
        return new Tls12MasterKeyDeriveParameter(
            ClientRandom(p->RandomInfo), ServerRandom(p->RandomInfo), p->pVersion != null, (CKM)(ulong)p->prfHashMechanism);
    }

    private static MechanismParameter DecodeSsl3Master(byte* parameter, CK_ULONG length, CKM prf)
    {
        var p = ParameterDecoder.Struct<CK_SSL3_MASTER_KEY_DERIVE_PARAMS>(parameter, length);
        CheckOutput(p->pVersion);
        return new Tls12MasterKeyDeriveParameter(ClientRandom(p->RandomInfo), ServerRandom(p->RandomInfo), p->pVersion != null, prf);
    }

    private static MechanismParameter DecodeExtendedMaster(byte* parameter, CK_ULONG length)
    {
        var p = ParameterDecoder.Struct<CK_TLS12_EXTENDED_MASTER_KEY_DERIVE_PARAMS>(parameter, length);
        CheckOutput(p->pVersion);
        return new TlsExtendedMasterKeyDeriveParameter(
            (CKM)(ulong)p->prfHashMechanism, ParameterDecoder.Bytes(p->pSessionHash, p->ulSessionHashLen), p->pVersion != null);
    }

    private static MechanismParameter DecodeTls12KeyMat(byte* parameter, CK_ULONG length)
    {
        var p = ParameterDecoder.Struct<CK_TLS12_KEY_MAT_PARAMS>(parameter, length);
        return KeyMat(&p->common, (CKM)(ulong)p->prfHashMechanism);
    }

    private static MechanismParameter DecodeSsl3KeyMat(byte* parameter, CK_ULONG length, CKM prf) =>
        KeyMat(ParameterDecoder.Struct<CK_SSL3_KEY_MAT_PARAMS>(parameter, length), prf);

    /// <summary>pReturnedKeyMaterial must be there, with IV buffers when IVs are asked for.</summary>
    private static Tls12KeyMatParameter KeyMat(CK_SSL3_KEY_MAT_PARAMS* p, CKM prf)
    {
        var output = p->pReturnedKeyMaterial;
        if (output == null || Args.IsBad(output)) throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID);
        if (p->ulIVSizeInBits != 0 && (output->pIVClient == null || output->pIVServer == null
                                       || Args.IsBad(output->pIVClient) || Args.IsBad(output->pIVServer)))
            throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID);
        return new Tls12KeyMatParameter(
            p->ulMacSizeInBits, p->ulKeySizeInBits, p->ulIVSizeInBits, p->bIsExport != 0,
            ClientRandom(p->RandomInfo), ServerRandom(p->RandomInfo), prf);
    }

    /// <summary>Writes the pre-master secret's version to pVersion (the RSA master-key derivations). The version
    /// pointer is at a different place in each structure, so the mechanism says which one was decoded.</summary>
    public static void WriteVersion(CKM mechanism, void* parameter, TlsVersionOutput version)
    {
        CK_VERSION* target = mechanism switch
        {
            CKM.CKM_TLS12_MASTER_KEY_DERIVE => ((CK_TLS12_MASTER_KEY_DERIVE_PARAMS*)parameter)->pVersion,
            CKM.CKM_TLS_MASTER_KEY_DERIVE or CKM.CKM_NSS_TLS_MASTER_KEY_DERIVE_SHA256 or CKM.CKM_SSL3_MASTER_KEY_DERIVE =>
                ((CK_SSL3_MASTER_KEY_DERIVE_PARAMS*)parameter)->pVersion,
            CKM.CKM_TLS12_EXTENDED_MASTER_KEY_DERIVE or CKM.CKM_NSS_TLS_EXTENDED_MASTER_KEY_DERIVE =>
                ((CK_TLS12_EXTENDED_MASTER_KEY_DERIVE_PARAMS*)parameter)->pVersion,
            _ => null,
        };
        if (target == null) return;
        target->major = version.Major;
        target->minor = version.Minor;
    }

    /// <summary>Fills CK_SSL3_KEY_MAT_OUT after the session has created the four keys (handles 0 for keys not
    /// made, i.e. cipher keys when ulKeySizeInBits is 0) and copies the IVs.</summary>
    public static void WriteKeyMaterial(
        CKM mechanism, void* parameter, TlsKeyMaterial material,
        ulong clientMacSecret, ulong serverMacSecret, ulong clientKey, ulong serverKey)
    {
        var common = mechanism == CKM.CKM_TLS12_KEY_AND_MAC_DERIVE
            ? &((CK_TLS12_KEY_MAT_PARAMS*)parameter)->common
            : (CK_SSL3_KEY_MAT_PARAMS*)parameter;
        var output = common->pReturnedKeyMaterial;
        output->hClientMacSecret = (CK_ULONG)clientMacSecret;
        output->hServerMacSecret = (CK_ULONG)serverMacSecret;
        output->hClientKey = (CK_ULONG)clientKey;
        output->hServerKey = (CK_ULONG)serverKey;
        if (material.ClientIv.Length == 0) return;
        material.ClientIv.CopyTo(new Span<byte>(output->pIVClient, material.ClientIv.Length));
        material.ServerIv.CopyTo(new Span<byte>(output->pIVServer, material.ServerIv.Length));
    }

    private static void CheckOutput(void* p)
    {
        if (Args.IsBad(p)) throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID);
    }

    private static byte[] ClientRandom(CK_SSL3_RANDOM_DATA r) => ParameterDecoder.Bytes(r.pClientRandom, r.ulClientRandomLen);

    private static byte[] ServerRandom(CK_SSL3_RANDOM_DATA r) => ParameterDecoder.Bytes(r.pServerRandom, r.ulServerRandomLen);
}

/// <summary>The ABI structures, private to their decoders.</summary>
internal static unsafe partial class TlsParameterDecoders
{
    [StructLayout(LayoutKind.Sequential, Pack = AbiLayout.Pack)]
    private struct CK_TLS_MAC_PARAMS
    {
        public CK_ULONG prfHashMechanism;
        public CK_ULONG ulMacLength;
        public CK_ULONG ulServerOrClient;
    }

    [StructLayout(LayoutKind.Sequential, Pack = AbiLayout.Pack)]
    private unsafe struct CK_SSL3_RANDOM_DATA
    {
        public byte* pClientRandom;
        public CK_ULONG ulClientRandomLen;
        public byte* pServerRandom;
        public CK_ULONG ulServerRandomLen;
    }

    [StructLayout(LayoutKind.Sequential, Pack = AbiLayout.Pack)]
    private unsafe struct CK_SSL3_MASTER_KEY_DERIVE_PARAMS
    {
        public CK_SSL3_RANDOM_DATA RandomInfo;
        public CK_VERSION* pVersion;
    }

    [StructLayout(LayoutKind.Sequential, Pack = AbiLayout.Pack)]
    private unsafe struct CK_TLS12_MASTER_KEY_DERIVE_PARAMS
    {
        public CK_SSL3_RANDOM_DATA RandomInfo;
        public CK_VERSION* pVersion;
        public CK_ULONG prfHashMechanism;
    }

    [StructLayout(LayoutKind.Sequential, Pack = AbiLayout.Pack)]
    private unsafe struct CK_TLS12_EXTENDED_MASTER_KEY_DERIVE_PARAMS
    {
        public CK_ULONG prfHashMechanism;
        public byte* pSessionHash;
        public CK_ULONG ulSessionHashLen;
        public CK_VERSION* pVersion;
    }

    [StructLayout(LayoutKind.Sequential, Pack = AbiLayout.Pack)]
    private unsafe struct CK_SSL3_KEY_MAT_OUT
    {
        public CK_ULONG hClientMacSecret;
        public CK_ULONG hServerMacSecret;
        public CK_ULONG hClientKey;
        public CK_ULONG hServerKey;
        public byte* pIVClient;
        public byte* pIVServer;
    }

    [StructLayout(LayoutKind.Sequential, Pack = AbiLayout.Pack)]
    private unsafe struct CK_SSL3_KEY_MAT_PARAMS
    {
        public CK_ULONG ulMacSizeInBits;
        public CK_ULONG ulKeySizeInBits;
        public CK_ULONG ulIVSizeInBits;
        public byte bIsExport;
        public CK_SSL3_RANDOM_DATA RandomInfo;
        public CK_SSL3_KEY_MAT_OUT* pReturnedKeyMaterial;
    }

    /// <summary>CK_TLS12_KEY_MAT_PARAMS is CK_SSL3_KEY_MAT_PARAMS followed by prfHashMechanism.</summary>
    [StructLayout(LayoutKind.Sequential, Pack = AbiLayout.Pack)]
    private struct CK_TLS12_KEY_MAT_PARAMS
    {
        public CK_SSL3_KEY_MAT_PARAMS common;
        public CK_ULONG prfHashMechanism;
    }
}
