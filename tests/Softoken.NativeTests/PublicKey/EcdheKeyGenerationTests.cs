using System.Security.Cryptography;
using Net.Pkcs11Interop.Common;
using Softoken.NativeTests.Infrastructure;

namespace Softoken.NativeTests.PublicKey;

/// <summary>CKM_NSS_ECDHE_NO_PAIRWISE_CHECK_KEY_PAIR_GEN through the .so: NSS's ephemeral-ECDHE form of
/// CKM_EC_KEY_PAIR_GEN (the same key pair, without the pairwise consistency check), offered on both slots like
/// softokn.</summary>
public sealed class EcdheKeyGenerationTests(ModuleFixture fixture) : PublicKeyTest(fixture)
{
    private const CKM CKM_NSS_ECDHE_NO_PAIRWISE_CHECK_KEY_PAIR_GEN = (CKM)0xCE53437F;

    [Theory]
    [InlineData(CryptoSlotId, Curves.P256)]
    [InlineData(CryptoSlotId, Curves.P384)]
    [InlineData(KeyStorageSlotId, Curves.P256)]
    public void GeneratesAWorkingEcKeyPair(ulong slot, string curve)
    {
        var session = Session(slot);
        var info = Slot(slot).GetMechanismInfo(CKM_NSS_ECDHE_NO_PAIRWISE_CHECK_KEY_PAIR_GEN);
        Assert.True(info.MechanismFlags.GenerateKeyPair);
        var pair = GenerateKeyPair(session, CKM_NSS_ECDHE_NO_PAIRWISE_CHECK_KEY_PAIR_GEN, [A(CKA.CKA_EC_PARAMS, Curves.Oid(curve))]);
        Assert.Equal((ulong)CKK.CKK_EC, Ulong(session, pair.Private, CKA.CKA_KEY_TYPE));
        Assert.Equal(Curves.Oid(curve), Bytes(session, pair.Public, CKA.CKA_EC_PARAMS));
        using var ecdsa = DotNetEcdsa(session, pair.Public, curve);
        var signature = session.Sign(Mech(CKM.CKM_ECDSA_SHA256), pair.Private, Message);
        Assert.True(ecdsa.VerifyData(Message, signature, HashAlgorithmName.SHA256));
    }
}
