using System.Security.Cryptography;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using Softoken.NativeTests.Infrastructure;

namespace Softoken.NativeTests.PublicKey;

/// <summary>Issue 4, EC through the .so: ECDSA on a digest and hash-and-sign (incl. SHA-3), single- and multi-part,
/// checked by .NET's ECDsa; ECDH1 and its cofactor form with CKD_NULL and the SHA-256 KDF against .NET's
/// ECDiffieHellman.</summary>
public sealed class EcTests(ModuleFixture fixture) : PublicKeyTest(fixture)
{
    public static readonly TheoryData<CKM> HashedEcdsa = new()
    {
        CKM.CKM_ECDSA_SHA1, CKM.CKM_ECDSA_SHA224, CKM.CKM_ECDSA_SHA256, CKM.CKM_ECDSA_SHA384, CKM.CKM_ECDSA_SHA512,
        V3.ECDSA_SHA3_224, V3.ECDSA_SHA3_256, V3.ECDSA_SHA3_384, V3.ECDSA_SHA3_512,
    };

    private static byte[] HashOf(CKM mechanism, byte[] data) => mechanism switch
    {
        CKM.CKM_ECDSA_SHA1 => SHA1.HashData(data),
        CKM.CKM_ECDSA_SHA224 => new Org.BouncyCastle.Crypto.Digests.Sha224Digest() is var d224 ? Bc(d224, data) : [],
        CKM.CKM_ECDSA_SHA256 => SHA256.HashData(data),
        CKM.CKM_ECDSA_SHA384 => SHA384.HashData(data),
        CKM.CKM_ECDSA_SHA512 => SHA512.HashData(data),
        V3.ECDSA_SHA3_224 => Bc(new Org.BouncyCastle.Crypto.Digests.Sha3Digest(224), data),
        V3.ECDSA_SHA3_256 => SHA3_256.HashData(data),
        V3.ECDSA_SHA3_384 => SHA3_384.HashData(data),
        V3.ECDSA_SHA3_512 => SHA3_512.HashData(data),
        _ => throw new ArgumentOutOfRangeException(nameof(mechanism)),
    };

    private static byte[] Bc(Org.BouncyCastle.Crypto.IDigest digest, byte[] data)
    {
        digest.BlockUpdate(data, 0, data.Length);
        var output = new byte[digest.GetDigestSize()];
        digest.DoFinal(output, 0);
        return output;
    }

    [Theory]
    [MemberData(nameof(HashedEcdsa))]
    public void HashedEcdsaSinglePartAndMultiPartVerifyWithDotNet(CKM mechanism) => SignHashedEcdsa(CryptoSlotId, mechanism);

    [Theory]
    [InlineData(CKM.CKM_ECDSA_SHA1)]
    [InlineData(CKM.CKM_ECDSA_SHA512)]
    [InlineData(V3.ECDSA_SHA3_256)]
    public void HashedEcdsaOnTheKeyStorageSlot(CKM mechanism) => SignHashedEcdsa(KeyStorageSlotId, mechanism);

    private void SignHashedEcdsa(ulong slot, CKM mechanism)
    {
        var session = Session(slot);
        var pair = Ec(session, Curves.P384);
        using var ecdsa = DotNetEcdsa(session, pair.Public, Curves.P384);
        var hash = HashOf(mechanism, Message);
        var single = session.Sign(Mech(mechanism), pair.Private, Message);
        var multi = SignMultiPart(session, Mech(mechanism), pair.Private, Message);
        Assert.Equal(96, single.Length);
        Assert.True(ecdsa.VerifyHash(hash, single));
        Assert.True(ecdsa.VerifyHash(hash, multi));
        Assert.True(VerifySinglePart(session, Mech(mechanism), pair.Public, Message, multi));
        Assert.True(VerifyMultiPart(session, Mech(mechanism), pair.Public, Message, single));
        // A signature .NET made verifies on the token; a flipped bit does not.
        using var mine = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var imported = ImportEcPublic(session, mine);
        var theirs = mine.SignHash(hash);
        Assert.True(VerifySinglePart(session, Mech(mechanism), imported, Message, theirs));
        theirs[10] ^= 0x80;
        Assert.False(VerifyMultiPart(session, Mech(mechanism), imported, Message, theirs));
    }

    private IObjectHandle ImportEcPublic(ISession session, ECDsa key, bool rawPoint = false)
    {
        var p = key.ExportParameters(false);
        byte[] point = [0x04, .. p.Q.X!, .. p.Q.Y!];
        return session.CreateObject([A(CKA.CKA_CLASS, CKO.CKO_PUBLIC_KEY), A(CKA.CKA_KEY_TYPE, CKK.CKK_EC),
            A(CKA.CKA_TOKEN, false), A(CKA.CKA_VERIFY, true), A(CKA.CKA_EC_PARAMS, Curves.Oid(p.Curve.Oid.Value!)),
            A(CKA.CKA_EC_POINT, rawPoint ? point : Curves.OctetString(point))]);
    }

    public static readonly TheoryData<string> AllCurves =
        new() { Curves.P256, Curves.P384, Curves.P521, Curves.Secp256k1, Curves.BrainpoolP256r1 };

    [Theory]
    [MemberData(nameof(AllCurves))]
    public void RawEcdsaOnEveryCurveVerifiesWithDotNet(string curve)
    {
        var session = Session(KeyStorageSlotId);
        var pair = Ec(session, curve);
        using var ecdsa = DotNetEcdsa(session, pair.Public, curve);
        var digest = SHA256.HashData(Message);
        var single = session.Sign(Mech(CKM.CKM_ECDSA), pair.Private, digest);
        Assert.True(ecdsa.VerifyHash(digest, single));
        Assert.True(VerifySinglePart(session, Mech(CKM.CKM_ECDSA), pair.Public, digest, single));
        // CKM_ECDSA is single-part only (PKCS #11 v3.0 section 2.3.1, table 29 footnote 2).
        Expect.Rv(CKR.CKR_MECHANISM_INVALID, () => SignMultiPart(session, Mech(CKM.CKM_ECDSA), pair.Private, digest));
        // And .NET's signature verifies on a public key imported with a raw (not DER-wrapped) point.
        using var mine = ECDsa.Create(ECCurve.CreateFromValue(curve));
        var imported = ImportEcPublic(session, mine, rawPoint: true);
        Assert.True(VerifySinglePart(session, Mech(CKM.CKM_ECDSA), imported, digest, mine.SignHash(digest)));
    }

    private IObjectHandle DeriveGeneric(ISession session, CKM mechanism, IObjectHandle key, CKD kdf, byte[]? shared,
        byte[] peerPoint, ulong length) =>
        session.DeriveKey(Mech(mechanism, Factories.MechanismParamsFactory.CreateCkEcdh1DeriveParams((ulong)kdf, shared, peerPoint)),
            key,
            [A(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY), A(CKA.CKA_KEY_TYPE, CKK.CKK_GENERIC_SECRET), A(CKA.CKA_TOKEN, false),
             A(CKA.CKA_SENSITIVE, false), A(CKA.CKA_EXTRACTABLE, true), A(CKA.CKA_VALUE_LEN, length)]);

    [Theory]
    [InlineData(CKM.CKM_ECDH1_DERIVE, Curves.P256, 32)]
    [InlineData(CKM.CKM_ECDH1_DERIVE, Curves.P384, 48)]
    [InlineData(CKM.CKM_ECDH1_DERIVE, Curves.P521, 66)]
    [InlineData(CKM.CKM_ECDH1_COFACTOR_DERIVE, Curves.P256, 32)]
    [InlineData(CKM.CKM_ECDH1_COFACTOR_DERIVE, Curves.BrainpoolP256r1, 32)]
    public void EcdhWithNullKdfAndSha256KdfMatchesDotNet(CKM mechanism, string curve, int fieldBytes)
    {
        var session = Session();
        var pair = Ec(session, curve, [A(CKA.CKA_DERIVE, true)]);
        using var peer = ECDiffieHellman.Create(ECCurve.CreateFromValue(curve));
        var q = peer.ExportParameters(false).Q;
        byte[] peerPoint = [0x04, .. q.X!, .. q.Y!];
        using var tokenPublic = ECDiffieHellman.Create(DotNetEcPublic(session, pair.Public, curve));
        var z = peer.DeriveRawSecretAgreement(tokenPublic.PublicKey);
        Assert.Equal(fieldBytes, z.Length);

        var raw = DeriveGeneric(session, mechanism, pair.Private, CKD.CKD_NULL, null, peerPoint, (ulong)fieldBytes);
        Assert.Equal(z, Bytes(session, raw, CKA.CKA_VALUE));
        // The peer point may also come DER-wrapped (softokn accepts both).
        var wrapped = DeriveGeneric(session, mechanism, pair.Private, CKD.CKD_NULL, null, Curves.OctetString(peerPoint), (ulong)fieldBytes);
        Assert.Equal(z, Bytes(session, wrapped, CKA.CKA_VALUE));

        // ANSI X9.63 KDF: SHA-256(Z || 00000001 || sharedInfo).
        var sharedInfo = "shared info"u8.ToArray();
        var kdf = DeriveGeneric(session, mechanism, pair.Private, CKD.CKD_SHA256_KDF, sharedInfo, peerPoint, 32);
        var expected = peer.DeriveKeyFromHash(tokenPublic.PublicKey, HashAlgorithmName.SHA256, null, [0, 0, 0, 1, .. sharedInfo]);
        Assert.Equal(expected, Bytes(session, kdf, CKA.CKA_VALUE));
        var kdf16 = DeriveGeneric(session, mechanism, pair.Private, CKD.CKD_SHA256_KDF, null, peerPoint, 16);
        Assert.Equal(SHA256.HashData([.. z, 0, 0, 0, 1])[..16], Bytes(session, kdf16, CKA.CKA_VALUE));
    }

    [Theory]
    [InlineData(0x2UL, "SHA-1")]
    [InlineData(0x5UL, "SHA-224")]
    [InlineData(0x6UL, "SHA-256")]
    [InlineData(0x7UL, "SHA-384")]
    [InlineData(0x8UL, "SHA-512")]
    [InlineData(0xAUL, "SHA3-224")]
    [InlineData(0xBUL, "SHA3-256")]
    [InlineData(0xCUL, "SHA3-384")]
    [InlineData(0xDUL, "SHA3-512")]
    public void EveryX963KdfMatchesItsDefinition(ulong kdf, string digest)
    {
        var session = Session();
        var pair = Ec(session, Curves.P256, [A(CKA.CKA_DERIVE, true)]);
        using var peer = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var q = peer.ExportParameters(false).Q;
        using var tokenPublic = ECDiffieHellman.Create(DotNetEcPublic(session, pair.Public, Curves.P256));
        var z = peer.DeriveRawSecretAgreement(tokenPublic.PublicKey);
        var sharedInfo = "info"u8.ToArray();
        // 80 bytes: more than one hash block for every digest but SHA-512/SHA3-512, so the counter matters.
        var derived = DeriveGeneric(session, CKM.CKM_ECDH1_DERIVE, pair.Private, (CKD)kdf, sharedInfo, [0x04, .. q.X!, .. q.Y!], 80);
        var expected = new List<byte>();
        for (uint counter = 1; expected.Count < 80; counter++)
        {
            byte[] block = [.. z, (byte)(counter >> 24), (byte)(counter >> 16), (byte)(counter >> 8), (byte)counter, .. sharedInfo];
            expected.AddRange(Org.BouncyCastle.Security.DigestUtilities.CalculateDigest(digest, block));
        }
        Assert.Equal(expected.Take(80).ToArray(), Bytes(session, derived, CKA.CKA_VALUE));
    }

    [Fact]
    public void TwoTokenKeysAgreeBothWays()
    {
        var session = Session(KeyStorageSlotId);
        var a = Ec(session, Curves.Secp256k1, [A(CKA.CKA_DERIVE, true)]);
        var b = Ec(session, Curves.Secp256k1, [A(CKA.CKA_DERIVE, true)]);
        var ab = DeriveGeneric(session, CKM.CKM_ECDH1_DERIVE, a.Private, CKD.CKD_SHA1_KDF, null, EcPoint(session, b.Public), 20);
        var ba = DeriveGeneric(session, CKM.CKM_ECDH1_DERIVE, b.Private, CKD.CKD_SHA1_KDF, null, EcPoint(session, a.Public), 20);
        Assert.Equal(Bytes(session, ab, CKA.CKA_VALUE), Bytes(session, ba, CKA.CKA_VALUE));
    }
}
