using Softoken.Mechanisms.Parameters;
using Softoken.Native.Interop.Parameters;
using Softoken.Pkcs11;

namespace Softoken.Tests.Native;

/// <summary>Each parameter structure of the digest/MAC/KDF families, laid out by <see cref="NativeStruct"/> from
/// pkcs11t.h / pkcs11n.h and decoded by the native layer.</summary>
public sealed class KdfParameterDecoderTests
{
    private static readonly byte[] A = [1, 2, 3];
    private static readonly byte[] B = [4, 5, 6, 7];
    private static readonly byte[] C = [8, 9];

    private static MechanismParameter Decode(CKM mechanism, NativeStruct s)
    {
        var (address, length) = s.Build();
        return ParameterInterop.Decode(mechanism, address, length);
    }

    private static CKR DecodeFails(CKM mechanism, NativeStruct s) =>
        Assert.Throws<Pkcs11Exception>(() => Decode(mechanism, s)).Rv;

    [Fact]
    public void Mac_general_length_and_wrong_size()
    {
        using var s = new NativeStruct().Ulong(16);
        Assert.Equal(new UlongParameter(16), Decode(CKM.CKM_SHA256_HMAC_GENERAL, s));
        using var bad = new NativeStruct().Ulong(16).Ulong(0);
        Assert.Equal(CKR.CKR_MECHANISM_PARAM_INVALID, DecodeFails(CKM.CKM_SHA256_HMAC_GENERAL, bad));
    }

    [Fact]
    public void Pbe_params_and_iv_write_back()
    {
        using var s = new NativeStruct();
        var iv = s.Alloc(8);
        s.Pointer(iv).Bytes(A).Ulong(3).Bytes(B).Ulong(4).Ulong(2048);
        var (address, length) = s.Build();
        var p = Assert.IsType<PbeParameter>(ParameterInterop.Decode(CKM.CKM_PBE_SHA1_DES3_EDE_CBC, address, length));
        Assert.True(p.WantsInitVector);
        Assert.Equal(A, p.Password);
        Assert.Equal(B, p.Salt);
        Assert.Equal(2048UL, p.Iterations);
        p.InitVector = [9, 8, 7, 6, 5, 4, 3, 2];
        ParameterInterop.WritePbeInitVector(address, p);
        Assert.Equal(p.InitVector, NativeStruct.Read(iv, 8));
    }

    [Fact]
    public void Pbkd2_params_both_forms()
    {
        // CK_PKCS5_PBKD2_PARAMS2: ulPasswordLen is the length itself.
        using var s2 = new NativeStruct().Ulong(1).Bytes(A).Ulong(3).Ulong(1000).Ulong(4).Bytes(null).Ulong(0).Bytes(B).Ulong(4);
        var p2 = Assert.IsType<Pbkd2Parameter>(Decode(CKM.CKM_PKCS5_PBKD2, s2));
        Assert.Equal((1UL, 1000UL, CKP.CKP_PKCS5_PBKD2_HMAC_SHA256), (p2.SaltSource, p2.Iterations, p2.Prf));
        Assert.Equal(A, p2.Salt);
        Assert.Equal(B, p2.Password);
        // CK_PKCS5_PBKD2_PARAMS: ulPasswordLen points to the length.
        using var s1 = new NativeStruct();
        var lengthCell = s1.Alloc(BitConverter.GetBytes(2UL));
        s1.Ulong(1).Bytes(A).Ulong(3).Ulong(1).Ulong(1).Bytes(null).Ulong(0).Bytes(B).Pointer(lengthCell);
        var p1 = Assert.IsType<Pbkd2Parameter>(Decode(CKM.CKM_PKCS5_PBKD2, s1));
        Assert.Equal(B[..2], p1.Password);
    }

    [Fact]
    public void Hkdf_params_standard_and_nss()
    {
        using var s = new NativeStruct().Bool(true).Bool(false).Ulong((ulong)CKM.CKM_SHA384).Ulong(HkdfSalt.CKF_HKDF_SALT_DATA)
            .Bytes(A).Ulong(3).Ulong(0).Bytes(B).Ulong(4);
        var p = Assert.IsType<HkdfParameter>(Decode(CKM.CKM_HKDF_DERIVE, s));
        Assert.Equal((true, false, CKM.CKM_SHA384, HkdfSalt.CKF_HKDF_SALT_DATA), (p.Extract, p.Expand, p.PrfHashMechanism, p.SaltType));
        Assert.Equal(A, p.Salt);
        Assert.Equal(B, p.Info);

        using var k = new NativeStruct().Bool(true).Bool(true).Ulong((ulong)CKM.CKM_SHA256).Ulong(HkdfSalt.CKF_HKDF_SALT_KEY)
            .Bytes(null).Ulong(0).Ulong(0x1234).Bytes(null).Ulong(0);
        var pk = Assert.IsType<HkdfParameter>(Decode(CKM.CKM_HKDF_DATA, k));
        Assert.Equal((0x1234UL, HkdfSalt.CKF_HKDF_SALT_KEY), (pk.SaltKeyHandle, pk.SaltType));
        Assert.Null(pk.SaltKey);

        using var n = new NativeStruct().Bool(true).Bytes(A).Ulong(3).Bool(true).Bytes(C).Ulong(2);
        var pn = Assert.IsType<HkdfParameter>(Decode(CKM.CKM_NSS_HKDF_SHA512, n));
        Assert.Equal((true, true, CKM.CKM_SHA512, HkdfSalt.CKF_HKDF_SALT_DATA), (pn.Extract, pn.Expand, pn.PrfHashMechanism, pn.SaltType));
        Assert.Equal(A, pn.Salt);
        Assert.Equal(C, pn.Info);
    }

    [Fact]
    public void Sp800108_counter_and_feedback_params()
    {
        using var s = new NativeStruct();
        using var counter = new NativeStruct().Bool(false).Ulong(32);
        var (counterAddress, counterLength) = counter.Build();
        using var dkm = new NativeStruct().Ulong(Sp800108.SP800_108_DKM_LENGTH_SUM_OF_KEYS).Bool(true).Ulong(16);
        var (dkmAddress, dkmLength) = dkm.Build();
        using var items = new NativeStruct()
            .Ulong(Sp800108.SP800_108_ITERATION_VARIABLE).Pointer(counterAddress).Ulong(counterLength)
            .Ulong(Sp800108.SP800_108_BYTE_ARRAY).Bytes(A).Ulong(3)
            .Ulong(Sp800108.SP800_108_DKM_LENGTH).Pointer(dkmAddress).Ulong(dkmLength);
        var (itemsAddress, _) = items.Build();
        s.Ulong((ulong)CKM.CKM_SHA256_HMAC).Ulong(3).Pointer(itemsAddress).Ulong(0).Pointer(0);
        var p = Assert.IsType<Sp800108Parameter>(Decode(CKM.CKM_SP800_108_COUNTER_KDF, s));
        Assert.Equal(CKM.CKM_SHA256_HMAC, p.PrfType);
        Assert.Equal(new PrfIterationVariable(new CounterFormat(false, 32)), p.DataParams[0]);
        Assert.Equal(A, Assert.IsType<PrfByteArray>(p.DataParams[1]).Value);
        Assert.Equal(new PrfDkmLength(Sp800108.SP800_108_DKM_LENGTH_SUM_OF_KEYS, true, 16), p.DataParams[2]);
        Assert.Null(p.Iv);

        using var f = new NativeStruct();
        using var feedbackItems = new NativeStruct().Ulong(Sp800108.SP800_108_ITERATION_VARIABLE).Pointer(0).Ulong(0);
        var (feedbackAddress, _) = feedbackItems.Build();
        f.Ulong((ulong)CKM.CKM_AES_CMAC).Ulong(1).Pointer(feedbackAddress).Ulong(2).Bytes(C).Ulong(0).Pointer(0);
        var pf = Assert.IsType<Sp800108Parameter>(Decode(CKM.CKM_SP800_108_FEEDBACK_KDF, f));
        Assert.Equal(new PrfIterationVariable(null), pf.DataParams[0]);
        Assert.Equal(C, pf.Iv);
    }

    [Fact]
    public void Simple_derivation_params()
    {
        using var s = new NativeStruct().Bytes(B).Ulong(4);
        Assert.Equal(B, Assert.IsType<BytesParameter>(Decode(CKM.CKM_XOR_BASE_AND_DATA, s)).Value);
        using var e = new NativeStruct().Ulong(21);
        Assert.Equal(new UlongParameter(21), Decode(CKM.CKM_EXTRACT_KEY_FROM_KEY, e));
        using var h = new NativeStruct().Ulong(99);
        Assert.Equal(99UL, Assert.IsType<KeyHandleParameter>(Decode(CKM.CKM_CONCATENATE_BASE_AND_KEY, h)).Handle);
    }

    [Fact]
    public void Tls_mac_and_master_key_params_with_version_write_back()
    {
        using var m = new NativeStruct().Ulong((ulong)CKM.CKM_SHA384).Ulong(12).Ulong(2);
        Assert.Equal(new TlsMacParameter(CKM.CKM_SHA384, 12, 2), Decode(CKM.CKM_TLS_MAC, m));

        using var s = new NativeStruct();
        var version = s.Alloc(2);
        s.Bytes(A).Ulong(3).Bytes(B).Ulong(4).Pointer(version).Ulong((ulong)CKM.CKM_SHA256);
        var (address, length) = s.Build();
        var p = Assert.IsType<Tls12MasterKeyDeriveParameter>(ParameterInterop.Decode(CKM.CKM_TLS12_MASTER_KEY_DERIVE, address, length));
        Assert.Equal((true, CKM.CKM_SHA256), (p.WantsVersion, p.PrfHashMechanism));
        Assert.Equal(A, p.ClientRandom);
        Assert.Equal(B, p.ServerRandom);
        ParameterInterop.WriteTlsVersion(CKM.CKM_TLS12_MASTER_KEY_DERIVE, address, new TlsVersionOutput(3, 1));
        Assert.Equal(new byte[] { 3, 1 }, NativeStruct.Read(version, 2));

        using var ssl3 = new NativeStruct().Bytes(A).Ulong(3).Bytes(B).Ulong(4).Pointer(0);
        var p3 = Assert.IsType<Tls12MasterKeyDeriveParameter>(Decode(CKM.CKM_NSS_TLS_MASTER_KEY_DERIVE_DH_SHA256, ssl3));
        Assert.Equal((false, CKM.CKM_SHA256), (p3.WantsVersion, p3.PrfHashMechanism));

        using var ems = new NativeStruct();
        var emsVersion = ems.Alloc(2);
        ems.Ulong((ulong)CKM.CKM_TLS_PRF).Bytes(C).Ulong(2).Pointer(emsVersion);
        var (emsAddress, emsLength) = ems.Build();
        var pe = Assert.IsType<TlsExtendedMasterKeyDeriveParameter>(ParameterInterop.Decode(CKM.CKM_NSS_TLS_EXTENDED_MASTER_KEY_DERIVE, emsAddress, emsLength));
        Assert.Equal((CKM.CKM_TLS_PRF, true), (pe.PrfHashMechanism, pe.WantsVersion));
        Assert.Equal(C, pe.SessionHash);
        ParameterInterop.WriteTlsVersion(CKM.CKM_NSS_TLS_EXTENDED_MASTER_KEY_DERIVE, emsAddress, new TlsVersionOutput(3, 3));
        Assert.Equal(new byte[] { 3, 3 }, NativeStruct.Read(emsVersion, 2));
    }

    [Fact]
    public void Tls12_key_mat_params_and_output_write_back()
    {
        using var s = new NativeStruct();
        var ivClient = s.Alloc(4);
        var ivServer = s.Alloc(4);
        using var outStruct = new NativeStruct().Ulong(0).Ulong(0).Ulong(0).Ulong(0).Pointer(ivClient).Pointer(ivServer);
        var (outAddress, _) = outStruct.Build();
        s.Ulong(0).Ulong(128).Ulong(32).Bool(false).Bytes(A).Ulong(3).Bytes(B).Ulong(4).Pointer(outAddress).Ulong((ulong)CKM.CKM_SHA384);
        var (address, length) = s.Build();
        var p = Assert.IsType<Tls12KeyMatParameter>(ParameterInterop.Decode(CKM.CKM_TLS12_KEY_AND_MAC_DERIVE, address, length));
        Assert.Equal((0UL, 128UL, 32UL, false, CKM.CKM_SHA384), (p.MacSizeInBits, p.KeySizeInBits, p.IvSizeInBits, p.IsExport, p.PrfHashMechanism));
        Assert.Equal(A, p.ClientRandom);
        Assert.Equal(B, p.ServerRandom);

        var material = new TlsKeyMaterial([], [], new byte[16], new byte[16], [1, 2, 3, 4], [5, 6, 7, 8]);
        ParameterInterop.WriteTlsKeyMaterial(CKM.CKM_TLS12_KEY_AND_MAC_DERIVE, address, material, [11, 12, 13, 14]);
        var handles = NativeStruct.Read(outAddress, 32);
        Assert.Equal([11UL, 12UL, 13UL, 14UL], Enumerable.Range(0, 4).Select(i => BitConverter.ToUInt64(handles, i * 8)));
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, NativeStruct.Read(ivClient, 4));
        Assert.Equal(new byte[] { 5, 6, 7, 8 }, NativeStruct.Read(ivServer, 4));

        // The SSL3 form (CKM_TLS_KEY_AND_MAC_DERIVE) has no prfHashMechanism; IVs asked for need buffers.
        using var noIv = new NativeStruct().Ulong(0).Ulong(0).Ulong(0).Ulong(0).Pointer(0).Pointer(0);
        var (noIvAddress, _) = noIv.Build();
        using var ssl3 = new NativeStruct().Ulong(160).Ulong(128).Ulong(64).Bool(false).Bytes(A).Ulong(3).Bytes(B).Ulong(4).Pointer(noIvAddress);
        Assert.Equal(CKR.CKR_MECHANISM_PARAM_INVALID, DecodeFails(CKM.CKM_TLS_KEY_AND_MAC_DERIVE, ssl3));
    }
}
