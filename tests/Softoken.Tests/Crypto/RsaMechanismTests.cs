using System.Security.Cryptography;
using Softoken.Mechanisms;
using Softoken.Mechanisms.Parameters;
using Softoken.Objects;
using Softoken.Pkcs11;

namespace Softoken.Tests.Crypto;

public sealed class RsaMechanismTests
{
    // NIST CAVP 186-3 RSA test vectors, SigGen15_186-3.rsp, [mod = 2048], SHAAlg = SHA256, first two records
    // (as distributed in pyca/cryptography's vectors/.../RSA/FIPS_186-2/SigGen15_186-3.rsp).
    private const string CavpN =
        "a564d3d06be468a46958d56bb4884e2c4c28f538b7e15df35330505177789d3e1d792ad7aec7fc80a8cccf7ed4030471100401724bd4636a" +
        "8a8244180cc655e256c00e778efe8bea55ab52d3a557075e35039d687cc0755b939a44a73033a0a6f09d2d6ae7e6593380718be00814d205" +
        "67b1d7d48b633735e423017ff0a7b406d822f45fbb4d234028ca78abb702b18fcce13d2f69148ef584e9aaf283caab38f6946d342d600c6e" +
        "77b7370a05ff302e5483b0faad3103d0b3e8c9c8e9eca1d4a871bdbd09585eb00dc3a488271cf6a3b767e68ea9bd2c83e8c89fd047f17915" +
        "cf6a4c05bb9222b7e4470df5f3f1a28324c1aafcbb2236d2293041d128b0e15f";

    public static TheoryData<string, string> CavpSha256 => new()
    {
        {
            "39b677f7dafb6b14da364a0a85cfe927802e26a1b6d97ddb94dcd6e4796ea14068d125ec017a159caf72654722fc5be50078e978d7873a" +
            "4957708b74bec33ca6933c272697e93012f98f1decc94ba955af75d317ddc97c6942c9316f005d460121bd24ad8590e3ff1f561cff6203f" +
            "8fcf5ec8d88aee76bc4beae71de2985e6d7",
            "7D292C56178545115D6FF28EF39C26A681D9218B1B6CC0E9C3B1D1765D2FCDA960E9C794296626FAB76E20F3DA293D86BE7AA93B970708" +
            "21DB583637B07DFD1CAA30344331507339CB74BDE05CF669712676BE6E434D011301C688915BA66F91EC09787B1A4B359D1E319016DBF918" +
            "AAD7516FD8AACBAAA37245C80BEF567E801A513D4A50C63291D0D6F21986BD01396087E6C040DD42D53CDF20BAE08928AE5DD1FD5723C3A6" +
            "26A545E139FD90360CAC68669DCC1A74323EBA0FD8B158C606C8274C5B66621DB12FC205C8C1FD471604CA36DA8DB46FC598EB0AA99E2194" +
            "EAE4A6DC1C5813B805555F6BCC14D873CDD852A1B0F1D6710E433E2BDE2CEE2551"
        },
        {
            "d3d40e1d6eec4c11c3998ad15c89c8276686bdc26556263926e05f4df591306f11fee9825dcbb1e158cb1ba44f68fa1fd24677ac642360" +
            "ab7602c3c69788bc7ae5a68bd2c778e976de6d9de538a94affc7a78bc6122341652b372c72e1c4b97036131b9814bc9dd93bc7371d7e125" +
            "fce2ff22198d81d72712bc8c2d73c0cd059",
            "3EEE87D63687ADC60751B7A02D0347EF69FFDA883F8B4944E480566630F6CD74454F44389F9DCC09D6A061FD8AF08E9940398B33F7E015" +
            "F8BEFB0ACE5717F9548EFC5828E03D29E1712DD821DBC7847A0936B969E5AF0BFE630EAEC1AB33A64CA980EBCF06CB4DDCEED31A3B8E44CB" +
            "9CE96FFBDB2C131C663644D21BF9C43CE7D448829AED8E4710EAC217FEAE8F1B4AD99F998EA8EE6A07EE0445A429899463F6F8F7FCA40207" +
            "EDEC0C1A83F5C00B79F90091F4EEF8170520A1A46C77DBBD7AE8640CBD9F1F3B77E42BE28A6F4ECC4ABA30889A2A7D12AA320123B3613ECF" +
            "7263129E203CEE21B6FE6EC613301BE180324FFC45BE191E179D0AEFB0132D1506"
        },
    };

    private static AttributeSet CavpPublic() =>
        Pk.Key(CKO.CKO_PUBLIC_KEY, CKK.CKK_RSA, (CKA.CKA_MODULUS, Pk.Hex(CavpN)), (CKA.CKA_PUBLIC_EXPONENT, Pk.Hex("1001")));

    [Theory]
    [MemberData(nameof(CavpSha256))]
    public void Sha256RsaPkcsVerifiesCavpSigGenVectors(string message, string signature)
    {
        Assert.True(Pk.Verify(CKM.CKM_SHA256_RSA_PKCS, CavpPublic(), Pk.Hex(message), Pk.Hex(signature)));
        // CKM_RSA_PKCS on the DigestInfo is the same signature.
        var digestInfo = Softoken.Crypto.HashSpecs.Sha256.DigestInfo(SHA256.HashData(Pk.Hex(message)));
        Assert.True(Pk.Verify(CKM.CKM_RSA_PKCS, CavpPublic(), digestInfo, Pk.Hex(signature)));
        // And CKM_RSA_PKCS opens it back to the DigestInfo.
        Assert.Equal(digestInfo, Pk.Recover(false, CKM.CKM_RSA_PKCS, CavpPublic(), Pk.Hex(signature)));
    }

    [Fact]
    public void AlteredCavpSignatureIsAResultNotAnError()
    {
        var (message, signature) = ((string)CavpSha256.First()[0], Pk.Hex((string)CavpSha256.First()[1]));
        signature[^1] ^= 1;
        Assert.False(Pk.Verify(CKM.CKM_SHA256_RSA_PKCS, CavpPublic(), Pk.Hex(message), signature));
        Assert.False(Pk.Verify(CKM.CKM_SHA256_RSA_PKCS, CavpPublic(), Pk.Hex(message)[1..], Pk.Hex((string)CavpSha256.First()[1])));
        Pk.Throws(CKR.CKR_SIGNATURE_INVALID, () => Pk.Recover(false, CKM.CKM_RSA_PKCS, CavpPublic(), signature));
    }

    // NIST CAVP 186-3, SigGenPSS_186-3.rsp (salt length 0), [mod = 1024], SHAAlg = SHA256, first two records.
    private const string PssN =
        "c87155f3d9f3771f6ab89ef30cd36230463902ff0633aa869b6dbd7592c83f4b2f882739ff499f1499fb0db4586c7f7b2dfd5a37dbe0df37" +
        "dea9d0d5814a4047b647c1d8eb356ebae6a198899f97c25f9182fab2b6be88384a1b8cb16a82a05aaadf610ce2e045b41b8880a13b7133ea" +
        "07296126471c9a450ae48bc880102c8b";

    [Theory]
    [InlineData(
        "19828d058058243557e29ec3f95b566fb4292c6e7dc0d56ae1c475cb3f6d6f3535307b51589cfad1288287ae4358cfb4d8dfa2415f044a4a87" +
        "041b9e70d44b6f1bc0040e1f52b8f69d75b50c75daf925ba9b47c9641f7a37453d1aa83fa42dd8b37a4fc33c4305ac9e054f64f9a97cc943a5" +
        "428df4d80e3903b5997112a4bc79",
        "A3263F4C84AB6EF687A3853E5D91D296B125428F80F3C4DCEFCF4FB7F1C41CEBF9AA3CFD0CF2B617EC2DF8AB3379FFCC7FDF72EC659940E0DC" +
        "DFA453BEF7E9172941B5C8AAF87E58DE3316F103856D922AE5929B3B6CF2A7BBF95C49DDBD8C15B4AC73370D0A28B20514637ABFF56157E15D" +
        "F57C5860EDEBED44D4917F2D1F8B")]
    [InlineData(
        "1e0ffcab2f1d52641097cf6cb3b696eeed10b450d56ca5ad6dd5198684edf8b4da84a3a186697db89580aa1af41516939070b9ccbbaa1ac2d2" +
        "bf12761ce3d3e7f61a283d2d03ff47acf42427574c4f4c360561a1d689eb04ecc7f0fa3c85eca1b9f814e6ee92e0f79c1bc7fca503490228f7" +
        "3337eeb21f5d05163a79aa7b4acb",
        "1A0A52B98714806EF7499C9DBBE51738AA4D38A3EA434C6A1742A46A7620E2EC9353349CAA23834FBD634A824D4700A610E00AA5BF87B1DF7B" +
        "2900D7E4E07454A30F1FE744CEB757B8F92CF055D226E84D5E633F589E53B0373EE80A59EADA4B7259F5182DC591427345232EBCAF4DDBD4F9" +
        "DC90313415E96CF53C59C16281FE")]
    public void PssVerifiesCavpSigGenVectors(string message, string signature)
    {
        var key = Pk.Key(CKO.CKO_PUBLIC_KEY, CKK.CKK_RSA, (CKA.CKA_MODULUS, Pk.Hex(PssN)), (CKA.CKA_PUBLIC_EXPONENT, Pk.Hex("1001")));
        var pss = new RsaPssParameter(CKM.CKM_SHA256, CKG.CKG_MGF1_SHA256, 0);
        Assert.True(Pk.Verify(CKM.CKM_SHA256_RSA_PKCS_PSS, key, Pk.Hex(message), Pk.Hex(signature), pss));
        Assert.True(Pk.Verify(CKM.CKM_RSA_PKCS_PSS, key, SHA256.HashData(Pk.Hex(message)), Pk.Hex(signature), pss));
        Assert.False(Pk.Verify(CKM.CKM_SHA256_RSA_PKCS_PSS, key, Pk.Hex(message), Pk.Hex(signature),
            new RsaPssParameter(CKM.CKM_SHA256, CKG.CKG_MGF1_SHA256, 20)));
    }

    // pyca/cryptography vectors/.../RSA/oaep-custom/oaep-sha256-sha1.txt, second key, "OAEP Example 2 alg=sha1 mgf1=sha256".
    [Fact]
    public void OaepDecryptsPublishedVectorWithSha1AndMgf1Sha256()
    {
        var key = Pk.Key(CKO.CKO_PRIVATE_KEY, CKK.CKK_RSA,
            (CKA.CKA_MODULUS, Pk.Hex("bbe59fec8a81d7fd74fb7438d525480375f42e5d822f632a2d26af5027b16797c52102756cb62554c0f0abcfb6aa0c7cc79187f8ec9764b316c031f9d140ddf744ab905d82fa6e96069e4841271ab68b773d3f73dae1e07af70962f781d7add6cd30dd2fadca19815d3a44d2343a96ca9bd9ab1b6100a8973c8d29abb6719e0bc8e7368ce20a68a44fda536d5821c9626686164acbba04a4ad60679af2334f1db813705b9857b1690808b957f7d1e792090175cab189f4b38091c61788d9a877dc463bc5f4bd06d6a4cc882a12ae2c4c5c47ad6c89c9b7c26da2ae64d662a5f66073e37310faf492f69ff97c5f49320960b13fce174b9b4e2386a2675bd5dacb")),
            (CKA.CKA_PUBLIC_EXPONENT, Pk.Hex("010001")),
            (CKA.CKA_PRIVATE_EXPONENT, Pk.Hex("b424fe43f9b36d527a82ceb5e25ce103386688c16c1c64b5be1e35bce2a16ad18ed50c176ac7e358b3b6caf2d58d8975649cf9c1458c0ca6cb2c2f7df50a7d0521d85f0bd894a3cbc0c2a64198ed3a90d21c6da674f75492702096baf7c8c1c98c66c9d97984a7196939815c0b6914c361d2ba0300e871bab5fa1d369d2fa736bd2411256938323784123ae056a005e89ee83469c7aeed70f4d383a3774589ee28cfd7c99ff7ae0910cfe1d51bf3ef3606c75dbd5827822132b25c9554be098459b48a075ebfca74998b22144e81eeb8249b843802e89fd4060c61b561cc7714f64bf2ea36b16a50392e9af657b06383fa158eb939e7f65cbd0a8d453e1b4739")),
            (CKA.CKA_PRIME_1, Pk.Hex("ef17de794052458b22c0aa41a78e084d8af51ff9a99f2638fe22e29a353e91f64cc2e3bd627e9f89072085520c27d50dee9ea0f64c27930ab2d0543a149ec10111d157cc54135c5dbb1003127066c3c59524b1589fbc19bdd1e3e9da656ae7b07648c885800c2c331e4d21c9a81942dc226b66082f8f03064ae2036c857345cf")),
            (CKA.CKA_PRIME_2, Pk.Hex("c92efca4bf94d4e2a50945292856ea2b07dde3388520b3e4c685e193305c3dcaf766a97faec376be490ae7c8f63db4219207b6377469303f60c847c22ce12cca64f8735456aa30ceebdd4119470be1c906480b8ed5cc1b97db9dc02b8750dc5908a926946e2d2d2855b802bf4e7aa1ab83edc91f5020a032be6d890a6547d645")),
            (CKA.CKA_EXPONENT_1, Pk.Hex("ebda86eae3498532a878983b25d7555770f137b6a7ddc7edc6bc90fe7ff19638fa25f2545af9ffd44384901f8cc02a4a910e48484e7d676ed14ff3164c4b02a7547546ffd81c352c7d2061776a0be5a95de39152945810a890891ca205137d3434aabdabfbd1863472fab18ee4d4ee808b2f98ba10782a0aa609e848c028233f")),
            (CKA.CKA_EXPONENT_2, Pk.Hex("226d6f00866462b5d2462ed6a737906502b89edc9a33897559dfa94575de2318eb935ee821b1034df6d3edec3eef3a3710754f6258027426345ab1a4f1e72ab20beb545917679268a6863b50a70eca798b20a311b35675565c57b77dfb6f03f61c7c4dc4d2c1da5b6fa7c89892467c0a0cce913f5187f3c21b4245544916acfd")),
            (CKA.CKA_COEFFICIENT, Pk.Hex("5f97160578c2f7fc1240003cc802049e0b13e8b1bb3353544414b20960fb4b8bee53fc51329540e43e5ea8fbaaaf53fadabf13c9249d5f14f0f57acb825b016044a84f6984ee6a88e685c26d18d3cfb544a9078bdd6f10102342b71a717a4a69827b3728fdb6ea05ddb1b284099227dd642280add13897a3571b0c2bc8b5406f")));
        var ciphertext = Pk.Hex("77d2d3f9b75c60bfe30c401d69e7584da990b85e15c198a382492bf70687c09fdff947b0cab478937481390ffc29db8e996195da04cb1654730a0b86d8d44c87e501f507330e73c01190d5ca801730327c8732be4e048574623b47d512b93cf17d929b9aa6344b56a6bfa80528a2f82ff05d2b886789fb6f289c74dc5e3b96dcb0419c7c4392bcfee08fcbceddce45819529045b56fc0e97f70611730d168ffdc7ef5a18e90be24804d45127940111128960464e872314be000773d1288bae296bd472c16647f24af9170376d543700fd261bca1d080c3cf22a94a89976ff86d78b796ddef948dac36b89929485ac3029dc00a7b21de6614cf079857d3e83c96");
        var oaep = new RsaOaepParameter(CKM.CKM_SHA_1, CKG.CKG_MGF1_SHA256, (ulong)CKZ.CKZ_DATA_SPECIFIED, []);
        Assert.Equal(Pk.Hex("2d"), Pk.Decrypt(CKM.CKM_RSA_PKCS_OAEP, key, ciphertext, oaep));
        Assert.Equal(Pk.Hex("2d"), Pk.Cipher(MechanismRegistry.Get(CKM.CKM_RSA_PKCS_OAEP).Unwrap!, CKM.CKM_RSA_PKCS_OAEP, key, ciphertext, oaep));
        ciphertext[10] ^= 1;
        Pk.Throws(CKR.CKR_ENCRYPTED_DATA_INVALID, () => Pk.Decrypt(CKM.CKM_RSA_PKCS_OAEP, key, ciphertext, oaep));
    }

    [Fact]
    public void GeneratedKeyPairHasEveryComponentAndNssId()
    {
        var (pub, priv) = TestKeys.Rsa2048;
        Assert.Equal(2048UL, pub.Ulong(CKA.CKA_MODULUS_BITS));
        Assert.Equal(256, pub.RequireBytes(CKA.CKA_MODULUS).Length);
        Assert.Equal(Pk.Hex("010001"), pub.RequireBytes(CKA.CKA_PUBLIC_EXPONENT));
        Assert.Equal((ulong)CKK.CKK_RSA, pub.Ulong(CKA.CKA_KEY_TYPE));
        foreach (var a in new[] { CKA.CKA_MODULUS, CKA.CKA_PUBLIC_EXPONENT, CKA.CKA_PRIVATE_EXPONENT, CKA.CKA_PRIME_1, CKA.CKA_PRIME_2,
                     CKA.CKA_EXPONENT_1, CKA.CKA_EXPONENT_2, CKA.CKA_COEFFICIENT })
            Assert.True(priv.Has(a), a.ToString());
        var id = SHA1.HashData(pub.RequireBytes(CKA.CKA_MODULUS));
        Assert.Equal(id, pub.RequireBytes(CKA.CKA_ID));
        Assert.Equal(id, priv.RequireBytes(CKA.CKA_ID));
    }

    public static TheoryData<ulong> HashAndSign => new()
    {
        (ulong)CKM.CKM_MD2_RSA_PKCS, (ulong)CKM.CKM_MD5_RSA_PKCS, (ulong)CKM.CKM_SHA1_RSA_PKCS, (ulong)CKM.CKM_SHA224_RSA_PKCS, (ulong)CKM.CKM_SHA256_RSA_PKCS,
        (ulong)CKM.CKM_SHA384_RSA_PKCS, (ulong)CKM.CKM_SHA512_RSA_PKCS, (ulong)CKM.CKM_SHA3_224_RSA_PKCS, (ulong)CKM.CKM_SHA3_256_RSA_PKCS,
        (ulong)CKM.CKM_SHA3_384_RSA_PKCS, (ulong)CKM.CKM_SHA3_512_RSA_PKCS,
    };

    [Theory]
    [MemberData(nameof(HashAndSign))]
    public void HashAndSignRoundTripsAndIsDeterministicAcrossEngines(ulong type)
    {
        var mechanism = (CKM)type;
        var (pub, priv) = TestKeys.Rsa2048;
        var data = RandomNumberGenerator.GetBytes(1000);
        var signature = Pk.Sign(mechanism, priv, data);
        Assert.Equal(256, signature.Length);
        Assert.True(Pk.Verify(mechanism, pub, data, signature));
        Assert.Equal(signature, Pk.SignInParts(mechanism, priv, data, 77));
        // A private key without CRT components takes the BouncyCastle path; PKCS #1 v1.5 is deterministic.
        var noCrt = Pk.Key(CKO.CKO_PRIVATE_KEY, CKK.CKK_RSA, (CKA.CKA_MODULUS, priv.RequireBytes(CKA.CKA_MODULUS)),
            (CKA.CKA_PRIVATE_EXPONENT, priv.RequireBytes(CKA.CKA_PRIVATE_EXPONENT)));
        Assert.Equal(signature, Pk.Sign(mechanism, noCrt, data));
        data[0] ^= 1;
        Assert.False(Pk.Verify(mechanism, pub, data, signature));
        // The private key object verifies too (it holds the public exponent).
        Assert.False(Pk.Verify(mechanism, priv, data, signature));
    }

    public static TheoryData<ulong, ulong, ulong> PssForms => new()
    {
        { (ulong)CKM.CKM_SHA1_RSA_PKCS_PSS, (ulong)CKM.CKM_SHA_1, (ulong)CKG.CKG_MGF1_SHA1 },
        { (ulong)CKM.CKM_SHA224_RSA_PKCS_PSS, (ulong)CKM.CKM_SHA224, (ulong)CKG.CKG_MGF1_SHA224 },
        { (ulong)CKM.CKM_SHA256_RSA_PKCS_PSS, (ulong)CKM.CKM_SHA256, (ulong)CKG.CKG_MGF1_SHA256 },
        { (ulong)CKM.CKM_SHA384_RSA_PKCS_PSS, (ulong)CKM.CKM_SHA384, (ulong)CKG.CKG_MGF1_SHA1 },
        { (ulong)CKM.CKM_SHA512_RSA_PKCS_PSS, (ulong)CKM.CKM_SHA512, (ulong)CKG.CKG_MGF1_SHA512 },
        { (ulong)CKM.CKM_SHA3_224_RSA_PKCS_PSS, (ulong)CKM.CKM_SHA3_224, (ulong)CKG.CKG_MGF1_SHA3_224 },
        { (ulong)CKM.CKM_SHA3_256_RSA_PKCS_PSS, (ulong)CKM.CKM_SHA3_256, (ulong)CKG.CKG_MGF1_SHA3_256 },
        { (ulong)CKM.CKM_SHA3_384_RSA_PKCS_PSS, (ulong)CKM.CKM_SHA3_384, (ulong)CKG.CKG_MGF1_SHA3_384 },
        { (ulong)CKM.CKM_SHA3_512_RSA_PKCS_PSS, (ulong)CKM.CKM_SHA3_512, (ulong)CKG.CKG_MGF1_SHA3_512 },
    };

    [Theory]
    [MemberData(nameof(PssForms))]
    public void PssRoundTripsWithEverySaltLength(ulong m, ulong h, ulong g)
    {
        var (mechanism, hash, mgf) = ((CKM)m, (CKM)h, (CKG)g);
        var (pub, priv) = TestKeys.Rsa2048;
        var data = RandomNumberGenerator.GetBytes(300);
        foreach (var salt in new ulong[] { 0, 20, (ulong)Softoken.Crypto.HashSpecs.ParameterHash(hash).Size })
        {
            var p = new RsaPssParameter(hash, mgf, salt);
            var signature = Pk.Sign(mechanism, priv, data, p);
            Assert.True(Pk.Verify(mechanism, pub, data, signature, p));
            Assert.False(Pk.Verify(mechanism, pub, data[1..], signature, p));
        }
    }

    [Fact]
    public void RawPssSignsADigestOfTheParameterHashOnly()
    {
        var (pub, priv) = TestKeys.Rsa2048;
        var p = new RsaPssParameter(CKM.CKM_SHA256, CKG.CKG_MGF1_SHA256, 32);
        var digest = SHA256.HashData("abc"u8);
        var signature = Pk.Sign(CKM.CKM_RSA_PKCS_PSS, priv, digest, p);
        Assert.True(Pk.Verify(CKM.CKM_SHA256_RSA_PKCS_PSS, pub, "abc"u8, signature, p));
        Pk.Throws(CKR.CKR_DATA_LEN_RANGE, () => Pk.Sign(CKM.CKM_RSA_PKCS_PSS, priv, digest[1..], p));
        Assert.False(MechanismRegistry.Get(CKM.CKM_RSA_PKCS_PSS).Sign!(Pk.Context(CKM.CKM_RSA_PKCS_PSS, priv, p)).SupportsMultiPart);
    }

    [Fact]
    public void PssParameterErrors()
    {
        var (_, priv) = TestKeys.Rsa2048;
        Pk.Throws(CKR.CKR_MECHANISM_PARAM_INVALID, () => Pk.Sign(CKM.CKM_SHA256_RSA_PKCS_PSS, priv, "x"u8));
        Pk.Throws(CKR.CKR_MECHANISM_PARAM_INVALID, () => Pk.Sign(CKM.CKM_SHA256_RSA_PKCS_PSS, priv, "x"u8,
            new RsaPssParameter(CKM.CKM_SHA_1, CKG.CKG_MGF1_SHA1, 20)));
        Pk.Throws(CKR.CKR_MECHANISM_PARAM_INVALID, () => Pk.Sign(CKM.CKM_SHA256_RSA_PKCS_PSS, priv, "x"u8,
            new RsaPssParameter(CKM.CKM_SHA256, (CKG)0x77, 32)));
        Pk.Throws(CKR.CKR_MECHANISM_PARAM_INVALID, () => Pk.Sign(CKM.CKM_SHA256_RSA_PKCS_PSS, priv, "x"u8,
            new RsaPssParameter(CKM.CKM_SHA256, CKG.CKG_MGF1_SHA256, 223)));
    }

    [Fact]
    public void Pkcs1EncryptionRoundTripsAndReportsLengthErrors()
    {
        var (pub, priv) = TestKeys.Rsa2048;
        var data = RandomNumberGenerator.GetBytes(245);
        var ciphertext = Pk.Encrypt(CKM.CKM_RSA_PKCS, pub, data);
        Assert.Equal(256, ciphertext.Length);
        Assert.Equal(data, Pk.Decrypt(CKM.CKM_RSA_PKCS, priv, ciphertext));
        var wrapped = Pk.Cipher(MechanismRegistry.Get(CKM.CKM_RSA_PKCS).Wrap!, CKM.CKM_RSA_PKCS, pub, data[..32]);
        Assert.Equal(data[..32], Pk.Cipher(MechanismRegistry.Get(CKM.CKM_RSA_PKCS).Unwrap!, CKM.CKM_RSA_PKCS, priv, wrapped));

        Pk.Throws(CKR.CKR_DATA_LEN_RANGE, () => Pk.Encrypt(CKM.CKM_RSA_PKCS, pub, new byte[246]));
        Pk.Throws(CKR.CKR_ENCRYPTED_DATA_LEN_RANGE, () => Pk.Decrypt(CKM.CKM_RSA_PKCS, priv, ciphertext[1..]));
        ciphertext[0] ^= 0x40;
        Pk.Throws(CKR.CKR_ENCRYPTED_DATA_INVALID, () => Pk.Decrypt(CKM.CKM_RSA_PKCS, priv, ciphertext));
        using var op = MechanismRegistry.Get(CKM.CKM_RSA_PKCS).Encrypt!(Pk.Context(CKM.CKM_RSA_PKCS, pub));
        Assert.False(op.SupportsMultiPart);
    }

    [Theory]
    [InlineData((ulong)CKM.CKM_SHA_1, (ulong)CKG.CKG_MGF1_SHA1, "")]
    [InlineData((ulong)CKM.CKM_SHA256, (ulong)CKG.CKG_MGF1_SHA256, "")]
    [InlineData((ulong)CKM.CKM_SHA512, (ulong)CKG.CKG_MGF1_SHA512, "")]
    [InlineData((ulong)CKM.CKM_SHA3_256, (ulong)CKG.CKG_MGF1_SHA3_256, "")]
    [InlineData((ulong)CKM.CKM_SHA224, (ulong)CKG.CKG_MGF1_SHA224, "")]
    [InlineData((ulong)CKM.CKM_SHA256, (ulong)CKG.CKG_MGF1_SHA1, "")]
    [InlineData((ulong)CKM.CKM_SHA256, (ulong)CKG.CKG_MGF1_SHA256, "6c6162656c")]
    [InlineData((ulong)CKM.CKM_SHA3_512, (ulong)CKG.CKG_MGF1_SHA3_224, "00ff")]
    public void OaepRoundTripsWithEveryHashMgfAndLabel(ulong h, ulong g, string label)
    {
        var (hash, mgf) = ((CKM)h, (CKG)g);
        var (pub, priv) = TestKeys.Rsa2048;
        var p = new RsaOaepParameter(hash, mgf, (ulong)CKZ.CKZ_DATA_SPECIFIED, Pk.Hex(label));
        int max = 256 - 2 * Softoken.Crypto.HashSpecs.ParameterHash(hash).Size - 2;
        var data = RandomNumberGenerator.GetBytes(max);
        var ciphertext = Pk.Encrypt(CKM.CKM_RSA_PKCS_OAEP, pub, data, p);
        Assert.Equal(data, Pk.Decrypt(CKM.CKM_RSA_PKCS_OAEP, priv, ciphertext, p));
        Pk.Throws(CKR.CKR_DATA_LEN_RANGE, () => Pk.Encrypt(CKM.CKM_RSA_PKCS_OAEP, pub, new byte[max + 1], p));
        var otherLabel = p with { SourceData = [.. Pk.Hex(label), 1] };
        Pk.Throws(CKR.CKR_ENCRYPTED_DATA_INVALID, () => Pk.Decrypt(CKM.CKM_RSA_PKCS_OAEP, priv, ciphertext, otherLabel));
    }

    [Fact]
    public void OaepParameterErrors()
    {
        var (pub, _) = TestKeys.Rsa2048;
        Pk.Throws(CKR.CKR_MECHANISM_PARAM_INVALID, () => Pk.Encrypt(CKM.CKM_RSA_PKCS_OAEP, pub, "x"u8));
        Pk.Throws(CKR.CKR_MECHANISM_PARAM_INVALID, () => Pk.Encrypt(CKM.CKM_RSA_PKCS_OAEP, pub, "x"u8,
            new RsaOaepParameter(CKM.CKM_MD5, CKG.CKG_MGF1_SHA1, 1, [])));
        Pk.Throws(CKR.CKR_MECHANISM_PARAM_INVALID, () => Pk.Encrypt(CKM.CKM_RSA_PKCS_OAEP, pub, "x"u8,
            new RsaOaepParameter(CKM.CKM_SHA_1, CKG.CKG_MGF1_SHA1, 2, [])));
        // Source type 0 with no data is accepted (some callers leave it unset).
        Assert.Equal(256, Pk.Encrypt(CKM.CKM_RSA_PKCS_OAEP, pub, "x"u8, new RsaOaepParameter(CKM.CKM_SHA_1, CKG.CKG_MGF1_SHA1, 0, [])).Length);
    }

    [Fact]
    public void RawRsaEncryptsSignsAndRecovers()
    {
        var (pub, priv) = TestKeys.Rsa2048;
        var data = RandomNumberGenerator.GetBytes(100);
        var ciphertext = Pk.Encrypt(CKM.CKM_RSA_X_509, pub, data);
        var opened = Pk.Decrypt(CKM.CKM_RSA_X_509, priv, ciphertext);
        Assert.Equal(256, opened.Length);
        Assert.Equal(data, opened[^100..]);
        Assert.All(opened[..^100], b => Assert.Equal(0, b));

        var signature = Pk.Sign(CKM.CKM_RSA_X_509, priv, data);
        Assert.True(Pk.Verify(CKM.CKM_RSA_X_509, pub, data, signature));
        Assert.False(Pk.Verify(CKM.CKM_RSA_X_509, pub, data[1..], signature));
        Assert.Equal(signature, Pk.Recover(true, CKM.CKM_RSA_X_509, priv, data));
        Assert.Equal(opened, Pk.Recover(false, CKM.CKM_RSA_X_509, pub, signature));

        // A value not below the modulus is out of range.
        var tooBig = Enumerable.Repeat((byte)0xff, 256).ToArray();
        Pk.Throws(CKR.CKR_DATA_LEN_RANGE, () => Pk.Encrypt(CKM.CKM_RSA_X_509, pub, tooBig));
        Pk.Throws(CKR.CKR_DATA_LEN_RANGE, () => Pk.Sign(CKM.CKM_RSA_X_509, priv, new byte[257]));
        Pk.Throws(CKR.CKR_ENCRYPTED_DATA_INVALID, () => Pk.Decrypt(CKM.CKM_RSA_X_509, priv, tooBig));
        Pk.Throws(CKR.CKR_SIGNATURE_INVALID, () => Pk.Recover(false, CKM.CKM_RSA_X_509, pub, tooBig));
    }

    [Fact]
    public void Pkcs1SignRecoverRoundTrips()
    {
        var (pub, priv) = TestKeys.Rsa2048;
        var data = "recoverable"u8.ToArray();
        var signature = Pk.Recover(true, CKM.CKM_RSA_PKCS, priv, data);
        Assert.Equal(signature, Pk.Sign(CKM.CKM_RSA_PKCS, priv, data));
        Assert.Equal(data, Pk.Recover(false, CKM.CKM_RSA_PKCS, pub, signature));
        Pk.Throws(CKR.CKR_SIGNATURE_LEN_RANGE, () => Pk.Recover(false, CKM.CKM_RSA_PKCS, pub, signature[1..]));
        Pk.Throws(CKR.CKR_DATA_LEN_RANGE, () => Pk.Recover(true, CKM.CKM_RSA_PKCS, priv, new byte[246]));
    }

    [Fact]
    public void VerifyRejectsSignaturesOfTheWrongLength()
    {
        var (pub, priv) = TestKeys.Rsa2048;
        var signature = Pk.Sign(CKM.CKM_SHA256_RSA_PKCS, priv, "m"u8);
        Pk.Throws(CKR.CKR_SIGNATURE_LEN_RANGE, () => Pk.Verify(CKM.CKM_SHA256_RSA_PKCS, pub, "m"u8, signature[1..]));
        Pk.Throws(CKR.CKR_SIGNATURE_LEN_RANGE, () => Pk.Verify(CKM.CKM_RSA_PKCS, pub, "m"u8, [.. signature, 0]));
        Pk.Throws(CKR.CKR_DATA_LEN_RANGE, () => Pk.Sign(CKM.CKM_RSA_PKCS, priv, new byte[246]));
    }

    [Fact]
    public void WrongKeyTypesAreInconsistent()
    {
        var (rsaPub, _) = TestKeys.Rsa2048;
        var (_, ecPriv) = TestKeys.P256;
        Pk.Throws(CKR.CKR_KEY_TYPE_INCONSISTENT, () => Pk.Sign(CKM.CKM_SHA256_RSA_PKCS, ecPriv, "m"u8));
        Pk.Throws(CKR.CKR_KEY_TYPE_INCONSISTENT, () => Pk.Sign(CKM.CKM_SHA256_RSA_PKCS, rsaPub, "m"u8));
        Pk.Throws(CKR.CKR_KEY_TYPE_INCONSISTENT, () => Pk.Decrypt(CKM.CKM_RSA_PKCS, rsaPub, new byte[256]));
        Pk.Throws(CKR.CKR_KEY_TYPE_INCONSISTENT, () => Pk.Encrypt(CKM.CKM_RSA_PKCS_OAEP, ecPriv, "m"u8,
            new RsaOaepParameter(CKM.CKM_SHA_1, CKG.CKG_MGF1_SHA1, 1, [])));
    }

    [Fact]
    public void KeyGenerationChecksItsTemplate()
    {
        Pk.Throws(CKR.CKR_KEY_SIZE_RANGE, () => Pk.Generate(CKM.CKM_RSA_PKCS_KEY_PAIR_GEN, Pk.Template((CKA.CKA_MODULUS_BITS, 1023))));
        Pk.Throws(CKR.CKR_KEY_SIZE_RANGE, () => Pk.Generate(CKM.CKM_RSA_PKCS_KEY_PAIR_GEN, Pk.Template((CKA.CKA_MODULUS_BITS, 16385))));
        Pk.Throws(CKR.CKR_TEMPLATE_INCOMPLETE, () => Pk.Generate(CKM.CKM_RSA_PKCS_KEY_PAIR_GEN, Pk.Template()));
        Pk.Throws(CKR.CKR_ATTRIBUTE_VALUE_INVALID, () => Pk.Generate(CKM.CKM_RSA_PKCS_KEY_PAIR_GEN,
            Pk.Template((CKA.CKA_MODULUS_BITS, 2048), (CKA.CKA_PUBLIC_EXPONENT, new byte[] { 1, 0, 0 }))));
        var row = MechanismRegistry.Get(CKM.CKM_RSA_PKCS_KEY_PAIR_GEN);
        Assert.Equal((1024UL, 16384UL), (row.MinKeySize, row.MaxKeySize));
    }

    [Fact]
    public void NonDefaultExponentAndOddSizeGenerateOnBouncyCastle()
    {
        var (pub, priv) = Pk.Generate(CKM.CKM_RSA_PKCS_KEY_PAIR_GEN,
            Pk.Template((CKA.CKA_MODULUS_BITS, 1028), (CKA.CKA_PUBLIC_EXPONENT, new byte[] { 3 })));
        Assert.Equal(1028UL, pub.Ulong(CKA.CKA_MODULUS_BITS));
        Assert.Equal(new byte[] { 3 }, pub.RequireBytes(CKA.CKA_PUBLIC_EXPONENT));
        var signature = Pk.Sign(CKM.CKM_SHA256_RSA_PKCS, priv, "odd"u8);
        Assert.Equal(129, signature.Length);
        Assert.True(Pk.Verify(CKM.CKM_SHA256_RSA_PKCS, pub, "odd"u8, signature));
    }

    [Fact]
    public void Rsa4096SignsAndDecrypts()
    {
        var (pub, priv) = TestKeys.Rsa4096;
        Assert.Equal(4096UL, pub.Ulong(CKA.CKA_MODULUS_BITS));
        var signature = Pk.Sign(CKM.CKM_SHA512_RSA_PKCS, priv, "big"u8);
        Assert.Equal(512, signature.Length);
        Assert.True(Pk.Verify(CKM.CKM_SHA512_RSA_PKCS, pub, "big"u8, signature));
        var oaep = new RsaOaepParameter(CKM.CKM_SHA256, CKG.CKG_MGF1_SHA256, 1, []);
        Assert.Equal("secret"u8.ToArray(), Pk.Decrypt(CKM.CKM_RSA_PKCS_OAEP, priv, Pk.Encrypt(CKM.CKM_RSA_PKCS_OAEP, pub, "secret"u8, oaep), oaep));
    }
}
