using System.Security.Cryptography;
using Softoken.Crypto;
using Softoken.Mechanisms.Parameters;
using Softoken.Pkcs11;
using static Softoken.Tests.Crypto.Sym;

namespace Softoken.Tests.Crypto;

/// <summary>Triple DES calls of <see cref="TripleDesBlockCipher.PlatformThreshold"/> bytes or more run on .NET's
/// TripleDES, shorter ones on BouncyCastle: both must give the same bytes for the same message, in both directions,
/// including keys .NET refuses as weak (which stay on BouncyCastle).</summary>
public sealed class TripleDesPlatformTests
{
    // Pieces of one block: every call stays below the threshold, on BouncyCastle.
    private static readonly int[] BlockPieces = Enumerable.Range(1, 1023).Select(i => i * 8).ToArray();

    /// <summary>Three independent keys, a two-key (DES2) key, and a key with K1 = K2 (weak for .NET).</summary>
    [Theory]
    [InlineData("three")]
    [InlineData("two")]
    [InlineData("weak")]
    public void LargeCallsMatchBlockByBlockResults(string kind)
    {
        var (k1, k2, k3) = (RandomNumberGenerator.GetBytes(8), RandomNumberGenerator.GetBytes(8), RandomNumberGenerator.GetBytes(8));
        var key = kind switch
        {
            "three" => Key(CKK.CKK_DES3, [.. k1, .. k2, .. k3]),
            "two" => Key(CKK.CKK_DES2, [.. k1, .. k2]),
            _ => Key(CKK.CKK_DES3, [.. k1, .. k1, .. k3]),
        };
        var data = Message(8192);
        var iv = new BytesParameter(RandomNumberGenerator.GetBytes(8));
        foreach (var (mechanism, parameter) in new (CKM, MechanismParameter)[]
                 { (CKM.CKM_DES3_CBC, iv), (CKM.CKM_DES3_ECB, MechanismParameter.None) })
        {
            var whole = Encrypt(mechanism, parameter, key, data);
            Assert.Equal(EncryptParts(mechanism, parameter, key, data, BlockPieces), whole);
            Assert.Equal(data, Decrypt(mechanism, parameter, key, whole));
            Assert.Equal(data, DecryptParts(mechanism, parameter, key, whole, BlockPieces));
            // A long message in two large calls continues the chain across the platform calls.
            Assert.Equal(whole, EncryptParts(mechanism, parameter, key, data, 4096));
        }
    }
}
