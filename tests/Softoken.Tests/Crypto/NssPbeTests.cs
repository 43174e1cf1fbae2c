using System.Text;
using Softoken.Crypto;
using Softoken.Mechanisms.Parameters;
using Softoken.Objects;
using Softoken.Pkcs11;

namespace Softoken.Tests.Crypto;

/// <summary>NSS's pre-standard PKCS #12 triple-DES PBE (softokn lowpbe.c) and CKM_NSS_PBE_SHA1_FAULTY_3DES_CBC. The
/// correct form is checked against libsoftokn3.so 3.87's CKM_NSS_PBE_SHA1_TRIPLE_DES_CBC keys and IVs
/// (tools/softokn_kat.c; salt 0102030405060708); softokn 3.87 refuses to generate the faulty form, so the faulty
/// first hash is checked by what it must equal.</summary>
public sealed class NssPbeTests
{
    private static readonly byte[] Salt = Convert.FromHexString("0102030405060708");
    private static readonly byte[] Short = Encoding.ASCII.GetBytes("pw");
    private static readonly byte[] Long = Encoding.ASCII.GetBytes("a much longer password than twenty");

    [Theory]
    [InlineData(false, 1, "438373f4f1da92855e85fdb03e73f7c2944f670d85ef07f8", "e7109f1a92ecf267")]
    [InlineData(false, 2, "c49efef8b05b3e23c7e06b5d3d297692a1ea0d1ae0b6cd52", "91a87c3dba76fedd")]
    [InlineData(true, 1, "c10e0df8769efb7c589ecd2986971c3d7534eaa115011a94", "c977790b1a7ca697")]
    [InlineData(true, 2, "9e8f16cb9b1ab6d0c26b0b761c9834b03789f22f16013e2a", "ea5243e877b4562b")]
    public void CorrectFormMatchesSoftokn(bool longPassword, int iterations, string key, string iv)
    {
        var (k, i) = NssPbkdf1Extended.DeriveDes3KeyAndIv(longPassword ? Long : Short, Salt, iterations, faulty: false);
        // softokn stores DES keys with odd parity (as DerivedKeys.Secret does); the KDF output comes before that.
        DesKeys.SetOddParity(k);
        Assert.Equal((key, iv), (Convert.ToHexString(k).ToLowerInvariant(), Convert.ToHexString(i).ToLowerInvariant()));
    }

    [Fact]
    public void FaultyFormDiffersOnlyForInputsShorterThanSha1()
    {
        // 34 + 8 bytes: the faulty padding never applies, so the mechanism gives softokn's correct answer.
        var template = new AttributeSet();
        var longParameter = new PbeParameter(true, Long, Salt, 1);
        var key = MechanismCalls.Generate(CKM.CKM_NSS_PBE_SHA1_FAULTY_3DES_CBC, longParameter, template);
        Assert.Equal("c10e0df8769efb7c589ecd2986971c3d7534eaa115011a94", Convert.ToHexString(key.RequireBytes(CKA.CKA_VALUE)).ToLowerInvariant());
        Assert.Equal((ulong)CKK.CKK_DES3, key.Ulong(CKA.CKA_KEY_TYPE));
        Assert.Equal("c977790b1a7ca697", Convert.ToHexString(longParameter.InitVector!).ToLowerInvariant());
        // 2 + 8 bytes: the first hash runs over them zero-padded to 20 bytes ...
        var faulty = NssPbkdf1Extended.DeriveDes3KeyAndIv(Short, Salt, 2, faulty: true);
        Assert.NotEqual(NssPbkdf1Extended.DeriveDes3KeyAndIv(Short, Salt, 2, faulty: false).Key, faulty.Key);
        // ... which, with no salt, is the correct form of the password zero-padded to 20 bytes.
        var padded = new byte[20];
        Short.CopyTo(padded, 0);
        var (correctKey, correctIv) = NssPbkdf1Extended.DeriveDes3KeyAndIv(padded, [], 3, faulty: false);
        var (faultyKey, faultyIv) = NssPbkdf1Extended.DeriveDes3KeyAndIv(Short, [], 3, faulty: true);
        Assert.Equal(Convert.ToHexString([.. correctKey, .. correctIv]), Convert.ToHexString([.. faultyKey, .. faultyIv]));
        Assert.Equal(CKR.CKR_MECHANISM_PARAM_INVALID, Assert.Throws<Pkcs11Exception>(() =>
            MechanismCalls.Generate(CKM.CKM_NSS_PBE_SHA1_FAULTY_3DES_CBC, new PbeParameter(false, Short, Salt, 0), template)).Rv);
    }
}
