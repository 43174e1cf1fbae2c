using System.Security.Cryptography;
using Softoken.Mechanisms.Parameters;
using Softoken.Pkcs11;
using static Softoken.Tests.Crypto.MechanismCalls;

namespace Softoken.Tests.Crypto;

/// <summary>PKCS #11 v3.0 section 2.43 (simple key derivations) and the hash key derivations (section 2.20.x):
/// the expected values follow directly from the definitions.</summary>
public sealed class KeyDerivationTests
{
    private static readonly byte[] Base = Hex("0102030405060708");
    private static readonly byte[] Data = Hex("a0a1a2a3");

    [Fact]
    public void Concatenations()
    {
        Assert.Equal("0102030405060708a0a1a2a3", Value(Derive(CKM.CKM_CONCATENATE_BASE_AND_DATA, Secret(Base), new BytesParameter(Data), Template()).Key));
        Assert.Equal("a0a1a2a30102030405060708", Value(Derive(CKM.CKM_CONCATENATE_DATA_AND_BASE, Secret(Base), new BytesParameter(Data), Template()).Key));
        Assert.Equal("a0a1a2a301", Value(Derive(CKM.CKM_CONCATENATE_DATA_AND_BASE, Secret(Base), new BytesParameter(Data), Template(5)).Key));
        var other = new KeyHandleParameter(42) { Value = Data };
        Assert.Equal("0102030405060708a0a1a2a3", Value(Derive(CKM.CKM_CONCATENATE_BASE_AND_KEY, Secret(Base), other, Template()).Key));
        Assert.Equal(CKR.CKR_MECHANISM_PARAM_INVALID, Fails(() => Derive(CKM.CKM_CONCATENATE_BASE_AND_KEY, Secret(Base), new KeyHandleParameter(42), Template())));
        Assert.Equal(CKR.CKR_TEMPLATE_INCONSISTENT, Fails(() => Derive(CKM.CKM_CONCATENATE_BASE_AND_DATA, Secret(Base), new BytesParameter(Data), Template(13))));
    }

    [Fact]
    public void Xor_truncates_to_the_shorter()
    {
        Assert.Equal("a1a3a1a7", Value(Derive(CKM.CKM_XOR_BASE_AND_DATA, Secret(Base), new BytesParameter(Data), Template()).Key));
        Assert.Equal(CKR.CKR_MECHANISM_PARAM_INVALID, Fails(() => Derive(CKM.CKM_XOR_BASE_AND_DATA, Secret(Base), null, Template())));
    }

    // Section 2.43.6's example: base key 0x329F84A9 (binary 00110010 10011111 10000100 10101001), b = 21,
    // two bytes: bits 21-31 then 0-4 = 1001010100100110 = 0x9526.
    [Fact]
    public void Extract_key_from_key_wraps_around()
    {
        Assert.Equal("9526", Value(Derive(CKM.CKM_EXTRACT_KEY_FROM_KEY, Secret(Hex("329F84A9")), new UlongParameter(21), Template(2)).Key));
        Assert.Equal(CKR.CKR_TEMPLATE_INCOMPLETE, Fails(() => Derive(CKM.CKM_EXTRACT_KEY_FROM_KEY, Secret(Hex("329F84A9")), new UlongParameter(21), Template())));
        Assert.Equal(CKR.CKR_TEMPLATE_INCONSISTENT, Fails(() => Derive(CKM.CKM_EXTRACT_KEY_FROM_KEY, Secret(Hex("329F84A9")), new UlongParameter(32), Template(2))));
    }

    [Fact]
    public void Hash_derivations()
    {
        Assert.Equal(ToHex(SHA256.HashData(Base)), Value(Derive(CKM.CKM_SHA256_KEY_DERIVATION, Secret(Base), null, Template()).Key));
        Assert.Equal(ToHex(SHA1.HashData(Base))[..32], Value(Derive(CKM.CKM_SHA1_KEY_DERIVATION, Secret(Base), null, Template(16)).Key));
        var des3 = Derive(CKM.CKM_SHA384_KEY_DERIVATION, Secret(Base), null, Template(type: CKK.CKK_DES3)).Key.RequireBytes(CKA.CKA_VALUE);
        Assert.Equal(24, des3.Length);
        Assert.All(des3, b => Assert.Equal(1, System.Numerics.BitOperations.PopCount(b) % 2));
        Assert.Equal(CKR.CKR_TEMPLATE_INCONSISTENT, Fails(() => Derive(CKM.CKM_SHA1_KEY_DERIVATION, Secret(Base), null, Template(type: CKK.CKK_DES3))));
        Assert.Equal(CKR.CKR_MECHANISM_PARAM_INVALID, Fails(() => Derive(CKM.CKM_MD5_KEY_DERIVATION, Secret(Base), new BytesParameter(Data), Template())));
        Assert.Equal(16, Derive(CKM.CKM_MD2_KEY_DERIVATION, Secret(Base), null, Template()).Key.RequireBytes(CKA.CKA_VALUE).Length);
    }
}
