using System.Security.Cryptography;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.LowLevelAPI80;
using Softoken.NativeTests.Infrastructure;

namespace Softoken.NativeTests.Symmetric;

/// <summary>The IKE derivations through the .so: the parameter structures, the keys their handles name, and the
/// PKCS #11 v3.0 section 2.44 formulas (checked with .NET's HMAC-SHA-256).</summary>
public sealed class IkeDerivationTests(ModuleFixture fixture) : SymmetricTest(fixture)
{
    private const ulong CKM_IKE2_PRF_PLUS_DERIVE = 0x402E;
    private const ulong CKM_IKE_PRF_DERIVE = 0x402F;
    private const ulong CKM_NSS_IKE_PRF_PLUS_DERIVE = 0xCE534372;
    private const ulong CKM_NSS_IKE_PRF_DERIVE = 0xCE534373;
    private const ulong CKM_NSS_IKE1_PRF_DERIVE = 0xCE534374;
    private const ulong CKM_NSS_IKE1_APP_B_PRF_DERIVE = 0xCE534375;

    private static readonly byte[] Skeyseed = Convert.FromHexString("5f00d1bd2c58ec224b1e6b71fa0f19a1faa7a193952c444411b47c1a9d8ba6fe");

    private byte[] Derive(ulong mechanismType, byte[] parameter, ulong baseKey, ulong length)
    {
        var template = new[]
        {
            CkaUtils.CreateAttribute(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY), CkaUtils.CreateAttribute(CKA.CKA_KEY_TYPE, (ulong)CKK.CKK_GENERIC_SECRET),
            CkaUtils.CreateAttribute(CKA.CKA_SENSITIVE, false), CkaUtils.CreateAttribute(CKA.CKA_VALUE_LEN, length),
        };
        var mechanism = LowMechanism(mechanismType, parameter);
        ulong handle = 0;
        try
        {
            Expect.Ok(LowLevel.C_DeriveKey(SessionId, ref mechanism, baseKey, template, (ulong)template.Length, ref handle), "C_DeriveKey");
        }
        finally
        {
            UnmanagedMemory.Free(ref mechanism.Parameter);
            for (int i = 0; i < template.Length; i++) UnmanagedMemory.Free(ref template[i].value);
        }
        return Value(Factories.ObjectHandleFactory.Create(handle));
    }

    [Fact]
    public void IkePrfRekeyUsesTheNewKeyHandle()
    {
        var skD = Random(32);
        var newGir = Random(32);
        var (ni, nr) = (Random(16), Random(16));
        var baseKey = Generic(skD, Attr(CKA.CKA_DERIVE, true));
        var newKey = Generic(newGir);
        // CK_IKE_PRF_DERIVE_PARAMS: prfMechanism, bDataAsKey, bRekey, pNi/ulNiLen, pNr/ulNrLen, hNewKey.
        var parameter = Struct().Ulong((ulong)CKM.CKM_SHA256_HMAC).Byte(0).Byte(1).DataLen(ni).DataLen(nr).Ulong(newKey.ObjectId).Build();
        var value = Derive(CKM_IKE_PRF_DERIVE, parameter, baseKey.ObjectId, 32);
        Assert.Equal(ToHex(HMACSHA256.HashData(skD, (byte[])[.. newGir, .. ni, .. nr])), ToHex(value));
    }

    [Fact]
    public void Ike2PrfPlusUsesTheSeedKeyHandle()
    {
        var skeyseed = Random(32);
        var seedKey = Random(16);
        var seedData = Random(20);
        var baseKey = Generic(skeyseed, Attr(CKA.CKA_DERIVE, true));
        var seed = Generic(seedKey);
        // CK_IKE2_PRF_PLUS_DERIVE_PARAMS: prfMechanism, bHasSeedKey, hSeedKey, pSeedData/ulSeedDataLen.
        var parameter = Struct().Ulong((ulong)CKM.CKM_SHA256_HMAC).Byte(1).Ulong(seed.ObjectId).DataLen(seedData).Build();
        var value = Derive(CKM_IKE2_PRF_PLUS_DERIVE, parameter, baseKey.ObjectId, 40);
        byte[] s = [.. seedKey, .. seedData];
        var t1 = HMACSHA256.HashData(skeyseed, (byte[])[.. s, 1]);
        var t2 = HMACSHA256.HashData(skeyseed, (byte[])[.. t1, .. s, 2]);
        Assert.Equal(ToHex([.. t1, .. t2[..8]]), ToHex(value));
    }

    /// <summary>NSS's vendor numbers with their CK_NSS_ structures, against NIST CAVP's IKEv2 sample (SKEYSEED and the
    /// prf+ keying material, as NSS's gtests carry it) and softokn 3.87's own appendix B answer for the bare
    /// CK_MECHANISM_TYPE parameter.</summary>
    [Fact]
    public void NssIkeMechanismsMatchPublishedAnswers()
    {
        var gir = Generic(Convert.FromHexString("0f4d257d7a58fc4545c7d7a88119eee5d5c9690c5b4c989171d3abbfd99d1d29"), Attr(CKA.CKA_DERIVE, true));
        var (ni, nr) = (Convert.FromHexString("3f302be1abcb28e1"), Convert.FromHexString("8c332ee006064c9b"));
        var prf = Struct().Ulong((ulong)CKM.CKM_SHA256_HMAC).Byte(1).Byte(0).DataLen(ni).DataLen(nr).Ulong(0).Build();
        Assert.Equal(ToHex(Skeyseed), ToHex(Derive(CKM_NSS_IKE_PRF_DERIVE, prf, gir.ObjectId, 32)));
        var skeyseed = Generic(Skeyseed, Attr(CKA.CKA_DERIVE, true));
        var seed = Convert.FromHexString("3f302be1abcb28e18c332ee006064c9b40dac39e1e1a86408619a1cf9a6e4c07");
        var plus = Struct().Ulong((ulong)CKM.CKM_SHA256_HMAC).Byte(0).Ulong(0).DataLen(seed).Build();
        var dkm = ToHex(Derive(CKM_NSS_IKE_PRF_PLUS_DERIVE, plus, skeyseed.ObjectId, 132));
        Assert.StartsWith("0b137d669b0947d7d026d593f0305ad401ff0c471357d695778a9c7f4b4869ec", dkm);
        Assert.EndsWith("e90f8986d12d4aad", dkm);
        var bare = BitConverter.GetBytes((ulong)CKM.CKM_SHA256_HMAC);
        var appendixB = ToHex(Derive(CKM_NSS_IKE1_APP_B_PRF_DERIVE, bare, skeyseed.ObjectId, 132));
        Assert.StartsWith("b10fff32cbeaa1e7afe6ab0b191e0bd63cd524849a4b56019146d232a24cf9af", appendixB);
        Assert.EndsWith("bb5353d05ba94165", appendixB);
    }

    [Fact]
    public void NssIke1PrfDeriveUsesTheGxyAndPreviousKeyHandles()
    {
        var skeyid = Random(32);
        var (gxy, previous) = (Random(32), Random(32));
        var (ckyI, ckyR) = (Random(8), Random(8));
        var baseKey = Generic(skeyid, Attr(CKA.CKA_DERIVE, true));
        // CK_NSS_IKE1_PRF_DERIVE_PARAMS: prfMechanism, bHasPrevKey, hKeygxy, hPrevKey, pCKYi/len, pCKYr/len, keyNumber.
        var parameter = Struct().Ulong((ulong)CKM.CKM_SHA256_HMAC).Byte(1).Ulong(Generic(gxy).ObjectId).Ulong(Generic(previous).ObjectId)
            .DataLen(ckyI).DataLen(ckyR).Ulong(1).Build();
        var value = Derive(CKM_NSS_IKE1_PRF_DERIVE, parameter, baseKey.ObjectId, 32);
        Assert.Equal(ToHex(HMACSHA256.HashData(skeyid, (byte[])[.. previous, .. gxy, .. ckyI, .. ckyR, 1])), ToHex(value));
    }
}
