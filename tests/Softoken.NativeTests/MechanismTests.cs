using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.LowLevelAPI80;
using Softoken.NativeTests.Infrastructure;

namespace Softoken.NativeTests;

/// <summary>Issue 2, item 10: C_GetMechanismList / C_GetMechanismInfo per slot, from the one registry. As in
/// softokn, the plain digests are listed on the crypto slot only (digesting still works on slot 2: DigestTests).</summary>
public sealed class MechanismTests(ModuleFixture fixture) : InitializedModuleTest(fixture)
{
    private static readonly CKM[] Digests =
        [CKM.CKM_MD5, CKM.CKM_SHA_1, CKM.CKM_SHA224, CKM.CKM_SHA256, CKM.CKM_SHA384, CKM.CKM_SHA512];

    [Fact]
    public void CryptoSlotListsEveryDigest()
    {
        var list = CryptoSlot.GetMechanismList();
        Assert.All(Digests, d => Assert.Contains(d, list));
        Assert.Equal(list.Count, list.Distinct().Count());
    }

    [Fact]
    public void KeyStorageSlotListsNoPlainDigest()
    {
        var list = KeyStorageSlot.GetMechanismList();
        Assert.All(Digests, d => Assert.DoesNotContain(d, list));
    }

    [Theory]
    [InlineData(CKM.CKM_MD5)]
    [InlineData(CKM.CKM_SHA_1)]
    [InlineData(CKM.CKM_SHA224)]
    [InlineData(CKM.CKM_SHA256)]
    [InlineData(CKM.CKM_SHA384)]
    [InlineData(CKM.CKM_SHA512)]
    public void DigestMechanismInfoOnTheCryptoSlot(CKM mechanism)
    {
        var info = new CK_MECHANISM_INFO();
        Assert.Equal(CKR.CKR_OK, LowLevel.C_GetMechanismInfo(CryptoSlotId, mechanism, ref info));
        Assert.Equal((ulong)CKF.CKF_DIGEST, info.Flags);
        Assert.Equal(0UL, info.MinKeySize);
        Assert.Equal(0UL, info.MaxKeySize);
        Assert.Equal(CKR.CKR_MECHANISM_INVALID, LowLevel.C_GetMechanismInfo(KeyStorageSlotId, mechanism, ref info));
    }

    [Fact]
    public void EveryListedMechanismHasInfoAndUnlistedOnesDoNot()
    {
        foreach (var slot in new[] { CryptoSlotId, KeyStorageSlotId })
        {
            foreach (var mechanism in Slot(slot).GetMechanismList())
            {
                var info = new CK_MECHANISM_INFO();
                Assert.Equal(CKR.CKR_OK, LowLevel.C_GetMechanismInfo(slot, mechanism, ref info));
                Assert.NotEqual(0UL, info.Flags);
                Assert.Equal(0UL, info.Flags & CKF.CKF_HW);
            }
        }
        var none = new CK_MECHANISM_INFO();
        Assert.Equal(CKR.CKR_MECHANISM_INVALID, LowLevel.C_GetMechanismInfo(CryptoSlotId, (CKM)0x80004321, ref none));
    }

    [Fact]
    public void MechanismListFollowsTheOutputBufferConvention()
    {
        ulong count = 0;
        Assert.Equal(CKR.CKR_OK, LowLevel.C_GetMechanismList(CryptoSlotId, null, ref count));
        Assert.True(count >= (ulong)Digests.Length);
        var total = count;
        var list = new CKM[total - 1];
        count = total - 1;
        Assert.Equal(CKR.CKR_BUFFER_TOO_SMALL, LowLevel.C_GetMechanismList(CryptoSlotId, list, ref count));
        Assert.Equal(total, count);
        list = new CKM[total + 3];
        count = total + 3;
        Assert.Equal(CKR.CKR_OK, LowLevel.C_GetMechanismList(CryptoSlotId, list, ref count));
        Assert.Equal(total, count);
        Assert.Equal(CKR.CKR_ARGUMENTS_BAD, Raw.Call("C_GetMechanismList", (nuint)CryptoSlotId, 0, 0));
    }

    [Fact]
    public void MechanismInfoIntoANullPointerIsArgumentsBad() =>
        Assert.Equal(CKR.CKR_ARGUMENTS_BAD, Raw.Call("C_GetMechanismInfo", (nuint)CryptoSlotId, (nuint)CKM.CKM_SHA256, 0));
}
