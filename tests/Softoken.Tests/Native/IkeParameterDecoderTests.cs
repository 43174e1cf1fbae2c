using Softoken.Mechanisms.Parameters;
using Softoken.Native.Interop.Parameters;
using Softoken.Pkcs11;

namespace Softoken.Tests.Native;

/// <summary>The IKE parameter structures laid out from the PKCS #11 v3.0 definitions by <see cref="NativeStruct"/>
/// and decoded by the native layer.</summary>
public sealed class IkeParameterDecoderTests
{
    private static readonly byte[] A = [1, 2, 3];
    private static readonly byte[] B = [4, 5, 6, 7];

    private static MechanismParameter Decode(CKM mechanism, NativeStruct s)
    {
        var (address, length) = s.Build();
        return ParameterInterop.Decode(mechanism, address, length);
    }

    [Fact]
    public void IkePrfDeriveParams()
    {
        using var s = new NativeStruct().Ulong((ulong)CKM.CKM_SHA256_HMAC).Bool(false).Bool(true).Bytes(A).Ulong(3).Bytes(B).Ulong(4).Ulong(42);
        var p = Assert.IsType<IkePrfParameter>(Decode(CKM.CKM_IKE_PRF_DERIVE, s));
        Assert.Equal((CKM.CKM_SHA256_HMAC, false, true, 42UL), (p.PrfMechanism, p.DataAsKey, p.Rekey, p.NewKeyHandle));
        Assert.Equal(A, p.Ni);
        Assert.Equal(B, p.Nr);
    }

    [Fact]
    public void Ike2PrfPlusDeriveParams()
    {
        using var s = new NativeStruct().Ulong((ulong)CKM.CKM_SHA_1_HMAC).Bool(true).Ulong(7).Bytes(B).Ulong(4);
        var p = Assert.IsType<Ike2PrfPlusParameter>(Decode(CKM.CKM_IKE2_PRF_PLUS_DERIVE, s));
        Assert.Equal((CKM.CKM_SHA_1_HMAC, true, 7UL), (p.PrfMechanism, p.HasSeedKey, p.SeedKeyHandle));
        Assert.Equal(B, p.SeedData);
    }

    [Fact]
    public void Ike1PrfDeriveParams()
    {
        using var s = new NativeStruct().Ulong((ulong)CKM.CKM_SHA256_HMAC).Bool(true).Ulong(5).Ulong(6)
            .Bytes(A).Ulong(3).Bytes(B).Ulong(4).Bool(false);
        // keyNumber is the last CK_BYTE: written after the layout so the struct keeps its padded size.
        var (address, length) = s.Build();
        System.Runtime.InteropServices.Marshal.WriteByte(address, 64, 2);
        var p = Assert.IsType<Ike1PrfParameter>(ParameterInterop.Decode(CKM.CKM_IKE1_PRF_DERIVE, address, length));
        Assert.Equal((true, 5UL, 6UL, (byte)2), (p.HasPreviousKey, p.GxyHandle, p.PreviousKeyHandle, p.KeyNumber));
        Assert.Equal(A, p.CkyI);
        Assert.Equal(B, p.CkyR);
    }

    [Fact]
    public void Ike1ExtendedDeriveParams()
    {
        using var s = new NativeStruct().Ulong((ulong)CKM.CKM_SHA384_HMAC).Bool(false).Ulong(0).Bytes(A).Ulong(3);
        var p = Assert.IsType<Ike1ExtendedParameter>(Decode(CKM.CKM_IKE1_EXTENDED_DERIVE, s));
        Assert.Equal((CKM.CKM_SHA384_HMAC, false), (p.PrfMechanism, p.HasGxy));
        Assert.Equal(A, p.ExtraData);
    }

    [Fact]
    public void AShortStructureIsAParameterError()
    {
        using var s = new NativeStruct().Ulong((ulong)CKM.CKM_SHA256_HMAC);
        Assert.Equal(CKR.CKR_MECHANISM_PARAM_INVALID, Assert.Throws<Pkcs11Exception>(() => Decode(CKM.CKM_IKE_PRF_DERIVE, s)).Rv);
    }

    [Theory]
    [InlineData(0x402FUL, 0xCE534373UL)]
    [InlineData(0x402EUL, 0xCE534372UL)]
    [InlineData(0x4030UL, 0xCE534374UL)]
    [InlineData(0x4031UL, 0xCE534375UL)]
    public void NssVendorStructuresHaveTheStandardLayouts(ulong standard, ulong nss)
    {
        // The widest of the four (CK_IKE1_PRF_DERIVE_PARAMS) sliced to each structure's size by its decoder.
        foreach (var s in new[]
        {
            new NativeStruct().Ulong((ulong)CKM.CKM_SHA256_HMAC).Bool(true).Bool(true).Bytes(A).Ulong(3).Bytes(B).Ulong(4).Ulong(42),
            new NativeStruct().Ulong((ulong)CKM.CKM_SHA256_HMAC).Bool(true).Ulong(7).Bytes(B).Ulong(4),
            new NativeStruct().Ulong((ulong)CKM.CKM_SHA256_HMAC).Bool(true).Ulong(5).Ulong(6).Bytes(A).Ulong(3).Bytes(B).Ulong(4).Ulong(0),
        })
        {
            using (s)
            {
                var (address, length) = s.Build();
                MechanismParameter? Try(CKM m)
                {
                    try { return ParameterInterop.Decode(m, address, length); }
                    catch (Pkcs11Exception e) when (e.Rv == CKR.CKR_MECHANISM_PARAM_INVALID) { return null; }
                }
                Assert.Equal(Try((CKM)standard)?.ToString(), Try((CKM)nss)?.ToString());
            }
        }
    }

    [Fact]
    public void NssAppendixBTakesABareMechanismType()
    {
        using var s = new NativeStruct().Ulong((ulong)CKM.CKM_SHA384_HMAC);
        var p = Assert.IsType<Ike1ExtendedParameter>(Decode(CKM.CKM_NSS_IKE1_APP_B_PRF_DERIVE, s));
        Assert.Equal((CKM.CKM_SHA384_HMAC, false, 0), (p.PrfMechanism, p.HasGxy, p.ExtraData.Length));
        // The standard mechanism takes only its structure.
        Assert.Equal(CKR.CKR_MECHANISM_PARAM_INVALID,
            Assert.Throws<Pkcs11Exception>(() => Decode(CKM.CKM_IKE1_EXTENDED_DERIVE, s)).Rv);
    }
}
