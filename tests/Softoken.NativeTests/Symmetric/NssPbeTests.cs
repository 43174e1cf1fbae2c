using System.Text;
using Net.Pkcs11Interop.Common;
using Softoken.NativeTests.Infrastructure;

namespace Softoken.NativeTests.Symmetric;

/// <summary>CKM_NSS_PBE_SHA1_FAULTY_3DES_CBC through the .so (CK_PBE_PARAMS): with password and salt of 20 bytes or
/// more the key and the IV written to pInitVector are libsoftokn3.so 3.87's CKM_NSS_PBE_SHA1_TRIPLE_DES_CBC answer
/// (salt 0102030405060708, one iteration; tools/softokn_kat.c); shorter inputs are hashed zero-padded to 20 bytes.</summary>
public sealed class NssPbeTests(ModuleFixture fixture) : SymmetricTest(fixture)
{
    private const ulong CKM_NSS_PBE_SHA1_FAULTY_3DES_CBC = 0x80000008;

    private byte[] Generate(byte[] password, byte[] salt, out byte[] iv)
    {
        var buffer = KeepBuffer(8);
        var parameter = Struct().Pointer(buffer.Pointer).DataLen(password).DataLen(salt).Ulong(1).Build();
        var key = Session.GenerateKey(Mech(CKM_NSS_PBE_SHA1_FAULTY_3DES_CBC, parameter), SecretTemplate((ulong)CKK.CKK_DES3));
        iv = buffer.Read();
        return Value(key);
    }

    [Fact]
    public void LongInputsGiveSoftoknsTripleDesKeyAndIv()
    {
        var key = Generate(Encoding.ASCII.GetBytes("a much longer password than twenty"), Hex("0102030405060708"), out var iv);
        Assert.Equal("c10e0df8769efb7c589ecd2986971c3d7534eaa115011a94", ToHex(key));
        Assert.Equal("c977790b1a7ca697", ToHex(iv));
    }

    [Fact]
    public void ShortInputsAreHashedZeroPadded()
    {
        // With no salt, "pw" is hashed as "pw" and 18 zero bytes: the same key as that 20-byte password.
        var padded = new byte[20];
        "pw"u8.CopyTo(padded);
        var faulty = Generate("pw"u8.ToArray(), [], out var faultyIv);
        var explicitPadding = Generate(padded, [], out var paddedIv);
        Assert.Equal(ToHex(explicitPadding), ToHex(faulty));
        Assert.Equal(ToHex(paddedIv), ToHex(faultyIv));
    }
}
