using Softoken.Mechanisms;
using Softoken.Pkcs11;

namespace Softoken.Tests.Crypto;

/// <summary>The symmetric cipher rows of the registry: slot listing as in softokn's mechanism table, and the
/// operations each kind of mechanism offers.</summary>
public sealed class SymmetricRegistryTests
{
    /// <summary>softokn's mechanisms[] (lib/softoken/pkcs11.c, NSS 3.124, "active" in the default build) for the
    /// cipher families: both slots, or the crypto slot only.</summary>
    private static readonly Dictionary<string, SlotSet> Softokn = new()
    {
        ["CKM_RC2_KEY_GEN"] = SlotSet.Both,
        ["CKM_RC2_ECB"] = SlotSet.Both,
        ["CKM_RC2_CBC"] = SlotSet.Both,
        ["CKM_RC2_MAC"] = SlotSet.Both,
        ["CKM_RC2_MAC_GENERAL"] = SlotSet.Both,
        ["CKM_RC2_CBC_PAD"] = SlotSet.Both,
        ["CKM_RC4_KEY_GEN"] = SlotSet.Crypto,
        ["CKM_RC4"] = SlotSet.Crypto,
        ["CKM_DES_KEY_GEN"] = SlotSet.Both,
        ["CKM_DES_ECB"] = SlotSet.Both,
        ["CKM_DES_CBC"] = SlotSet.Both,
        ["CKM_DES_MAC"] = SlotSet.Both,
        ["CKM_DES_MAC_GENERAL"] = SlotSet.Both,
        ["CKM_DES_CBC_PAD"] = SlotSet.Both,
        ["CKM_DES2_KEY_GEN"] = SlotSet.Both,
        ["CKM_DES3_KEY_GEN"] = SlotSet.Both,
        ["CKM_DES3_ECB"] = SlotSet.Both,
        ["CKM_DES3_CBC"] = SlotSet.Both,
        ["CKM_DES3_MAC"] = SlotSet.Both,
        ["CKM_DES3_MAC_GENERAL"] = SlotSet.Both,
        ["CKM_DES3_CBC_PAD"] = SlotSet.Both,
        ["CKM_CDMF_KEY_GEN"] = SlotSet.Both,
        ["CKM_CDMF_ECB"] = SlotSet.Both,
        ["CKM_CDMF_CBC"] = SlotSet.Both,
        ["CKM_CDMF_MAC"] = SlotSet.Both,
        ["CKM_CDMF_MAC_GENERAL"] = SlotSet.Both,
        ["CKM_CDMF_CBC_PAD"] = SlotSet.Both,
        ["CKM_AES_KEY_GEN"] = SlotSet.Both,
        ["CKM_AES_ECB"] = SlotSet.Both,
        ["CKM_AES_CBC"] = SlotSet.Both,
        ["CKM_AES_MAC"] = SlotSet.Both,
        ["CKM_AES_MAC_GENERAL"] = SlotSet.Both,
        ["CKM_AES_CMAC"] = SlotSet.Both,
        ["CKM_AES_CMAC_GENERAL"] = SlotSet.Both,
        ["CKM_AES_CBC_PAD"] = SlotSet.Both,
        ["CKM_AES_CTS"] = SlotSet.Both,
        ["CKM_AES_CTR"] = SlotSet.Both,
        ["CKM_AES_GCM"] = SlotSet.Both,
        ["CKM_AES_XCBC_MAC_96"] = SlotSet.Both,
        ["CKM_AES_XCBC_MAC"] = SlotSet.Both,
        ["CKM_CAMELLIA_KEY_GEN"] = SlotSet.Both,
        ["CKM_CAMELLIA_ECB"] = SlotSet.Both,
        ["CKM_CAMELLIA_CBC"] = SlotSet.Both,
        ["CKM_CAMELLIA_MAC"] = SlotSet.Both,
        ["CKM_CAMELLIA_MAC_GENERAL"] = SlotSet.Both,
        ["CKM_CAMELLIA_CBC_PAD"] = SlotSet.Both,
        ["CKM_SEED_KEY_GEN"] = SlotSet.Both,
        ["CKM_SEED_ECB"] = SlotSet.Both,
        ["CKM_SEED_CBC"] = SlotSet.Both,
        ["CKM_SEED_MAC"] = SlotSet.Both,
        ["CKM_SEED_MAC_GENERAL"] = SlotSet.Both,
        ["CKM_SEED_CBC_PAD"] = SlotSet.Both,
        ["CKM_NSS_CHACHA20_KEY_GEN"] = SlotSet.Both,
        ["CKM_NSS_CHACHA20_POLY1305"] = SlotSet.Both,
        ["CKM_NSS_CHACHA20_CTR"] = SlotSet.Both,
        ["CKM_CHACHA20_KEY_GEN"] = SlotSet.Both,
        ["CKM_CHACHA20"] = SlotSet.Both,
        ["CKM_CHACHA20_POLY1305"] = SlotSet.Both,
        ["CKM_GENERIC_SECRET_KEY_GEN"] = SlotSet.Both,
        ["CKM_DES3_ECB_ENCRYPT_DATA"] = SlotSet.Crypto,
        ["CKM_DES3_CBC_ENCRYPT_DATA"] = SlotSet.Crypto,
        ["CKM_AES_ECB_ENCRYPT_DATA"] = SlotSet.Crypto,
        ["CKM_AES_CBC_ENCRYPT_DATA"] = SlotSet.Crypto,
        ["CKM_CAMELLIA_ECB_ENCRYPT_DATA"] = SlotSet.Crypto,
        ["CKM_CAMELLIA_CBC_ENCRYPT_DATA"] = SlotSet.Crypto,
        ["CKM_SEED_ECB_ENCRYPT_DATA"] = SlotSet.Crypto,
        ["CKM_SEED_CBC_ENCRYPT_DATA"] = SlotSet.Crypto,
        ["CKM_NSS_AES_KEY_WRAP"] = SlotSet.Both,
        ["CKM_NSS_AES_KEY_WRAP_PAD"] = SlotSet.Both,
        ["CKM_AES_KEY_WRAP"] = SlotSet.Both,
        ["CKM_AES_KEY_WRAP_PAD"] = SlotSet.Both,
        ["CKM_AES_KEY_WRAP_KWP"] = SlotSet.Both,
    };

    /// <summary>Standard mechanisms the specification (and issue 5) asks for that softokn does not list; they follow
    /// their family's other modes onto both slots.</summary>
    private static readonly string[] BeyondSoftokn =
        ["CKM_AES_CCM", "CKM_AES_OFB", "CKM_AES_CFB8", "CKM_AES_CFB128", "CKM_DES3_CMAC", "CKM_DES3_CMAC_GENERAL"];

    [Fact]
    public void EverySoftoknCipherMechanismIsListedOnTheSameSlots()
    {
        foreach (var (name, slots) in Softokn)
        {
            var row = MechanismRegistry.Find(Enum.Parse<CKM>(name));
            Assert.True(row is not null, name + " is missing");
            Assert.True(slots == row.ListedOn, $"{name}: {row.ListedOn}, softokn {slots}");
        }
        foreach (var name in BeyondSoftokn)
            Assert.Equal(SlotSet.Both, MechanismRegistry.Get(Enum.Parse<CKM>(name)).ListedOn);
    }

    [Fact]
    public void OperationFlagsFollowTheMechanismKind()
    {
        foreach (var name in Softokn.Keys.Concat(BeyondSoftokn))
        {
            var row = MechanismRegistry.Get(Enum.Parse<CKM>(name));
            ulong expected = name switch
            {
                _ when name.EndsWith("_KEY_GEN") => CKF.CKF_GENERATE,
                _ when name.EndsWith("_ENCRYPT_DATA") => CKF.CKF_DERIVE,
                _ when name.Contains("MAC") && !name.Contains("POLY") => CKF.CKF_SIGN | CKF.CKF_VERIFY,
                _ when name.EndsWith("_ECB") || name.EndsWith("_CBC") || name.EndsWith("_CBC_PAD") || name.Contains("KEY_WRAP")
                    || name == "CKM_RC4" => CKF.CKF_ENCRYPT | CKF.CKF_DECRYPT | CKF.CKF_WRAP | CKF.CKF_UNWRAP,
                _ => CKF.CKF_ENCRYPT | CKF.CKF_DECRYPT,
            };
            Assert.True(expected == row.Flags, $"{name}: flags {row.Flags:x}, expected {expected:x}");
            Assert.True(row.MinKeySize <= row.MaxKeySize && row.MaxKeySize > 0, name);
        }
    }

    [Fact]
    public void KeySizeUnitsFollowTheSpecification()
    {
        // Bytes for AES and Camellia; bits for RC2, RC4 and generic secrets.
        Assert.Equal((16UL, 32UL), Sizes(CKM.CKM_AES_GCM));
        Assert.Equal((16UL, 32UL), Sizes(CKM.CKM_CAMELLIA_CBC));
        Assert.Equal((8UL, 1024UL), Sizes(CKM.CKM_RC2_CBC));
        Assert.Equal((8UL, 2048UL), Sizes(CKM.CKM_RC4));
        Assert.Equal((8UL, 8192UL), Sizes(CKM.CKM_GENERIC_SECRET_KEY_GEN));
        Assert.Equal((32UL, 32UL), Sizes(CKM.CKM_CHACHA20_POLY1305));
    }

    private static (ulong, ulong) Sizes(CKM type)
    {
        var row = MechanismRegistry.Get(type);
        return (row.MinKeySize, row.MaxKeySize);
    }
}
