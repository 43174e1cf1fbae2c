using Org.BouncyCastle.Crypto.Prng;
using Org.BouncyCastle.Security;
using Softoken.Crypto;
using Softoken.Crypto.KeyEncoding;
using Softoken.Mechanisms;
using Softoken.Mechanisms.Parameters;
using Softoken.Objects;
using Softoken.Pkcs11;

namespace Softoken.Tests.Crypto;

/// <summary>ML-KEM (FIPS 203) keys and CKM_ML_KEM against NIST's ACVP vectors (<see cref="MlKemVectors"/>), and the
/// parameter-set sizes of FIPS 203 table 3.</summary>
public sealed class MlKemTests
{
    private static AttributeSet PrivateFromSeed(CKP set, byte[] seed) =>
        Pk.Key(CKO.CKO_PRIVATE_KEY, CKK.CKK_ML_KEM, (CKA.CKA_PARAMETER_SET, AttributeSet.EncodeUlong((ulong)set)), (CKA.CKA_SEED, seed));

    private static AttributeSet PrivateFromValue(CKP set, byte[] dk) =>
        Pk.Key(CKO.CKO_PRIVATE_KEY, CKK.CKK_ML_KEM, (CKA.CKA_PARAMETER_SET, AttributeSet.EncodeUlong((ulong)set)), (CKA.CKA_VALUE, dk));

    private static AttributeSet Public(CKP set, byte[] ek) =>
        Pk.Key(CKO.CKO_PUBLIC_KEY, CKK.CKK_ML_KEM, (CKA.CKA_PARAMETER_SET, AttributeSet.EncodeUlong((ulong)set)), (CKA.CKA_VALUE, ek));

    /// <summary>A SecureRandom that hands out exactly the given bytes: the message m of ML-KEM.Encaps.</summary>
    private sealed class FixedRandom(byte[] bytes) : SecureRandom(new VmpcRandomGenerator(), 0)
    {
        private int offset;

        public override void NextBytes(byte[] buffer) => NextBytes(buffer, 0, buffer.Length);

        public override void NextBytes(byte[] buffer, int start, int length) => NextBytes(buffer.AsSpan(start, length));

        public override void NextBytes(Span<byte> buffer)
        {
            bytes.AsSpan(offset, buffer.Length).CopyTo(buffer);
            offset += buffer.Length;
        }
    }

    [Fact]
    public void KeyFromSeedMatchesAcvpKeyGen()
    {
        var seed = Pk.Hex(MlKemVectors.KeyGenD + MlKemVectors.KeyGenZ);
        using var key = PrivateFromSeed(CKP.CKP_ML_KEM_512, seed);
        MlKemKeys.CompleteCreated(key);
        Assert.Equal(MlKemVectors.KeyGenDk, Convert.ToHexString(key.RequireBytes(CKA.CKA_VALUE)));
        using var pub = PublicKeyDerivation.FromPrivate(key);
        Assert.Equal(MlKemVectors.KeyGenEk, Convert.ToHexString(pub.RequireBytes(CKA.CKA_VALUE)));
        Assert.Equal((ulong)CKP.CKP_ML_KEM_512, pub.Ulong(CKA.CKA_PARAMETER_SET));
    }

    [Fact]
    public void EncapsulationWithKnownMessageMatchesAcvp()
    {
        var result = MlKemKeys.Encapsulate(MlKemKeys.Public(Public(CKP.CKP_ML_KEM_512, Pk.Hex(MlKemVectors.EncapEk))),
            new FixedRandom(Pk.Hex(MlKemVectors.EncapM)));
        Assert.Equal(MlKemVectors.EncapC, Convert.ToHexString(result.Ciphertext));
        Assert.Equal(MlKemVectors.EncapK, Convert.ToHexString(result.Secret));
    }

    [Fact]
    public void DecapsulationThroughTheMechanismRowMatchesAcvp()
    {
        using var key = PrivateFromValue(CKP.CKP_ML_KEM_512, Pk.Hex(MlKemVectors.EncapDk));
        var secret = MechanismRegistry.Get(CKM.CKM_ML_KEM).Decapsulate!(Pk.Context(CKM.CKM_ML_KEM, key), Pk.Hex(MlKemVectors.EncapC));
        Assert.Equal(MlKemVectors.EncapK, Convert.ToHexString(secret));
    }

    [Fact]
    public void ChangedCiphertextGivesAnotherSecretByImplicitRejection()
    {
        using var key = PrivateFromValue(CKP.CKP_ML_KEM_512, Pk.Hex(MlKemVectors.EncapDk));
        var c = Pk.Hex(MlKemVectors.EncapC);
        c[100] ^= 1;
        var secret = MlKemKeys.Decapsulate(MlKemKeys.Private(key), c);
        Assert.Equal(32, secret.Length);
        Assert.NotEqual(MlKemVectors.EncapK, Convert.ToHexString(secret));
    }

    [Theory]
    [InlineData(1UL, 800, 1632, 768)]
    [InlineData(2UL, 1184, 2400, 1088)]
    [InlineData(3UL, 1568, 3168, 1568)]
    public void GeneratedPairEncapsulatesAndDecapsulatesToTheSameSecret(ulong parameterSet, int ekLength, int dkLength, int ciphertextLength)
    {
        var set = (CKP)parameterSet;
        using var template = Pk.Template((CKA.CKA_PARAMETER_SET, (ulong)set));
        var (pub, priv) = Pk.Generate(CKM.CKM_ML_KEM_KEY_PAIR_GEN, template);
        Assert.Equal(ekLength, pub.RequireBytes(CKA.CKA_VALUE).Length);
        Assert.Equal(dkLength, priv.RequireBytes(CKA.CKA_VALUE).Length);
        Assert.Equal(64, priv.RequireBytes(CKA.CKA_SEED).Length);
        Assert.Equal(pub.RequireBytes(CKA.CKA_ID), priv.RequireBytes(CKA.CKA_ID));
        var row = MechanismRegistry.Get(CKM.CKM_ML_KEM);
        var encapsulated = row.Encapsulate!(Pk.Context(CKM.CKM_ML_KEM, pub));
        Assert.Equal(ciphertextLength, encapsulated.Ciphertext.Length);
        Assert.Equal(encapsulated.Secret, row.Decapsulate!(Pk.Context(CKM.CKM_ML_KEM, priv), encapsulated.Ciphertext));

        // The seed alone makes the same decapsulation key.
        using var fromSeed = PrivateFromSeed(set, priv.RequireBytes(CKA.CKA_SEED));
        MlKemKeys.CompleteCreated(fromSeed);
        Assert.Equal(priv.RequireBytes(CKA.CKA_VALUE), fromSeed.RequireBytes(CKA.CKA_VALUE));
    }

    [Fact]
    public void SeedThatDoesNotMakeTheValueIsRefused()
    {
        using var template = Pk.Template((CKA.CKA_PARAMETER_SET, (ulong)CKP.CKP_ML_KEM_512));
        var (_, priv) = Pk.Generate(CKM.CKM_ML_KEM_KEY_PAIR_GEN, template);
        using var mismatched = PrivateFromValue(CKP.CKP_ML_KEM_512, priv.RequireBytes(CKA.CKA_VALUE));
        mismatched.Set(CKA.CKA_SEED, Pk.Hex(MlKemVectors.KeyGenD + MlKemVectors.KeyGenZ));
        Assert.Equal(CKR.CKR_ATTRIBUTE_VALUE_INVALID, Assert.Throws<Pkcs11Exception>(() => MlKemKeys.CompleteCreated(mismatched)).Rv);
    }

    [Fact]
    public void WrongLengthsAndParameterSetsAreRefused()
    {
        using var shortSeed = PrivateFromSeed(CKP.CKP_ML_KEM_512, new byte[32]);
        Assert.Equal(CKR.CKR_ATTRIBUTE_VALUE_INVALID, Assert.Throws<Pkcs11Exception>(() => MlKemKeys.CompleteCreated(shortSeed)).Rv);
        using var ekOf512As768 = Public(CKP.CKP_ML_KEM_768, Pk.Hex(MlKemVectors.EncapEk));
        Assert.Equal(CKR.CKR_ATTRIBUTE_VALUE_INVALID, Assert.Throws<Pkcs11Exception>(() => MlKemKeys.CompleteCreated(ekOf512As768)).Rv);
        using var unknownSet = Pk.Template((CKA.CKA_PARAMETER_SET, 4UL));
        Assert.Equal(CKR.CKR_TEMPLATE_INCONSISTENT,
            Assert.Throws<Pkcs11Exception>(() => Pk.Generate(CKM.CKM_ML_KEM_KEY_PAIR_GEN, unknownSet)).Rv);
        Assert.Equal(CKR.CKR_TEMPLATE_INCOMPLETE,
            Assert.Throws<Pkcs11Exception>(() => Pk.Generate(CKM.CKM_ML_KEM_KEY_PAIR_GEN, new AttributeSet())).Rv);
        using var key = PrivateFromValue(CKP.CKP_ML_KEM_512, Pk.Hex(MlKemVectors.EncapDk));
        Assert.Equal(CKR.CKR_ENCRYPTED_DATA_LEN_RANGE,
            Assert.Throws<Pkcs11Exception>(() => MlKemKeys.Decapsulate(MlKemKeys.Private(key), new byte[767])).Rv);
        Assert.Equal(CKR.CKR_MECHANISM_PARAM_INVALID, Assert.Throws<Pkcs11Exception>(() =>
            MechanismRegistry.Get(CKM.CKM_ML_KEM).Decapsulate!(Pk.Context(CKM.CKM_ML_KEM, key, new BytesParameter([1])), new byte[768])).Rv);
    }

    [Fact]
    public void PrivateKeyRoundTripsThroughPkcs8AndGivesASubjectPublicKeyInfo()
    {
        using var key = PrivateFromValue(CKP.CKP_ML_KEM_512, Pk.Hex(MlKemVectors.EncapDk));
        var der = PrivateKeyInfoCodec.Encode(key);
        using var decoded = PrivateKeyInfoCodec.Decode(der);
        Assert.Equal((ulong)CKK.CKK_ML_KEM, (ulong)decoded.KeyType!.Value);
        Assert.Equal((ulong)CKP.CKP_ML_KEM_512, decoded.Ulong(CKA.CKA_PARAMETER_SET));
        Assert.Equal(MlKemVectors.EncapDk, Convert.ToHexString(decoded.RequireBytes(CKA.CKA_VALUE)));
        var spki = Org.BouncyCastle.Asn1.X509.SubjectPublicKeyInfo.GetInstance(SubjectPublicKeyInfoEncoder.Encode(key));
        // id-alg-ml-kem-512 (NIST CSOR 2.16.840.1.101.3.4.4.1) with the raw encapsulation key as the BIT STRING.
        Assert.Equal("2.16.840.1.101.3.4.4.1", spki.Algorithm.Algorithm.Id);
        Assert.Equal(MlKemVectors.EncapEk, Convert.ToHexString(spki.PublicKey.GetOctets()));
    }

    [Fact]
    public void MechanismRowsAdvertiseEncapsulationAndKeyPairGeneration()
    {
        Assert.Equal(CKF.CKF_ENCAPSULATE | CKF.CKF_DECAPSULATE, MechanismRegistry.Get(CKM.CKM_ML_KEM).Flags);
        Assert.Equal(CKF.CKF_GENERATE_KEY_PAIR, MechanismRegistry.Get(CKM.CKM_ML_KEM_KEY_PAIR_GEN).Flags);
    }
}
