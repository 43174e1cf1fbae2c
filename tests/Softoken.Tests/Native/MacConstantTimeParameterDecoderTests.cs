using Softoken.Mechanisms.Parameters;
using Softoken.Native.Interop.Parameters;
using Softoken.Pkcs11;

namespace Softoken.Tests.Native;

/// <summary>CK_NSS_MAC_CONSTANT_TIME_PARAMS (NSS lib/util/pkcs11n.h: macAlg, ulBodyTotalLen, pHeader, ulHeaderLen)
/// laid out by <see cref="NativeStruct"/> and decoded by the native layer.</summary>
public sealed class MacConstantTimeParameterDecoderTests
{
    [Theory]
    [InlineData(0xCE534363UL)]
    [InlineData(0xCE534364UL)]
    public void MacConstantTimeParams(ulong mechanism)
    {
        using var s = new NativeStruct().Ulong((ulong)CKM.CKM_SSL3_SHA1_MAC).Ulong(300).Bytes([1, 2, 3, 4, 5]).Ulong(5);
        var (address, length) = s.Build();
        var p = Assert.IsType<MacConstantTimeParameter>(ParameterInterop.Decode((CKM)mechanism, address, length));
        Assert.Equal((CKM.CKM_SSL3_SHA1_MAC, 300UL), (p.MacAlg, p.BodyTotalLength));
        Assert.Equal([1, 2, 3, 4, 5], p.Header);
        Assert.Equal(CKR.CKR_MECHANISM_PARAM_INVALID,
            Assert.Throws<Pkcs11Exception>(() => ParameterInterop.Decode((CKM)mechanism, address, length - 1)).Rv);
    }
}
