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
}
