using Softoken.Objects;
using Softoken.Pkcs11;
using Softoken.Slots;

namespace Softoken.Module;

/// <summary>CKO_PROFILE objects (PKCS #11 v3.0 section 4.13): read-only objects by which each token says which
/// profiles it implements. Both slots are baseline providers. The key-storage token does not claim
/// CKP_PUBLIC_CERTIFICATES_TOKEN: NSS reads that profile and then never logs in to look for the private key of a
/// certificate, so user certificates would no longer be recognised.</summary>
internal sealed partial class SoftokenModule
{
    private void AddProfileObjects()
    {
        AddProfile(CryptoSlot, CKP.CKP_BASELINE_PROVIDER);
        AddProfile(KeyStorageSlot, CKP.CKP_BASELINE_PROVIDER);
    }

    private void AddProfile(Slot slot, CKP profile)
    {
        var a = new AttributeSet();
        a.SetUlong(CKA.CKA_CLASS, (ulong)CKO.CKO_PROFILE);
        a.SetUlong(CKA.CKA_PROFILE_ID, (ulong)profile);
        a.SetBool(CKA.CKA_TOKEN, true);
        a.SetBool(CKA.CKA_PRIVATE, false);
        a.SetBool(CKA.CKA_MODIFIABLE, false);
        a.SetBool(CKA.CKA_COPYABLE, false);
        a.SetBool(CKA.CKA_DESTROYABLE, false);
        a.Set(CKA.CKA_LABEL, System.Text.Encoding.UTF8.GetBytes(profile.ToString()));
        a.Set(CKA.CKA_UNIQUE_ID, System.Text.Encoding.ASCII.GetBytes($"profile-{slot.Id}-{(ulong)profile}"));
        Objects.AddSessionObject(slot, ownerSession: 0, a);
    }
}
