using Net.Pkcs11Interop.Common;
using Softoken.NativeTests.Infrastructure;

namespace Softoken.NativeTests.PublicKey;

/// <summary>PKCS #11 v3.2 signature-first verification (C_VerifySignatureInit with the signature, then
/// C_VerifySignature or C_VerifySignatureUpdate / C_VerifySignatureFinal), called by name, on signatures the token
/// made with C_Sign.</summary>
public sealed class VerifySignatureTests(ModuleFixture fixture) : PublicKeyTest(fixture)
{
    private static CKR Init(ulong session, CKM mechanism, ulong key, byte[]? signature)
    {
        using var m = new NativeBuffer(24);
        m.WriteUlong(0, (ulong)mechanism);
        using var s = signature is null ? null : NativeBuffer.Of(signature);
        return Raw.Call("C_VerifySignatureInit", (nuint)session, m.Address, (nuint)key, s?.Address ?? 0, (nuint)(signature?.Length ?? 0));
    }

    private static CKR Call(string name, ulong session, byte[]? data = null)
    {
        if (data is null) return Raw.Call(name, (nuint)session);
        using var d = NativeBuffer.Of(data);
        return Raw.Call(name, (nuint)session, d.Address, (nuint)data.Length);
    }

    [Fact]
    public void SinglePartVerifiesTheSignatureGivenAtInit()
    {
        var session = Session();
        var (pub, priv) = Ec(session);
        var signature = session.Sign(Mech(CKM.CKM_ECDSA_SHA256), priv, Message);
        ulong s = session.SessionId;

        Assert.Equal(CKR.CKR_OK, Init(s, CKM.CKM_ECDSA_SHA256, pub.ObjectId, signature));
        Assert.Equal(CKR.CKR_OPERATION_NOT_INITIALIZED, Call("C_VerifyFinal", s, signature));
        Assert.Equal(CKR.CKR_OPERATION_ACTIVE, Init(s, CKM.CKM_ECDSA_SHA256, pub.ObjectId, signature));
        Assert.Equal(CKR.CKR_OK, Call("C_VerifySignature", s, Message));
        Assert.Equal(CKR.CKR_OPERATION_NOT_INITIALIZED, Call("C_VerifySignature", s, Message));

        Assert.Equal(CKR.CKR_OK, Init(s, CKM.CKM_ECDSA_SHA256, pub.ObjectId, signature));
        Assert.Equal(CKR.CKR_SIGNATURE_INVALID, Call("C_VerifySignature", s, [.. Message, 0]));
        Assert.Equal(CKR.CKR_OPERATION_NOT_INITIALIZED, Call("C_VerifySignatureFinal", s));
    }

    [Fact]
    public void MultiPartVerifiesAndRefusesAChangedSignature()
    {
        var session = Session();
        var (pub, priv) = Rsa(session);
        var signature = session.Sign(Mech(CKM.CKM_SHA256_RSA_PKCS), priv, Message);
        ulong s = session.SessionId;

        Assert.Equal(CKR.CKR_OK, Init(s, CKM.CKM_SHA256_RSA_PKCS, pub.ObjectId, signature));
        Assert.Equal(CKR.CKR_OK, Call("C_VerifySignatureUpdate", s, Message[..10]));
        Assert.Equal(CKR.CKR_OK, Call("C_VerifySignatureUpdate", s, Message[10..]));
        Assert.Equal(CKR.CKR_OPERATION_ACTIVE, Call("C_VerifySignature", s, Message));

        signature[5] ^= 1;
        Assert.Equal(CKR.CKR_OK, Init(s, CKM.CKM_SHA256_RSA_PKCS, pub.ObjectId, signature));
        Assert.Equal(CKR.CKR_OK, Call("C_VerifySignatureUpdate", s, Message));
        Assert.Equal(CKR.CKR_SIGNATURE_INVALID, Call("C_VerifySignatureFinal", s));

        Assert.Equal(CKR.CKR_OK, Init(s, CKM.CKM_SHA256_RSA_PKCS, pub.ObjectId, new byte[3]));
        Assert.Equal(CKR.CKR_SIGNATURE_LEN_RANGE, Call("C_VerifySignature", s, Message));
    }

    [Fact]
    public void BadArgumentsAndKeysAreRefused()
    {
        var session = Session();
        var (pub, priv) = Ec(session);
        ulong s = session.SessionId;
        Assert.Equal(CKR.CKR_ARGUMENTS_BAD, Init(s, CKM.CKM_ECDSA, pub.ObjectId, null));
        Assert.Equal(CKR.CKR_KEY_FUNCTION_NOT_PERMITTED, Init(s, CKM.CKM_ECDSA, priv.ObjectId, new byte[64]));
        Assert.Equal(CKR.CKR_SESSION_HANDLE_INVALID, Init(0, CKM.CKM_ECDSA, pub.ObjectId, new byte[64]));
        Assert.Equal(CKR.CKR_OPERATION_NOT_INITIALIZED, Call("C_VerifySignatureUpdate", s, Message));
    }
}
