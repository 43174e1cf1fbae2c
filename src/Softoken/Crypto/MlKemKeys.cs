using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Kems;
using Org.BouncyCastle.Crypto.Parameters;
using Softoken.Mechanisms;
using Softoken.Objects;
using Softoken.Pkcs11;

namespace Softoken.Crypto;

/// <summary>One ML-KEM parameter set (FIPS 203 table 2/3): its PKCS #11 v3.2 CKP_ML_KEM_* value, the byte lengths of
/// the encapsulation key, the decapsulation key and the ciphertext, and BouncyCastle's parameters.</summary>
internal sealed record MlKemParameterSet(CKP Value, int PublicLength, int PrivateLength, int CiphertextLength, MLKemParameters Bouncy);

/// <summary>CKK_ML_KEM keys (PKCS #11 v3.2 section 6.x "ML-KEM") on BouncyCastle: CKA_PARAMETER_SET names the
/// parameter set, a public key's CKA_VALUE is the encapsulation key ek, a private key's CKA_VALUE the decapsulation key
/// dk and its CKA_SEED the 64-byte key generation seed d || z (FIPS 203 algorithm 19).</summary>
internal static class MlKemKeys
{
    /// <summary>The 64-byte seed d || z of ML-KEM.KeyGen.</summary>
    public const int SeedLength = 64;

    /// <summary>The shared secret K is 32 bytes for every parameter set (FIPS 203 section 7.2).</summary>
    public const int SecretLength = 32;

    public static readonly MlKemParameterSet MlKem512 = new(CKP.CKP_ML_KEM_512, 800, 1632, 768, MLKemParameters.ml_kem_512);
    public static readonly MlKemParameterSet MlKem768 = new(CKP.CKP_ML_KEM_768, 1184, 2400, 1088, MLKemParameters.ml_kem_768);
    public static readonly MlKemParameterSet MlKem1024 = new(CKP.CKP_ML_KEM_1024, 1568, 3168, 1568, MLKemParameters.ml_kem_1024);

    public static IReadOnlyList<MlKemParameterSet> All { get; } = [MlKem512, MlKem768, MlKem1024];

    /// <summary>The parameter set a CKA_PARAMETER_SET value names (NSS's CKP_NSS_ML_KEM_768 is ML-KEM-768, as in
    /// softokn); an unknown value is <paramref name="invalid"/> (CKR_TEMPLATE_INCONSISTENT in a template,
    /// CKR_KEY_TYPE_INCONSISTENT on a key).</summary>
    public static MlKemParameterSet Parse(ulong value, CKR invalid) =>
        value == (ulong)CKP.CKP_NSS_ML_KEM_768 ? MlKem768
            : All.FirstOrDefault(p => (ulong)p.Value == value) ?? throw new Pkcs11Exception(invalid, "CKA_PARAMETER_SET");

    /// <summary>The parameter-set value of a key or template: CKA_PARAMETER_SET, else NSS's older
    /// CKA_NSS_PARAMETER_SET.</summary>
    public static ulong? ParameterSetValue(AttributeSet attributes) =>
        attributes.Ulong(CKA.CKA_PARAMETER_SET) ?? attributes.Ulong(CKA.CKA_NSS_PARAMETER_SET);

    /// <summary>The parameter set of a key object (CKK_ML_KEM, or NSS's CKK_NSS_ML_KEM).</summary>
    public static MlKemParameterSet Of(AttributeSet key)
    {
        KeyChecks.RequireType(key, CKK.CKK_ML_KEM, CKK.CKK_NSS_ML_KEM);
        var value = ParameterSetValue(key) ?? throw new Pkcs11Exception(CKR.CKR_KEY_TYPE_INCONSISTENT, "CKA_PARAMETER_SET");
        return Parse(value, CKR.CKR_KEY_TYPE_INCONSISTENT);
    }

    /// <summary>CKM_ML_KEM_KEY_PAIR_GEN and CKM_NSS_ML_KEM_KEY_PAIR_GEN: the parameter set from the public template
    /// (or the private one); the key type CKK_ML_KEM unless the templates ask for NSS's CKK_NSS_ML_KEM.</summary>
    public static KeyPairMaterial Generate(KeyPairRequest request)
    {
        var value = ParameterSetValue(request.PublicTemplate) ?? ParameterSetValue(request.PrivateTemplate)
            ?? throw new Pkcs11Exception(CKR.CKR_TEMPLATE_INCOMPLETE, "CKA_PARAMETER_SET");
        var set = Parse(value, CKR.CKR_TEMPLATE_INCONSISTENT);
        if (ParameterSetValue(request.PrivateTemplate) is { } other && other != value)
            throw new Pkcs11Exception(CKR.CKR_TEMPLATE_INCONSISTENT, "CKA_PARAMETER_SET");
        var type = (request.PublicTemplate.KeyType ?? request.PrivateTemplate.KeyType) == CKK.CKK_NSS_ML_KEM ? CKK.CKK_NSS_ML_KEM : CKK.CKK_ML_KEM;
        var generator = new MLKemKeyPairGenerator();
        generator.Init(new MLKemKeyGenerationParameters(BouncyRandom.For(request.Random), set.Bouncy));
        var pair = generator.GenerateKeyPair();
        var privateKey = (MLKemPrivateKeyParameters)pair.Private;
        return Build(type, value, ((MLKemPublicKeyParameters)pair.Public).GetEncoded(), privateKey.GetEncoded(), privateKey.GetSeed());
    }

    /// <summary>The two halves of a key pair; CKA_PARAMETER_SET keeps the value the caller named; CKA_ID is SHA-1 of the
    /// encapsulation key, as NSS names its keys.</summary>
    private static KeyPairMaterial Build(CKK type, ulong parameterSet, byte[] ek, byte[] dk, byte[]? seed)
    {
        var pub = new AttributeSet();
        pub.SetUlong(CKA.CKA_KEY_TYPE, (ulong)type);
        pub.SetUlong(CKA.CKA_PARAMETER_SET, parameterSet);
        pub.Set(CKA.CKA_VALUE, (byte[])ek.Clone());
        pub.Set(CKA.CKA_ID, KeyChecks.Sha1Id(ek));
        var priv = new AttributeSet();
        priv.SetUlong(CKA.CKA_KEY_TYPE, (ulong)type);
        priv.SetUlong(CKA.CKA_PARAMETER_SET, parameterSet);
        priv.Set(CKA.CKA_VALUE, dk);
        if (seed is not null) priv.Set(CKA.CKA_SEED, seed);
        priv.Set(CKA.CKA_ID, KeyChecks.Sha1Id(ek));
        return new KeyPairMaterial(pub, priv);
    }

    /// <summary>The decapsulation key of a private key object: from CKA_VALUE, else re-expanded from CKA_SEED.</summary>
    public static MLKemPrivateKeyParameters Private(AttributeSet key)
    {
        KeyChecks.RequirePrivate(key, CKA.CKA_SEED);
        var set = Of(key);
        try
        {
            if (key.Bytes(CKA.CKA_VALUE) is { } dk)
            {
                if (dk.Length != set.PrivateLength) throw new Pkcs11Exception(CKR.CKR_KEY_SIZE_RANGE);
                return MLKemPrivateKeyParameters.FromEncoding(set.Bouncy, dk);
            }
            var seed = key.Bytes(CKA.CKA_SEED) ?? throw new Pkcs11Exception(CKR.CKR_KEY_TYPE_INCONSISTENT, "no CKA_VALUE or CKA_SEED");
            if (seed.Length != SeedLength) throw new Pkcs11Exception(CKR.CKR_KEY_SIZE_RANGE);
            return MLKemPrivateKeyParameters.FromSeed(set.Bouncy, seed);
        }
        catch (ArgumentException)
        {
            throw new Pkcs11Exception(CKR.CKR_KEY_TYPE_INCONSISTENT, "not an ML-KEM decapsulation key");
        }
    }

    /// <summary>The encapsulation key of a public key object, or the one a private key object embeds.</summary>
    public static MLKemPublicKeyParameters Public(AttributeSet key)
    {
        if (KeyChecks.IsPrivate(key, CKA.CKA_SEED)) return Private(key).GetPublicKey();
        var set = Of(key);
        var ek = key.RequireBytes(CKA.CKA_VALUE);
        if (ek.Length != set.PublicLength) throw new Pkcs11Exception(CKR.CKR_KEY_SIZE_RANGE);
        try
        {
            return MLKemPublicKeyParameters.FromEncoding(set.Bouncy, ek);
        }
        catch (ArgumentException)
        {
            throw new Pkcs11Exception(CKR.CKR_KEY_TYPE_INCONSISTENT, "not an ML-KEM encapsulation key");
        }
    }

    /// <summary>ML-KEM.Encaps (FIPS 203 algorithm 20); the 32-byte message m comes from <paramref name="random"/>
    /// (the token's random source through <see cref="BouncyRandom"/>; a known m in the known-answer tests).</summary>
    public static KemResult Encapsulate(MLKemPublicKeyParameters ek, Org.BouncyCastle.Security.SecureRandom random)
    {
        var set = All.First(p => p.Bouncy == ek.Parameters);
        var encapsulator = new MLKemEncapsulator(set.Bouncy);
        encapsulator.Init(new ParametersWithRandom(ek, random));
        var ciphertext = new byte[encapsulator.EncapsulationLength];
        var secret = new byte[encapsulator.SecretLength];
        encapsulator.Encapsulate(ciphertext, secret);
        return new KemResult(ciphertext, secret);
    }

    /// <summary>ML-KEM.Decaps (FIPS 203 algorithm 21). A ciphertext of the wrong length is
    /// CKR_ENCRYPTED_DATA_LEN_RANGE; any ciphertext of the right length gives a secret (implicit rejection).</summary>
    public static byte[] Decapsulate(MLKemPrivateKeyParameters dk, ReadOnlySpan<byte> ciphertext)
    {
        var set = All.First(p => p.Bouncy == dk.Parameters);
        if (ciphertext.Length != set.CiphertextLength) throw new Pkcs11Exception(CKR.CKR_ENCRYPTED_DATA_LEN_RANGE);
        var decapsulator = new MLKemDecapsulator(set.Bouncy);
        decapsulator.Init(dk);
        var secret = new byte[decapsulator.SecretLength];
        decapsulator.Decapsulate(ciphertext, secret);
        return secret;
    }

    /// <summary>C_CreateObject of an ML-KEM key: the lengths fit the parameter set, an encapsulation key passes
    /// FIPS 203's modulus check, and a private key given as a seed gets its CKA_VALUE (and a seed given with a value
    /// must produce that value: CKR_ATTRIBUTE_VALUE_INVALID otherwise).</summary>
    public static void CompleteCreated(AttributeSet key)
    {
        var set = Parse(ParameterSetValue(key) ?? throw new Pkcs11Exception(CKR.CKR_TEMPLATE_INCOMPLETE, "CKA_PARAMETER_SET"),
            CKR.CKR_ATTRIBUTE_VALUE_INVALID);
        if (key.Class == CKO.CKO_PUBLIC_KEY)
        {
            var ek = key.RequireBytes(CKA.CKA_VALUE);
            if (ek.Length != set.PublicLength) throw new Pkcs11Exception(CKR.CKR_ATTRIBUTE_VALUE_INVALID, "CKA_VALUE");
            try
            {
                MLKemPublicKeyParameters.FromEncoding(set.Bouncy, ek);
            }
            catch (ArgumentException)
            {
                throw new Pkcs11Exception(CKR.CKR_ATTRIBUTE_VALUE_INVALID, "CKA_VALUE");
            }
            return;
        }
        var value = key.Bytes(CKA.CKA_VALUE);
        var seed = key.Bytes(CKA.CKA_SEED);
        if (value is null && seed is null) throw new Pkcs11Exception(CKR.CKR_TEMPLATE_INCOMPLETE, "CKA_VALUE or CKA_SEED");
        if (value is not null && value.Length != set.PrivateLength) throw new Pkcs11Exception(CKR.CKR_ATTRIBUTE_VALUE_INVALID, "CKA_VALUE");
        if (seed is not null && seed.Length != SeedLength) throw new Pkcs11Exception(CKR.CKR_ATTRIBUTE_VALUE_INVALID, "CKA_SEED");
        byte[] expanded;
        try
        {
            expanded = seed is not null
                ? MLKemPrivateKeyParameters.FromSeed(set.Bouncy, seed).GetEncoded()
                : MLKemPrivateKeyParameters.FromEncoding(set.Bouncy, value!).GetEncoded();
        }
        catch (ArgumentException)
        {
            throw new Pkcs11Exception(CKR.CKR_ATTRIBUTE_VALUE_INVALID, "CKA_VALUE");
        }
        if (value is null)
        {
            key.Set(CKA.CKA_VALUE, expanded);
            return;
        }
        bool same = CryptographicOperations.FixedTimeEquals(expanded, value);
        CryptographicOperations.ZeroMemory(expanded);
        if (!same) throw new Pkcs11Exception(CKR.CKR_ATTRIBUTE_VALUE_INVALID, "CKA_SEED does not produce CKA_VALUE");
    }
}
