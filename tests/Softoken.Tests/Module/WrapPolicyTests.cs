using Softoken.Mechanisms.Parameters;
using Softoken.Module;
using Softoken.Objects;
using Softoken.Pkcs11;
using Softoken.Sessions;
using Softoken.Storage;

namespace Softoken.Tests.Module;

/// <summary>The wrap/decrypt and unwrap/encrypt rules and the exception NSS's PKCS #12 export and import need:
/// pk12util wraps and unwraps the sensitive private key with a CKM_PKCS5_PBKD2 key made with CKA_ENCRYPT,
/// CKA_DECRYPT, CKA_WRAP and CKA_UNWRAP (conformance/nss-crypto.sh drives it through NSS).</summary>
[Collection(ModuleCollection.Name)]
public sealed class WrapPolicyTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("softoken-test-").FullName;

    public WrapPolicyTests()
    {
        SoftokenModule.Initialize($"configdir='sql:{directory}' pinIterations=1000", _ => null,
            config => SqliteTokenStore.Open(config));
    }

    public void Dispose()
    {
        SoftokenModule.Shutdown();
        Directory.Delete(directory, recursive: true);
    }

    private static AttributeSet AesTemplate(bool sensitive)
    {
        var t = new AttributeSet();
        t.SetUlong(CKA.CKA_CLASS, (ulong)CKO.CKO_SECRET_KEY);
        t.SetUlong(CKA.CKA_KEY_TYPE, (ulong)CKK.CKK_AES);
        t.SetUlong(CKA.CKA_VALUE_LEN, 32);
        foreach (var a in new[] { CKA.CKA_ENCRYPT, CKA.CKA_DECRYPT, CKA.CKA_WRAP, CKA.CKA_UNWRAP })
            t.SetBool(a, true);
        t.SetBool(CKA.CKA_SENSITIVE, sensitive);
        t.SetBool(CKA.CKA_EXTRACTABLE, true);
        return t;
    }

    private static (SoftokenModule Module, Session Session, ulong Target) Setup()
    {
        var module = SoftokenModule.Current;
        var session = module.OpenSession(1, CKF.CKF_SERIAL_SESSION | CKF.CKF_RW_SESSION);
        using var template = AesTemplate(sensitive: true);
        return (module, session, module.GenerateKey(session, CKM.CKM_AES_KEY_GEN, MechanismParameter.None, template));
    }

    private static BytesParameter Iv => new(new byte[16]);

    private static CKR Rv(Action action) => Assert.Throws<Pkcs11Exception>(action).Rv;

    [Fact]
    public void AKeyThatWrappedASensitiveKeyCanNoLongerDecrypt()
    {
        var (module, session, target) = Setup();
        using var template = AesTemplate(sensitive: true);
        var kek = module.GenerateKey(session, CKM.CKM_AES_KEY_GEN, MechanismParameter.None, template);
        var wrapped = module.WrapKey(session, CKM.CKM_AES_CBC_PAD, Iv, kek, target);
        Assert.Equal(48, wrapped.Length);
        // The attack's second step: decrypting the blob with the wrapping key.
        Assert.Equal(CKR.CKR_KEY_FUNCTION_NOT_PERMITTED, Rv(() => module.DecryptInit(session, CKM.CKM_AES_CBC_PAD, Iv, kek)));
        // A copy inherits the history.
        using var none = new AttributeSet();
        var copy = module.CopyObject(session, kek, none);
        Assert.Equal(CKR.CKR_KEY_FUNCTION_NOT_PERMITTED, Rv(() => module.DecryptInit(session, CKM.CKM_AES_CBC_PAD, Iv, copy)));
        // Encryption stays allowed (NSS encrypts PKCS #12 bags with the key that wrapped the private key).
        module.EncryptInit(session, CKM.CKM_AES_CBC_PAD, Iv, kek);
    }

    [Fact]
    public void AKeyThatDecryptedCannotWrapASensitiveKey()
    {
        var (module, session, target) = Setup();
        using var template = AesTemplate(sensitive: true);
        var kek = module.GenerateKey(session, CKM.CKM_AES_KEY_GEN, MechanismParameter.None, template);
        module.DecryptInit(session, CKM.CKM_AES_CBC_PAD, Iv, kek);
        Assert.Equal(CKR.CKR_KEY_FUNCTION_NOT_PERMITTED, Rv(() => module.WrapKey(session, CKM.CKM_AES_CBC_PAD, Iv, kek, target)));
    }

    [Fact]
    public void APasswordKeyWrapsAndUnwrapsAsForPkcs12()
    {
        var (module, session, target) = Setup();
        using var template = AesTemplate(sensitive: true);
        template.Remove(CKA.CKA_SENSITIVE);
        template.Remove(CKA.CKA_EXTRACTABLE);
        var pbkd2 = new Pbkd2Parameter((ulong)CKZ.CKZ_SALT_SPECIFIED, new byte[16], 1000, CKP.CKP_PKCS5_PBKD2_HMAC_SHA256,
            [], "p12 password"u8.ToArray());
        var kek = module.GenerateKey(session, CKM.CKM_PKCS5_PBKD2, pbkd2, template);
        var wrapped = module.WrapKey(session, CKM.CKM_AES_CBC_PAD, Iv, kek, target);

        // pk12util -i: a key that decrypted the bags unwraps the shrouded key into a sensitive key.
        var importKey = module.GenerateKey(session, CKM.CKM_PKCS5_PBKD2, pbkd2, template);
        module.DecryptInit(session, CKM.CKM_AES_CBC_PAD, Iv, importKey);
        session.EndOperations();
        using var unwrapTemplate = new AttributeSet();
        unwrapTemplate.SetUlong(CKA.CKA_CLASS, (ulong)CKO.CKO_SECRET_KEY);
        unwrapTemplate.SetUlong(CKA.CKA_KEY_TYPE, (ulong)CKK.CKK_AES);
        unwrapTemplate.SetBool(CKA.CKA_SENSITIVE, true);
        module.UnwrapKey(session, CKM.CKM_AES_CBC_PAD, Iv, importKey, wrapped, unwrapTemplate);
    }

    [Fact]
    public void AKeyThatEncryptedDoesNotUnwrapIntoASensitiveKeyAndViceVersa()
    {
        var (module, session, _) = Setup();
        using var template = AesTemplate(sensitive: false);
        var kek = module.GenerateKey(session, CKM.CKM_AES_KEY_GEN, MechanismParameter.None, template);
        var wrapped = module.WrapKey(session, CKM.CKM_AES_CBC_PAD, Iv, kek, kek);
        using var unwrapTemplate = new AttributeSet();
        unwrapTemplate.SetUlong(CKA.CKA_CLASS, (ulong)CKO.CKO_SECRET_KEY);
        unwrapTemplate.SetUlong(CKA.CKA_KEY_TYPE, (ulong)CKK.CKK_AES);
        unwrapTemplate.SetBool(CKA.CKA_SENSITIVE, true);

        var planter = module.GenerateKey(session, CKM.CKM_AES_KEY_GEN, MechanismParameter.None, template);
        module.EncryptInit(session, CKM.CKM_AES_CBC_PAD, Iv, planter);
        session.EndOperations();
        Assert.Equal(CKR.CKR_KEY_FUNCTION_NOT_PERMITTED,
            Rv(() => module.UnwrapKey(session, CKM.CKM_AES_CBC_PAD, Iv, planter, wrapped, unwrapTemplate)));

        module.UnwrapKey(session, CKM.CKM_AES_CBC_PAD, Iv, kek, wrapped, unwrapTemplate);
        Assert.Equal(CKR.CKR_KEY_FUNCTION_NOT_PERMITTED, Rv(() => module.EncryptInit(session, CKM.CKM_AES_CBC_PAD, Iv, kek)));
    }
}
