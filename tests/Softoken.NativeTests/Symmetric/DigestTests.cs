using System.Security.Cryptography;
using System.Text;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.LowLevelAPI80;
using Softoken.NativeTests.Infrastructure;

namespace Softoken.NativeTests.Symmetric;

/// <summary>Issue 5, digests through the .so: MD2, SHA-512/224, SHA-512/256 and SHA-3 known answers, C_DigestKey,
/// C_GetOperationState / C_SetOperationState of a digest, and the four dual-function calls.</summary>
public sealed class DigestTests(ModuleFixture fixture) : SymmetricTest(fixture)
{
    /// <summary>RFC 1319 A.5; FIPS 180-4 and FIPS 202 "abc" examples.</summary>
    public static TheoryData<ulong, string, string> Vectors => new()
    {
        { (ulong)CKM.CKM_MD2, "", "8350e5a3e24c153df2275c9f80692773" },
        { (ulong)CKM.CKM_MD2, "abc", "da853b0d3f88d99b30283a69e6ded6bb" },
        { (ulong)CKM.CKM_MD2, "message digest", "ab4f496bfb2a530b219ff33031fe06b0" },
        { 0x48, "abc", "4634270f707b6a54daae7530460842e20e37ed265ceee9a43e8924aa" },
        { 0x4C, "abc", "53048e2681941ef99b2e29b76b4c7dabe4c2d0c634fc6d46e0e2f13107e7af23" },
        { 0x2B5, "abc", "e642824c3f8cf24ad09234ee7d3c766fc9a3a5168d0c94ad73b46fdf" },
        { 0x2B0, "abc", "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532" },
        { 0x2B0, "", "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a" },
        { 0x2C0, "abc", "ec01498288516fc926459f58e2c6ad8df9b473cb0fc08c2596da7cf0e49be4b298d88cea927ac7f539f1edf228376d25" },
        { 0x2D0, "abc", "b751850b1a57168a5693cd924b6b096e08f621827444f70d884f5d0240d2712e10e116e9192af3c91a7ec57647e3934057340b4cf408d5a56592f8274eec53f0" },
    };

    [Theory]
    [MemberData(nameof(Vectors))]
    public void DigestKnownAnswerSingleAndMultiPart(ulong mechanism, string message, string expected)
    {
        var data = Encoding.ASCII.GetBytes(message);
        Assert.Equal(expected, ToHex(Session.Digest(Mech(mechanism), data)));
        Init(mechanism);
        foreach (var b in data) Expect.Ok(LowLevel.C_DigestUpdate(SessionId, [b], 1));
        Assert.Equal(expected, ToHex(Final()));
    }

    [Theory]
    [InlineData(0x2B0UL)]
    [InlineData(0x2D0UL)]
    public void Sha3OfALongMessageMatchesDotNet(ulong mechanism)
    {
        var data = Random(1000);
        byte[] expected = mechanism == 0x2B0 ? SHA3_256.HashData(data) : SHA3_512.HashData(data);
        Assert.Equal(ToHex(expected), ToHex(Session.Digest(Mech(mechanism), data)));
    }

    private void Init(ulong mechanism)
    {
        var m = CkmUtils.CreateMechanism(mechanism);
        Expect.Ok(LowLevel.C_DigestInit(SessionId, ref m), "C_DigestInit");
    }

    private void Update(byte[] data) => Expect.Ok(LowLevel.C_DigestUpdate(SessionId, data, (ulong)data.Length), "C_DigestUpdate");

    private byte[] Final()
    {
        var digest = new byte[64];
        ulong length = 64;
        Expect.Ok(LowLevel.C_DigestFinal(SessionId, digest, ref length), "C_DigestFinal");
        return digest[..(int)length];
    }

    [Fact]
    public void DigestKeyFeedsTheKeyValueIntoTheDigest()
    {
        var value = Random(32);
        var key = Aes(value, Attr(CKA.CKA_SENSITIVE, true), Attr(CKA.CKA_EXTRACTABLE, false));
        Init((ulong)CKM.CKM_SHA256);
        Update(Encoding.ASCII.GetBytes("abc"));
        Expect.Ok(LowLevel.C_DigestKey(SessionId, key.ObjectId), "C_DigestKey");
        Update([1, 2]);
        Assert.Equal(ToHex(SHA256.HashData([.. Encoding.ASCII.GetBytes("abc"), .. value, 1, 2])), ToHex(Final()));
    }

    [Fact]
    public void DigestKeyWithoutAnOperationOrWithABadHandleFails()
    {
        var key = Aes(Random(16));
        Assert.Equal(CKR.CKR_OPERATION_NOT_INITIALIZED, LowLevel.C_DigestKey(SessionId, key.ObjectId));
        Init((ulong)CKM.CKM_SHA256);
        Assert.Equal(CKR.CKR_KEY_HANDLE_INVALID, LowLevel.C_DigestKey(SessionId, 0xdead));
    }

    private byte[] GetState()
    {
        ulong length = 0;
        Expect.Ok(LowLevel.C_GetOperationState(SessionId, null, ref length), "C_GetOperationState length");
        var state = new byte[length];
        Expect.Ok(LowLevel.C_GetOperationState(SessionId, state, ref length), "C_GetOperationState");
        return state[..(int)length];
    }

    [Theory]
    [InlineData((ulong)CKM.CKM_SHA256)]
    [InlineData((ulong)CKM.CKM_SHA_1)]
    [InlineData((ulong)CKM.CKM_SHA512)]
    [InlineData(0x2B0UL)]
    [InlineData((ulong)CKM.CKM_MD5)]
    public void SavedDigestStateFinishesToTheSameDigest(ulong mechanism)
    {
        var first = Random(77);
        var second = Random(50);
        Init(mechanism);
        Update(first);
        var state = GetState();
        Update(second);
        var expected = Final();
        Assert.Equal(ToHex(expected), ToHex(Session.Digest(Mech(mechanism), [.. first, .. second])));

        Expect.Ok(LowLevel.C_SetOperationState(SessionId, state, (ulong)state.Length, 0, 0), "C_SetOperationState");
        Update(second);
        Assert.Equal(ToHex(expected), ToHex(Final()));

        // Into another session, twice from the same state.
        var other = OpenSession(CryptoSlotId).SessionId;
        for (int i = 0; i < 2; i++)
        {
            Expect.Ok(LowLevel.C_SetOperationState(other, state, (ulong)state.Length, 0, 0), "C_SetOperationState");
            Expect.Ok(LowLevel.C_DigestUpdate(other, second, (ulong)second.Length));
            var digest = new byte[64];
            ulong length = 64;
            Expect.Ok(LowLevel.C_DigestFinal(other, digest, ref length));
            Assert.Equal(ToHex(expected), ToHex(digest[..(int)length]));
        }
    }

    [Fact]
    public void CorruptedOrTruncatedStateIsSavedStateInvalid()
    {
        Init((ulong)CKM.CKM_SHA256);
        Update(Random(10));
        var state = GetState();
        for (int i = 0; i < state.Length; i += Math.Max(1, state.Length / 7))
        {
            var bad = (byte[])state.Clone();
            bad[i] ^= 0x40;
            Assert.Equal(CKR.CKR_SAVED_STATE_INVALID, LowLevel.C_SetOperationState(SessionId, bad, (ulong)bad.Length, 0, 0));
        }
        Assert.Equal(CKR.CKR_SAVED_STATE_INVALID, LowLevel.C_SetOperationState(SessionId, state[..^1], (ulong)state.Length - 1, 0, 0));
        Assert.Equal(CKR.CKR_SAVED_STATE_INVALID, LowLevel.C_SetOperationState(SessionId, [1, 2, 3], 3, 0, 0));
    }

    [Fact]
    public void StateOfNoOperationIsOperationNotInitializedAndOfAnEncryptionIsUnsaveable()
    {
        ulong length = 0;
        Assert.Equal(CKR.CKR_OPERATION_NOT_INITIALIZED, LowLevel.C_GetOperationState(SessionId, null, ref length));
        var key = Aes(Random(16));
        var m = CkmUtils.CreateMechanism((ulong)CKM.CKM_AES_ECB);
        Expect.Ok(LowLevel.C_EncryptInit(SessionId, ref m, key.ObjectId));
        // softokn saves digest states only and answers CKR_OPERATION_NOT_INITIALIZED here (no digest active);
        // CKR_STATE_UNSAVEABLE is the other reading of PKCS #11 v3.0 section 5.6.
        Assert.Contains(LowLevel.C_GetOperationState(SessionId, null, ref length), new[] { CKR.CKR_OPERATION_NOT_INITIALIZED, CKR.CKR_STATE_UNSAVEABLE });
    }

    private (IntPtr Dummy, Net.Pkcs11Interop.HighLevelAPI.IObjectHandle Key, byte[] Iv) CipherSetup(bool encrypt)
    {
        var key = Aes(Random(16));
        var iv = Random(16);
        var m = CkmUtils.CreateMechanism((ulong)CKM.CKM_AES_CBC_PAD, iv);
        Expect.Ok(encrypt ? LowLevel.C_EncryptInit(SessionId, ref m, key.ObjectId) : LowLevel.C_DecryptInit(SessionId, ref m, key.ObjectId));
        UnmanagedMemory.Free(ref m.Parameter);
        return (IntPtr.Zero, key, iv);
    }

    private byte[] FinalPart { get; set; } = [];

    private static readonly int[] DualCuts = [5, 27, 0, 16];

    private delegate CKR Dual(ulong session, byte[] part, ulong partLength, byte[] output, ref ulong outputLength);

    /// <summary>The dual-function update over the parts, then the cipher's final; the final part (the padded last
    /// block) is not seen by the digest, verify or sign half: PKCS #11 v3.0 section 5.13 leaves feeding it to the
    /// application, which <see cref="FinalPart"/> keeps for.</summary>
    private byte[] RunDual(Dual call, byte[] input, bool encrypt)
    {
        FinalPart = [];
        return Parts(part =>
        {
            var output = new byte[input.Length + 32];
            ulong length = (ulong)output.Length;
            Expect.Ok(call(SessionId, part, (ulong)part.Length, output, ref length), "dual update");
            return output[..(int)length];
        }, () =>
        {
            var output = new byte[32];
            ulong length = 32;
            Expect.Ok(encrypt ? LowLevel.C_EncryptFinal(SessionId, output, ref length) : LowLevel.C_DecryptFinal(SessionId, output, ref length), "cipher final");
            FinalPart = output[..(int)length];
            return FinalPart;
        }, input, DualCuts);
    }

    [Fact]
    public void DigestEncryptUpdateDigestsThePlaintextAndEncryptsIt()
    {
        var data = Random(70);
        Init((ulong)CKM.CKM_SHA256);
        var (_, key, iv) = CipherSetup(encrypt: true);
        var c = RunDual(LowLevel.C_DigestEncryptUpdate, data, encrypt: true);
        Assert.Equal(ToHex(SHA256.HashData(data)), ToHex(Final()));
        Assert.Equal(ToHex(Session.Encrypt(Mech(CKM.CKM_AES_CBC_PAD, iv), key, data)), ToHex(c));
    }

    [Fact]
    public void DecryptDigestUpdateDecryptsAndDigestsThePlaintext()
    {
        var data = Random(70);
        var (_, key, iv) = CipherSetup(encrypt: false);
        var c = Session.Encrypt(Mech(CKM.CKM_AES_CBC_PAD, iv), key, data);
        Init((ulong)CKM.CKM_SHA256);
        var p = RunDual(LowLevel.C_DecryptDigestUpdate, c, encrypt: false);
        Assert.Equal(ToHex(data), ToHex(p));
        Assert.NotEmpty(FinalPart);
        Update(FinalPart);
        Assert.Equal(ToHex(SHA256.HashData(data)), ToHex(Final()));
    }

    private void SignInit(Net.Pkcs11Interop.HighLevelAPI.IObjectHandle key, bool verify)
    {
        var m = CkmUtils.CreateMechanism((ulong)CKM.CKM_SHA256_HMAC);
        Expect.Ok(verify ? LowLevel.C_VerifyInit(SessionId, ref m, key.ObjectId) : LowLevel.C_SignInit(SessionId, ref m, key.ObjectId));
    }

    [Fact]
    public void SignEncryptUpdateSignsThePlaintextAndEncryptsIt()
    {
        var data = Random(70);
        var macKey = Generic(Random(32));
        SignInit(macKey, verify: false);
        var (_, key, iv) = CipherSetup(encrypt: true);
        var c = RunDual(LowLevel.C_SignEncryptUpdate, data, encrypt: true);
        var mac = new byte[32];
        ulong length = 32;
        Expect.Ok(LowLevel.C_SignFinal(SessionId, mac, ref length));
        Assert.Equal(ToHex(HMACSHA256.HashData(Value(macKey), data)), ToHex(mac));
        Assert.Equal(ToHex(Session.Encrypt(Mech(CKM.CKM_AES_CBC_PAD, iv), key, data)), ToHex(c));
    }

    [Fact]
    public void DecryptVerifyUpdateDecryptsAndVerifiesThePlaintext()
    {
        var data = Random(70);
        var macKey = Generic(Random(32));
        var (_, key, iv) = CipherSetup(encrypt: false);
        var c = Session.Encrypt(Mech(CKM.CKM_AES_CBC_PAD, iv), key, data);
        SignInit(macKey, verify: true);
        var p = RunDual(LowLevel.C_DecryptVerifyUpdate, c, encrypt: false);
        Assert.Equal(ToHex(data), ToHex(p));
        Assert.NotEmpty(FinalPart);
        Expect.Ok(LowLevel.C_VerifyUpdate(SessionId, FinalPart, (ulong)FinalPart.Length));
        var mac = HMACSHA256.HashData(Value(macKey), data);
        Assert.Equal(CKR.CKR_OK, LowLevel.C_VerifyFinal(SessionId, mac, 32));
    }

    [Fact]
    public void DualFunctionWithoutBothOperationsIsOperationNotInitialized()
    {
        Init((ulong)CKM.CKM_SHA256);
        var output = new byte[64];
        ulong length = 64;
        Assert.Equal(CKR.CKR_OPERATION_NOT_INITIALIZED, LowLevel.C_DigestEncryptUpdate(SessionId, new byte[16], 16, output, ref length));
    }
}
