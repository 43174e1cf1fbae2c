using Softoken.Crypto;
using Softoken.Mechanisms;
using Softoken.Mechanisms.Parameters;
using Softoken.Objects;
using Softoken.Pkcs11;

namespace Softoken.Tests.Crypto;

/// <summary>The IKE derivations, standard and NSS vendor mechanism numbers alike, against published answers with
/// HMAC-SHA-256: NIST CAVP's SP 800-135 KDF (IKEv1 digital-signature and pre-shared-key, IKEv2) sample vectors, as
/// NSS carries them in gtests/common/testvectors/ike-sha256-vectors.h (ids 1 to 10), and for RFC 2409 appendix B the
/// vectors NSS generated with softokn in the same file (ids 11 to 16).</summary>
public sealed class IkeKnownAnswerTests
{
    // IKEv1 with signatures: 256-byte nonces, g^xy, CKY-I, CKY-R.
    private const string V1Ni =
        "b1dee62505b47b223bae14ce7a5b757402ad1587511618d09f94950d47f1d8d4ce86aca12d78db9854d86019ad735757ae79d8932ac0c7db842c85060150ca87" +
        "5ea5d47e3cfcb2a05922ebb7959d49b9797a2289676ee79a1d9a18b790f87e4771ddaf4be3376057a553162f68fe429aca73b07234543801ba2122b1bde82251" +
        "770d05df813cf556a11ca4dc43ffcb85a97dbed16e2fda6985e07e31be6364899e63c507c7c616e5eb7765a53560f76772de43918ba07badfe85244dcdcd917c" +
        "b065afb60e3b7e68b54dd94bfc7c31c8b752892781ed3cc4b7f28fbc0ab9af908f5ae1f09f893f80100a7b3135993161b51fbba3bbb24b9f88c6147de82cd6f0";

    private const string V1Nr =
        "f0acfef2ad1f7add0eaafda78c1cf1097d9fc91cb04a7c145069ac426fd164cbe661b1dd2df0fb84e19512181f0d8ea50b7860845f332757a8e56d2a3b7be436" +
        "b5718a2d49baa996a4616684a208c2d611cd65e605dca6e3d3f116859b4410fe13679696bb2e23c08a40c7e1316d54b4c9c0286701c221151b3642cb4112ca1a" +
        "53e0e597a7e29c634caed86ca3c31973d37b4c346134fd6784cd99913feedf3d29d89a0a02a5a750f02f5738109dcc670bb27701fb59f78e83b76860c3fec079" +
        "a1fc8c937ddb58ae7500422b7e49ce63759c65b6bc439381d56bcc159edede894b073841036ebfa050a5b3e7c876a3f18def26b1768a263ac66c9d83b680eb5e";

    private const string V1Gxy = "a1ff3dc6cf9b4c04709943cb4ca1f1789bcf360b03f1d027de3ae8ee039e9155";
    private const string V1Skeyid = "750c5c94b9c2ec20b68033e024dadf0fa87e8b48c6561b21c72478451a06583d";
    private const string V1SkeyidD = "a4f7ca7de913814813e3312099e7c943bd293483f387532330237f1b20957310";
    private const string V1SkeyidA = "1d4b705746c43b0a6fcbb8db33983c0f24ff6f8b6543e3779fed227c6067f004";
    private const string V1SkeyidE = "03e6f16cd9ce9f64b5cdc5b34cca7163483ba5389a30afebef3d14640b0a815e";
    private static readonly byte[] CkyI = Convert.FromHexString("6c6beb72631ddc3d");
    private static readonly byte[] CkyR = Convert.FromHexString("b84e24b22cffbd14");

    // IKEv2: g^ir, nonces, SPIs, SKEYSEED, DKM (prf+), rekeyed SKEYSEED.
    private const string V2Skeyseed = "5f00d1bd2c58ec224b1e6b71fa0f19a1faa7a193952c444411b47c1a9d8ba6fe";
    private const string V2Dkm =
        "0b137d669b0947d7d026d593f0305ad401ff0c471357d695778a9c7f4b4869ece98aca531188d16041b3bb936d2dbb3b4993a6e768a809160de45d0283f273a6" +
        "cdf6854379e31be72b8d3d1fa990cf9c5b015ca9f918a7df6253c958114a09d4e1c19bdcd4db14b29d98db1a74ad405c588662c14a04d0d36aa4ab55e90f8986" +
        "d12d4aad";
    private static readonly byte[] V2Ni = Convert.FromHexString("3f302be1abcb28e1");
    private static readonly byte[] V2Nr = Convert.FromHexString("8c332ee006064c9b");
    private static readonly byte[] V2Seed = Convert.FromHexString("3f302be1abcb28e18c332ee006064c9b40dac39e1e1a86408619a1cf9a6e4c07");

    // RFC 2409 appendix B from SKEYSEED above (NSS ids 11 and 14): without and with one byte 00 of extra data.
    private const string AppendixB =
        "b10fff32cbeaa1e7afe6ab0b191e0bd63cd524849a4b56019146d232a24cf9af6b89494d2a360b06825db8bb0324c15cecf47fc0bc99e39bf1171a7f4bf1733d" +
        "c49ef64c642e73b054b2e82456e34fa3c822da475e27e403b3da3929da50e6aa9e7f9252c68fa069b4b0edd374e80d35378c4f5e8ec285a1b169c92bbb5353d0" +
        "5ba94165";
    private const string AppendixBQuick =
        "b10fff32cbeaa1e7afe6ab0b191e0bd63cd524849a4b56019146d232a24cf9af59f18ed9aabbb2dbbafecf48d72a34a8f72fab2ff4f37e5c917288a78ce00933" +
        "612e9531a7469995c7f7cc33c7627cac3efbc819330c4fe3bfa3788799630f37bcb74800d82bbebd17b1906e304a786f4f810c266c15be1a30576039c29327274" +
        "8d65966";

    private static (CKM Prf, CKM Ike1, CKM PrfPlus, CKM AppendixB) Numbers(bool nss) => nss
        ? (CKM.CKM_NSS_IKE_PRF_DERIVE, CKM.CKM_NSS_IKE1_PRF_DERIVE, CKM.CKM_NSS_IKE_PRF_PLUS_DERIVE, CKM.CKM_NSS_IKE1_APP_B_PRF_DERIVE)
        : (CKM.CKM_IKE_PRF_DERIVE, CKM.CKM_IKE1_PRF_DERIVE, CKM.CKM_IKE2_PRF_PLUS_DERIVE, CKM.CKM_IKE1_EXTENDED_DERIVE);

    private static byte[] H(string hex) => Convert.FromHexString(hex);

    private static string Derive(CKM mechanism, MechanismParameter parameter, string baseKey, ulong? length = null)
    {
        var key = new AttributeSet();
        key.SetUlong(CKA.CKA_CLASS, (ulong)CKO.CKO_SECRET_KEY);
        key.SetUlong(CKA.CKA_KEY_TYPE, (ulong)CKK.CKK_GENERIC_SECRET);
        key.Set(CKA.CKA_VALUE, H(baseKey));
        var template = new AttributeSet();
        template.SetUlong(CKA.CKA_KEY_TYPE, (ulong)CKK.CKK_GENERIC_SECRET);
        if (length is { } n) template.SetUlong(CKA.CKA_VALUE_LEN, n);
        var result = MechanismRegistry.Get(mechanism).Derive!(new DeriveRequest(mechanism, parameter, key, template, new RandomSource()));
        return Convert.ToHexString(result.Key.RequireBytes(CKA.CKA_VALUE)).ToLowerInvariant();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Ikev1SignatureSkeyidAndItsThreeKeys(bool nss)
    {
        var (prf, ike1, _, _) = Numbers(nss);
        Assert.Equal(V1Skeyid, Derive(prf, new IkePrfParameter(CKM.CKM_SHA256_HMAC, true, false, H(V1Ni), H(V1Nr), 0), V1Gxy));
        Ike1PrfParameter Key(byte number, string? previous) =>
            new(CKM.CKM_SHA256_HMAC, previous is not null, 1, 2, CkyI, CkyR, number) { Gxy = H(V1Gxy), PreviousKey = previous is null ? null : H(previous) };
        Assert.Equal(V1SkeyidD, Derive(ike1, Key(0, null), V1Skeyid, 32));
        Assert.Equal(V1SkeyidA, Derive(ike1, Key(1, V1SkeyidD), V1Skeyid, 32));
        Assert.Equal(V1SkeyidE, Derive(ike1, Key(2, V1SkeyidA), V1Skeyid, 32));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Ikev1PreSharedKeySkeyid(bool nss) =>
        Assert.Equal("558a99b299773d267cf7c8ef073bf3b7af362c206c75a538403c5ef884d4cace",
            Derive(Numbers(nss).Prf, new IkePrfParameter(CKM.CKM_SHA256_HMAC, false, false, H("ead9ced494868f41"), H("f1aff4f425a94f18"), 0), "a0"));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Ikev2SkeyseedRekeyAndPrfPlus(bool nss)
    {
        var (prf, _, prfPlus, _) = Numbers(nss);
        Assert.Equal(V2Skeyseed, Derive(prf, new IkePrfParameter(CKM.CKM_SHA256_HMAC, true, false, V2Ni, V2Nr, 0),
            "0f4d257d7a58fc4545c7d7a88119eee5d5c9690c5b4c989171d3abbfd99d1d29"));
        var rekey = new IkePrfParameter(CKM.CKM_SHA256_HMAC, false, true, V2Ni, V2Nr, 9)
        {
            NewKey = H("25f3b12d6f282739256e39bf54eda53b60ffcf379bb7bcc90c27b4c4c578616c"),
        };
        Assert.Equal("2d63f6debc92048b4fef3889c4c99ca67d6496e0fac14a2bca9a2d6566ff2398", Derive(prf, rekey, V2Dkm[..64]));
        var plus = new Ike2PrfPlusParameter(CKM.CKM_SHA256_HMAC, false, 0, V2Seed);
        Assert.Equal(V2Dkm, Derive(prfPlus, plus, V2Skeyseed, 132));
        Assert.Equal(V2Dkm[..64], Derive(prfPlus, plus, V2Skeyseed, 32));
        Assert.Equal(V2Dkm[..30], Derive(prfPlus, plus, V2Skeyseed, 15));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AppendixBLongKeysAndQuickMode(bool nss)
    {
        var appendixB = Numbers(nss).AppendixB;
        var bare = new Ike1ExtendedParameter(CKM.CKM_SHA256_HMAC, false, 0, []);
        Assert.Equal(AppendixB, Derive(appendixB, bare, V2Skeyseed, 132));
        Assert.Equal(V2Skeyseed, Derive(appendixB, bare, V2Skeyseed, 32));
        Assert.Equal(V2Skeyseed[..30], Derive(appendixB, bare, V2Skeyseed, 15));
        var quick = new Ike1ExtendedParameter(CKM.CKM_SHA256_HMAC, false, 0, [0]);
        Assert.Equal(AppendixBQuick, Derive(appendixB, quick, V2Skeyseed, 132));
        Assert.Equal(AppendixBQuick[..64], Derive(appendixB, quick, V2Skeyseed, 32));
        Assert.Equal(AppendixBQuick[..30], Derive(appendixB, quick, V2Skeyseed, 15));
    }
}
