using System.Formats.Asn1;
using System.Security.Cryptography;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using Net.Pkcs11Interop.HighLevelAPI.MechanismParams;
using Softoken.NativeTests.Infrastructure;

namespace Softoken.NativeTests.PublicKey;

/// <summary>PKCS #11 v3.0 constants Pkcs11Interop 5.3 does not name.</summary>
internal static class V3
{
    public const CKM EC_EDWARDS_KEY_PAIR_GEN = (CKM)0x1055;
    public const CKM EC_MONTGOMERY_KEY_PAIR_GEN = (CKM)0x1056;
    public const CKM EDDSA = (CKM)0x1057;
    public const CKM SHA3_256_RSA_PKCS = (CKM)0x60;
    public const CKM SHA3_384_RSA_PKCS = (CKM)0x61;
    public const CKM SHA3_512_RSA_PKCS = (CKM)0x62;
    public const CKM SHA3_256_RSA_PKCS_PSS = (CKM)0x63;
    public const CKM SHA3_384_RSA_PKCS_PSS = (CKM)0x64;
    public const CKM SHA3_512_RSA_PKCS_PSS = (CKM)0x65;
    public const CKM SHA3_224_RSA_PKCS = (CKM)0x66;
    public const CKM SHA3_224_RSA_PKCS_PSS = (CKM)0x67;
    public const CKM ECDSA_SHA3_224 = (CKM)0x1047;
    public const CKM ECDSA_SHA3_256 = (CKM)0x1048;
    public const CKM ECDSA_SHA3_384 = (CKM)0x1049;
    public const CKM ECDSA_SHA3_512 = (CKM)0x104A;
    public const CKM SHA3_256 = (CKM)0x2B0;
    public const CKK EC_EDWARDS = (CKK)0x40;
    public const CKK EC_MONTGOMERY = (CKK)0x41;
    public const CKG MGF1_SHA3_256 = (CKG)0x7;
}

/// <summary>Named curves: the OID that goes into CKA_EC_PARAMS and .NET's view of it.</summary>
internal static class Curves
{
    public const string P256 = "1.2.840.10045.3.1.7";
    public const string P384 = "1.3.132.0.34";
    public const string P521 = "1.3.132.0.35";
    public const string Secp256k1 = "1.3.132.0.10";
    public const string BrainpoolP256r1 = "1.3.36.3.3.2.8.1.1.7";
    public const string Ed25519 = "1.3.101.112";
    public const string Ed448 = "1.3.101.113";
    public const string X25519 = "1.3.101.110";
    public const string X448 = "1.3.101.111";

    public static byte[] Oid(string oid)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteObjectIdentifier(oid);
        return writer.Encode();
    }

    public static byte[] PrintableString(string name)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteCharacterString(UniversalTagNumber.PrintableString, name);
        return writer.Encode();
    }

    public static byte[] OctetString(ReadOnlySpan<byte> value)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteOctetString(value);
        return writer.Encode();
    }

    /// <summary>The content of a DER OCTET STRING, which must be the whole input.</summary>
    public static byte[] UnwrapOctetString(byte[] der)
    {
        var reader = new AsnReader(der, AsnEncodingRules.DER);
        var value = reader.ReadOctetString();
        reader.ThrowIfNotEmpty();
        return value;
    }
}

/// <summary>Base of the public-key tests: sessions on either slot (slot 2 with a logged-in user), key generation and
/// attribute helpers, the public halves as .NET keys.</summary>
public abstract class PublicKeyTest(ModuleFixture fixture) : InitializedModuleTest(fixture)
{
    protected const string UserPin = "1234";

    public static readonly TheoryData<ulong> BothSlots = new() { CryptoSlotId, KeyStorageSlotId };

    protected static readonly byte[] Message = "The quick brown fox jumps over the lazy dog, twice over."u8.ToArray();

    private bool userLoggedIn;

    /// <summary>A read/write session; on the key-storage slot the user is logged in.</summary>
    protected ISession Session(ulong slotId = CryptoSlotId)
    {
        if (slotId == KeyStorageSlotId && !userLoggedIn)
        {
            SetUserPin(UserPin);
            var session = OpenSession(slotId, readWrite: true);
            session.Login(CKU.CKU_USER, UserPin);
            userLoggedIn = true;
            return session;
        }
        return OpenSession(slotId, readWrite: true);
    }

    protected IMechanism Mech(CKM type) => Factories.MechanismFactory.Create(type);

    protected IMechanism Mech(CKM type, IMechanismParams parameters) => Factories.MechanismFactory.Create(type, parameters);

    protected IMechanism Mech(CKM type, byte[] parameter) => Factories.MechanismFactory.Create(type, parameter);

    protected IObjectAttribute A(CKA type, bool value) => Factories.ObjectAttributeFactory.Create(type, value);

    protected IObjectAttribute A(CKA type, ulong value) => Factories.ObjectAttributeFactory.Create(type, value);

    protected IObjectAttribute A(CKA type, byte[] value) => Factories.ObjectAttributeFactory.Create(type, value);

    protected IObjectAttribute A(CKA type, CKO value) => Factories.ObjectAttributeFactory.Create(type, value);

    protected IObjectAttribute A(CKA type, CKK value) => Factories.ObjectAttributeFactory.Create(type, value);

    protected IObjectAttribute A(CKA type, string value) => Factories.ObjectAttributeFactory.Create(type, value);

    protected IObjectAttribute Allowed(params CKM[] mechanisms) =>
        Factories.ObjectAttributeFactory.Create(CKA.CKA_ALLOWED_MECHANISMS, mechanisms.ToList());

    /// <summary>Session-object key pair with every usage allowed, plus <paramref name="privateExtra"/> overriding the
    /// private template.</summary>
    protected (IObjectHandle Public, IObjectHandle Private) GenerateKeyPair(ISession session, CKM mechanism,
        IEnumerable<IObjectAttribute> publicSpecific, IEnumerable<IObjectAttribute>? privateExtra = null,
        IEnumerable<IObjectAttribute>? publicExtra = null)
    {
        var pub = new List<IObjectAttribute>
        {
            A(CKA.CKA_TOKEN, false), A(CKA.CKA_VERIFY, true), A(CKA.CKA_ENCRYPT, true), A(CKA.CKA_VERIFY_RECOVER, true),
            A(CKA.CKA_WRAP, true),
        };
        pub.AddRange(publicSpecific);
        Override(pub, publicExtra);
        var priv = new List<IObjectAttribute>
        {
            A(CKA.CKA_TOKEN, false), A(CKA.CKA_PRIVATE, true), A(CKA.CKA_SENSITIVE, true), A(CKA.CKA_SIGN, true),
            A(CKA.CKA_DECRYPT, true), A(CKA.CKA_SIGN_RECOVER, true), A(CKA.CKA_UNWRAP, true),
            A(CKA.CKA_EXTRACTABLE, false),
        };
        Override(priv, privateExtra);
        session.GenerateKeyPair(Mech(mechanism), pub, priv, out var publicKey, out var privateKey);
        return (publicKey, privateKey);
    }

    private static void Override(List<IObjectAttribute> template, IEnumerable<IObjectAttribute>? extra)
    {
        if (extra is null) return;
        foreach (var attribute in extra)
        {
            template.RemoveAll(a => a.Type == attribute.Type);
            template.Add(attribute);
        }
    }

    protected (IObjectHandle Public, IObjectHandle Private) Rsa(ISession session, ulong bits = 1024,
        IEnumerable<IObjectAttribute>? privateExtra = null, IEnumerable<IObjectAttribute>? publicExtra = null) =>
        GenerateKeyPair(session, CKM.CKM_RSA_PKCS_KEY_PAIR_GEN,
            [A(CKA.CKA_MODULUS_BITS, bits), A(CKA.CKA_PUBLIC_EXPONENT, new byte[] { 1, 0, 1 })], privateExtra, publicExtra);

    protected (IObjectHandle Public, IObjectHandle Private) Ec(ISession session, string curve = Curves.P256,
        IEnumerable<IObjectAttribute>? privateExtra = null) =>
        GenerateKeyPair(session, CKM.CKM_EC_KEY_PAIR_GEN, [A(CKA.CKA_EC_PARAMS, Curves.Oid(curve))], privateExtra);

    protected (IObjectHandle Public, IObjectHandle Private) Edwards(ISession session, string curve = Curves.Ed25519) =>
        GenerateKeyPair(session, V3.EC_EDWARDS_KEY_PAIR_GEN, [A(CKA.CKA_EC_PARAMS, Curves.Oid(curve))]);

    protected (IObjectHandle Public, IObjectHandle Private) Montgomery(ISession session, byte[] ecParams) =>
        GenerateKeyPair(session, V3.EC_MONTGOMERY_KEY_PAIR_GEN, [A(CKA.CKA_EC_PARAMS, ecParams)],
            [A(CKA.CKA_DERIVE, true), A(CKA.CKA_SIGN, false), A(CKA.CKA_DECRYPT, false), A(CKA.CKA_SIGN_RECOVER, false),
             A(CKA.CKA_UNWRAP, false)],
            [A(CKA.CKA_VERIFY, false), A(CKA.CKA_ENCRYPT, false), A(CKA.CKA_VERIFY_RECOVER, false), A(CKA.CKA_WRAP, false)]);

    protected static byte[] Bytes(ISession session, IObjectHandle key, CKA type) =>
        session.GetAttributeValue(key, [type])[0].GetValueAsByteArray();

    protected static ulong Ulong(ISession session, IObjectHandle key, CKA type) =>
        session.GetAttributeValue(key, [type])[0].GetValueAsUlong();

    protected static bool Bool(ISession session, IObjectHandle key, CKA type) =>
        session.GetAttributeValue(key, [type])[0].GetValueAsBool();

    protected static bool Unreadable(ISession session, IObjectHandle key, CKA type) =>
        session.GetAttributeValue(key, [type])[0].CannotBeRead;

    /// <summary>The raw EC point of a public key (CKA_EC_POINT is a DER OCTET STRING).</summary>
    protected static byte[] EcPoint(ISession session, IObjectHandle publicKey) =>
        Curves.UnwrapOctetString(Bytes(session, publicKey, CKA.CKA_EC_POINT));

    protected static RSA DotNetRsa(ISession session, IObjectHandle publicKey)
    {
        var rsa = System.Security.Cryptography.RSA.Create();
        rsa.ImportParameters(new RSAParameters
        {
            Modulus = Bytes(session, publicKey, CKA.CKA_MODULUS),
            Exponent = Bytes(session, publicKey, CKA.CKA_PUBLIC_EXPONENT),
        });
        return rsa;
    }

    protected static ECParameters DotNetEcPublic(ISession session, IObjectHandle publicKey, string curve)
    {
        var point = EcPoint(session, publicKey);
        Assert.Equal(0x04, point[0]);
        int n = (point.Length - 1) / 2;
        return new ECParameters
        {
            Curve = ECCurve.CreateFromValue(curve),
            Q = new ECPoint { X = point[1..(1 + n)], Y = point[(1 + n)..] },
        };
    }

    protected static ECDsa DotNetEcdsa(ISession session, IObjectHandle publicKey, string curve) =>
        ECDsa.Create(DotNetEcPublic(session, publicKey, curve));

    /// <summary>Multi-part signing in three uneven pieces through C_SignUpdate/C_SignFinal.</summary>
    protected static byte[] SignMultiPart(ISession session, IMechanism mechanism, IObjectHandle key, byte[] data)
    {
        using var stream = new MemoryStream(data);
        return session.Sign(mechanism, key, stream, 7);
    }

    protected static bool VerifyMultiPart(ISession session, IMechanism mechanism, IObjectHandle key, byte[] data, byte[] signature)
    {
        using var stream = new MemoryStream(data);
        session.Verify(mechanism, key, stream, signature, out bool valid, 7);
        return valid;
    }

    protected static bool VerifySinglePart(ISession session, IMechanism mechanism, IObjectHandle key, byte[] data, byte[] signature)
    {
        session.Verify(mechanism, key, data, signature, out bool valid);
        return valid;
    }

    protected static HashAlgorithmName HashName(CKM mechanism) => mechanism switch
    {
        CKM.CKM_MD5_RSA_PKCS => HashAlgorithmName.MD5,
        CKM.CKM_SHA1_RSA_PKCS or CKM.CKM_SHA1_RSA_PKCS_PSS or CKM.CKM_ECDSA_SHA1 => HashAlgorithmName.SHA1,
        CKM.CKM_SHA256_RSA_PKCS or CKM.CKM_SHA256_RSA_PKCS_PSS or CKM.CKM_ECDSA_SHA256 => HashAlgorithmName.SHA256,
        CKM.CKM_SHA384_RSA_PKCS or CKM.CKM_SHA384_RSA_PKCS_PSS or CKM.CKM_ECDSA_SHA384 => HashAlgorithmName.SHA384,
        CKM.CKM_SHA512_RSA_PKCS or CKM.CKM_SHA512_RSA_PKCS_PSS or CKM.CKM_ECDSA_SHA512 => HashAlgorithmName.SHA512,
        V3.SHA3_256_RSA_PKCS or V3.SHA3_256_RSA_PKCS_PSS or V3.ECDSA_SHA3_256 => HashAlgorithmName.SHA3_256,
        V3.SHA3_384_RSA_PKCS or V3.SHA3_384_RSA_PKCS_PSS or V3.ECDSA_SHA3_384 => HashAlgorithmName.SHA3_384,
        V3.SHA3_512_RSA_PKCS or V3.SHA3_512_RSA_PKCS_PSS or V3.ECDSA_SHA3_512 => HashAlgorithmName.SHA3_512,
        _ => throw new ArgumentOutOfRangeException(nameof(mechanism)),
    };
}
