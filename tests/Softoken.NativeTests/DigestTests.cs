using System.Text;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using Net.Pkcs11Interop.LowLevelAPI80;
using Softoken.NativeTests.Infrastructure;

namespace Softoken.NativeTests;

/// <summary>Issue 2, item 10: C_DigestInit / C_Digest / C_DigestUpdate / C_DigestFinal for MD5 and the SHA-1/SHA-2
/// family on both slots without login, with known answers from RFC 1321 (A.5) and FIPS 180-4's examples; the
/// operation-state rules; and the output-buffer convention (item 11).</summary>
public sealed class DigestTests(ModuleFixture fixture) : InitializedModuleTest(fixture)
{
    public const string Sha256Abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    /// <summary>FIPS 180-4's two-block example message (448 bits).</summary>
    private const string Message448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";

    public static TheoryData<ulong, CKM, string, string> KnownAnswers()
    {
        var vectors = new (CKM Mechanism, string Message, string Digest)[]
        {
            (CKM.CKM_MD5, "", "d41d8cd98f00b204e9800998ecf8427e"),
            (CKM.CKM_MD5, "abc", "900150983cd24fb0d6963f7d28e17f72"),
            (CKM.CKM_MD5, "message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
            (CKM.CKM_MD5, "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
                "57edf4a22be3c955ac49da2e2107b67a"),
            (CKM.CKM_SHA_1, "", "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
            (CKM.CKM_SHA_1, "abc", "a9993e364706816aba3e25717850c26c9cd0d89d"),
            (CKM.CKM_SHA_1, Message448, "84983e441c3bd26ebaae4aa1f95129e5e54670f1"),
            (CKM.CKM_SHA224, "", "d14a028c2a3a2bc9476102bb288234c415a2b01f828ea62ac5b3e42f"),
            (CKM.CKM_SHA224, "abc", "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7"),
            (CKM.CKM_SHA224, Message448, "75388b16512776cc5dba5da1fd890150b0c6455cb4f58b1952522525"),
            (CKM.CKM_SHA256, "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            (CKM.CKM_SHA256, "abc", Sha256Abc),
            (CKM.CKM_SHA256, Message448, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
            (CKM.CKM_SHA384, "", "38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b"),
            (CKM.CKM_SHA384, "abc", "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7"),
            (CKM.CKM_SHA384, Message448, "3391fdddfc8dc7393707a65b1b4709397cf8b1d162af05abfe8f450de5f36bc6b0455a8520bc4e6f5fe95b1fe3c8452b"),
            (CKM.CKM_SHA512, "", "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"),
            (CKM.CKM_SHA512, "abc", "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"),
            (CKM.CKM_SHA512, Message448, "204a8fc6dda82f0a0ced7beb8e08a41657c16ef468b228a8279be331a703c33596fd15c13b1b07f9aa1d3bea57789ca031ad85c7a71dd70354ec631238ca3445"),
        };
        var data = new TheoryData<ulong, CKM, string, string>();
        foreach (var slot in new[] { CryptoSlotId, KeyStorageSlotId })
        {
            foreach (var (mechanism, message, digest) in vectors) data.Add(slot, mechanism, message, digest);
        }
        return data;
    }

    /// <summary>FIPS 180-4 / RFC 1321 "one million a" answers.</summary>
    public static TheoryData<CKM, string> MillionA => new()
    {
        { CKM.CKM_MD5, "7707d6ae4e027c70eea2a935c2296f21" },
        { CKM.CKM_SHA_1, "34aa973cd4c4daa4f61eeb2bdbad27316534016f" },
        { CKM.CKM_SHA224, "20794655980c91d8bbb4c1ea97618a4bf03f42581948b2ee4ee7ad67" },
        { CKM.CKM_SHA256, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0" },
        { CKM.CKM_SHA384, "9d0e1809716474cb086e834e310a4a1ced149e9c00f248527972cec5704c2a5b07b8b3dc38ecc4ebae97ddd87f3d8985" },
        { CKM.CKM_SHA512, "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973ebde0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b" },
    };

    [Theory]
    [MemberData(nameof(KnownAnswers))]
    public void SinglePartDigestGivesTheKnownAnswerWithoutLogin(ulong slot, CKM mechanism, string message, string expected)
    {
        var session = OpenSession(slot);
        var digest = session.Digest(Factories.MechanismFactory.Create(mechanism), Encoding.ASCII.GetBytes(message));
        Assert.Equal(expected, Convert.ToHexStringLower(digest));
        Assert.Equal(CKS.CKS_RO_PUBLIC_SESSION, session.GetSessionInfo().State);
    }

    [Theory]
    [MemberData(nameof(KnownAnswers))]
    public void MultiPartDigestGivesTheKnownAnswer(ulong slot, CKM mechanism, string message, string expected)
    {
        Assert.Equal(CKR.CKR_OK, OpenRawSession(slot, CKF.CKF_SERIAL_SESSION, out var session));
        var bytes = Encoding.ASCII.GetBytes(message);
        Init(session, mechanism);
        // Uneven parts, including an empty one, cross the block boundaries.
        int[] cuts = [0, 0, 1, 7, 3, 64];
        int offset = 0;
        foreach (var cut in cuts)
        {
            int take = Math.Min(cut, bytes.Length - offset);
            Assert.Equal(CKR.CKR_OK, LowLevel.C_DigestUpdate(session, bytes[offset..(offset + take)], (ulong)take));
            offset += take;
        }
        Assert.Equal(CKR.CKR_OK, LowLevel.C_DigestUpdate(session, bytes[offset..], (ulong)(bytes.Length - offset)));
        Assert.Equal(expected, Convert.ToHexStringLower(Final(session)));
    }

    [Theory]
    [MemberData(nameof(MillionA))]
    public void OneMillionAInThousandByteParts(CKM mechanism, string expected)
    {
        Assert.Equal(CKR.CKR_OK, OpenRawSession(CryptoSlotId, CKF.CKF_SERIAL_SESSION, out var session));
        var part = Enumerable.Repeat((byte)'a', 1000).ToArray();
        Init(session, mechanism);
        for (int i = 0; i < 1000; i++) Assert.Equal(CKR.CKR_OK, LowLevel.C_DigestUpdate(session, part, 1000));
        Assert.Equal(expected, Convert.ToHexStringLower(Final(session)));
    }

    [Fact]
    public void OneMillionAInOneCall()
    {
        var session = OpenSession(KeyStorageSlotId);
        var digest = session.Digest(Factories.MechanismFactory.Create(CKM.CKM_SHA256), Enumerable.Repeat((byte)'a', 1_000_000).ToArray());
        Assert.Equal("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", Convert.ToHexStringLower(digest));
    }

    [Fact]
    public void EmptyInputMayBeANullPointer()
    {
        var session = RawSession();
        Init(session, CKM.CKM_SHA256);
        using var digest = new NativeBuffer(32);
        using var length = NativeBuffer.Ulong(32);
        Assert.Equal(CKR.CKR_OK, Raw.Call("C_Digest", (nuint)session, 0, 0, digest.Address, length.Address));
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Convert.ToHexStringLower(digest.Read()));
        Init(session, CKM.CKM_SHA256);
        Assert.Equal(CKR.CKR_OK, Raw.Call("C_DigestUpdate", (nuint)session, 0, 0));
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Convert.ToHexStringLower(Final(session)));
    }

    [Fact]
    public void SecondDigestInitIsOperationActiveAndTheFirstOperationContinues()
    {
        var session = RawSession();
        Init(session, CKM.CKM_SHA256);
        var md5 = CkmUtils.CreateMechanism(CKM.CKM_MD5);
        Assert.Equal(CKR.CKR_OPERATION_ACTIVE, LowLevel.C_DigestInit(session, ref md5));
        Assert.Equal(Sha256Abc, Convert.ToHexStringLower(Digest(session, "abc"u8.ToArray())));
    }

    [Fact]
    public void DigestCallsWithoutDigestInitAreOperationNotInitialized()
    {
        var session = RawSession();
        ulong length = 64;
        Assert.Equal(CKR.CKR_OPERATION_NOT_INITIALIZED, LowLevel.C_Digest(session, [1, 2, 3], 3, new byte[64], ref length));
        Assert.Equal(CKR.CKR_OPERATION_NOT_INITIALIZED, LowLevel.C_DigestUpdate(session, [1, 2, 3], 3));
        Assert.Equal(CKR.CKR_OPERATION_NOT_INITIALIZED, LowLevel.C_DigestFinal(session, new byte[64], ref length));
        Assert.Equal(CKR.CKR_OPERATION_NOT_INITIALIZED, LowLevel.C_DigestFinal(session, null, ref length));
    }

    [Fact]
    public void AFinishedDigestEndsTheOperation()
    {
        var session = RawSession();
        Init(session, CKM.CKM_SHA_1);
        _ = Digest(session, [1]);
        ulong length = 64;
        Assert.Equal(CKR.CKR_OPERATION_NOT_INITIALIZED, LowLevel.C_Digest(session, [1], 1, new byte[64], ref length));

        Init(session, CKM.CKM_SHA_1);
        Assert.Equal(CKR.CKR_OK, LowLevel.C_DigestUpdate(session, [1], 1));
        _ = Final(session);
        Assert.Equal(CKR.CKR_OPERATION_NOT_INITIALIZED, LowLevel.C_DigestUpdate(session, [1], 1));
        Init(session, CKM.CKM_SHA_1);
    }

    [Theory]
    [InlineData(CKM.CKM_RSA_PKCS)]
    [InlineData(CKM.CKM_AES_CBC)]
    [InlineData(CKM.CKM_SHA256_HMAC)]
    [InlineData((CKM)0x80001234)]
    public void NonDigestOrUnknownMechanismIsMechanismInvalid(CKM mechanism)
    {
        var session = RawSession();
        var m = CkmUtils.CreateMechanism(mechanism);
        Assert.Equal(CKR.CKR_MECHANISM_INVALID, LowLevel.C_DigestInit(session, ref m));
        Init(session, CKM.CKM_SHA256);
    }

    [Fact]
    public void DigestMechanismWithAParameterIsMechanismParamInvalid()
    {
        var session = RawSession();
        using var parameter = NativeBuffer.Of([1, 2, 3, 4]);
        using var mechanism = new NativeBuffer(24);
        mechanism.WriteUlong(0, (ulong)CKM.CKM_SHA256);
        mechanism.WriteUlong(8, (ulong)parameter.Address);
        mechanism.WriteUlong(16, 4);
        Assert.Equal(CKR.CKR_MECHANISM_PARAM_INVALID, Raw.Call("C_DigestInit", (nuint)session, mechanism.Address));
        Init(session, CKM.CKM_SHA256);
    }

    [Fact]
    public void DigestWithNullBufferAsksForTheLengthAndTheOperationStaysActive()
    {
        var session = RawSession();
        Init(session, CKM.CKM_SHA384);
        ulong length = 0;
        Assert.Equal(CKR.CKR_OK, LowLevel.C_Digest(session, "abc"u8.ToArray(), 3, null, ref length));
        Assert.Equal(48UL, length);

        length = 47;
        var small = new byte[47];
        Assert.Equal(CKR.CKR_BUFFER_TOO_SMALL, LowLevel.C_Digest(session, "abc"u8.ToArray(), 3, small, ref length));
        Assert.Equal(48UL, length);
        Assert.All(small, b => Assert.Equal(0, b));

        var digest = new byte[64];
        length = 64;
        Assert.Equal(CKR.CKR_OK, LowLevel.C_Digest(session, "abc"u8.ToArray(), 3, digest, ref length));
        Assert.Equal(48UL, length);
        Assert.StartsWith("cb00753f45a35e8b", Convert.ToHexStringLower(digest));
        Assert.All(digest[48..], b => Assert.Equal(0, b));
        Assert.Equal(CKR.CKR_OPERATION_NOT_INITIALIZED, LowLevel.C_Digest(session, "abc"u8.ToArray(), 3, digest, ref length));
    }

    [Fact]
    public void DigestFinalFollowsTheOutputBufferConvention()
    {
        var session = RawSession();
        Init(session, CKM.CKM_SHA256);
        Assert.Equal(CKR.CKR_OK, LowLevel.C_DigestUpdate(session, "abc"u8.ToArray(), 3));
        ulong length = 0;
        Assert.Equal(CKR.CKR_OK, LowLevel.C_DigestFinal(session, null, ref length));
        Assert.Equal(32UL, length);
        length = 16;
        Assert.Equal(CKR.CKR_BUFFER_TOO_SMALL, LowLevel.C_DigestFinal(session, new byte[16], ref length));
        Assert.Equal(32UL, length);
        var digest = new byte[32];
        Assert.Equal(CKR.CKR_OK, LowLevel.C_DigestFinal(session, digest, ref length));
        Assert.Equal(Sha256Abc, Convert.ToHexStringLower(digest));
        Assert.Equal(CKR.CKR_OPERATION_NOT_INITIALIZED, LowLevel.C_DigestFinal(session, digest, ref length));
    }

    [Fact]
    public void SessionsDigestIndependently()
    {
        var a = RawSession();
        var b = RawSession(KeyStorageSlotId);
        Init(a, CKM.CKM_SHA256);
        Init(b, CKM.CKM_SHA512);
        Assert.Equal(CKR.CKR_OK, LowLevel.C_DigestUpdate(a, "a"u8.ToArray(), 1));
        Assert.Equal(CKR.CKR_OK, LowLevel.C_DigestUpdate(b, "ab"u8.ToArray(), 2));
        Assert.Equal(CKR.CKR_OK, LowLevel.C_DigestUpdate(a, "bc"u8.ToArray(), 2));
        Assert.Equal(CKR.CKR_OK, LowLevel.C_DigestUpdate(b, "c"u8.ToArray(), 1));
        Assert.Equal(Sha256Abc, Convert.ToHexStringLower(Final(a)));
        Assert.StartsWith("ddaf35a193617aba", Convert.ToHexStringLower(Final(b)));
    }

    [Fact]
    public void SessionCancelEndsAnActiveDigest()
    {
        const nuint CKF_DIGEST = 0x400;
        var session = RawSession();
        Init(session, CKM.CKM_SHA256);
        Assert.Equal(CKR.CKR_OK, Raw.Call("C_SessionCancel", (nuint)session, CKF_DIGEST));
        Assert.Equal(CKR.CKR_OPERATION_NOT_INITIALIZED, LowLevel.C_DigestUpdate(session, [1], 1));
        Init(session, CKM.CKM_SHA256);
    }

    [Fact]
    public void ClosingASessionWithAnActiveDigestIsFine()
    {
        var session = RawSession();
        Init(session, CKM.CKM_SHA256);
        Assert.Equal(CKR.CKR_OK, LowLevel.C_DigestUpdate(session, [1], 1));
        Assert.Equal(CKR.CKR_OK, LowLevel.C_CloseSession(session));
        Assert.Equal(CKR.CKR_SESSION_HANDLE_INVALID, LowLevel.C_DigestUpdate(session, [1], 1));
    }

    private ulong RawSession(ulong slot = CryptoSlotId)
    {
        Assert.Equal(CKR.CKR_OK, OpenRawSession(slot, CKF.CKF_SERIAL_SESSION, out var session));
        return session;
    }

    private void Init(ulong session, CKM mechanism)
    {
        var m = CkmUtils.CreateMechanism(mechanism);
        Assert.Equal(CKR.CKR_OK, LowLevel.C_DigestInit(session, ref m));
    }

    private byte[] Digest(ulong session, byte[] data)
    {
        ulong length = 64;
        var digest = new byte[64];
        Assert.Equal(CKR.CKR_OK, LowLevel.C_Digest(session, data, (ulong)data.Length, digest, ref length));
        return digest[..(int)length];
    }

    private byte[] Final(ulong session)
    {
        ulong length = 64;
        var digest = new byte[64];
        Assert.Equal(CKR.CKR_OK, LowLevel.C_DigestFinal(session, digest, ref length));
        return digest[..(int)length];
    }
}
