using Softoken.Crypto;
using Softoken.Mechanisms;
using Softoken.Mechanisms.Parameters;
using Softoken.Objects;
using Softoken.Operations;
using Softoken.Pkcs11;

namespace Softoken.Tests.Crypto;

/// <summary>Drives the symmetric mechanism rows the way the session does: factories from the registry, output
/// buffers sized by the operations' own length methods (which must be upper bounds).</summary>
internal static class Sym
{
    public static readonly RandomSource Random = new();

    public static byte[] Hex(string hex) => Convert.FromHexString(string.Concat(hex.Where(c => !char.IsWhiteSpace(c) && c != ':')));

    public static AttributeSet Key(CKK type, byte[] value)
    {
        var key = new AttributeSet();
        key.SetUlong(CKA.CKA_CLASS, (ulong)CKO.CKO_SECRET_KEY);
        key.SetUlong(CKA.CKA_KEY_TYPE, (ulong)type);
        key.Set(CKA.CKA_VALUE, value);
        return key;
    }

    public static AttributeSet Aes(string hex) => Key(CKK.CKK_AES, Hex(hex));

    public static BytesParameter Iv(string hex) => new(Hex(hex));

    private static MechanismContext Context(CKM mechanism, MechanismParameter parameter, AttributeSet key) =>
        new(mechanism, parameter, key, Random);

    public static ICipherOperation Encryptor(CKM mechanism, MechanismParameter parameter, AttributeSet key) =>
        MechanismRegistry.Get(mechanism).Encrypt!(Context(mechanism, parameter, key));

    public static ICipherOperation Decryptor(CKM mechanism, MechanismParameter parameter, AttributeSet key) =>
        MechanismRegistry.Get(mechanism).Decrypt!(Context(mechanism, parameter, key));

    public static byte[] Encrypt(CKM mechanism, MechanismParameter parameter, AttributeSet key, byte[] data)
    {
        using var op = Encryptor(mechanism, parameter, key);
        return OneShot(op, data);
    }

    public static byte[] Decrypt(CKM mechanism, MechanismParameter parameter, AttributeSet key, byte[] data)
    {
        using var op = Decryptor(mechanism, parameter, key);
        return OneShot(op, data);
    }

    public static byte[] Wrap(CKM mechanism, MechanismParameter parameter, AttributeSet key, byte[] data)
    {
        using var op = MechanismRegistry.Get(mechanism).Wrap!(Context(mechanism, parameter, key));
        return OneShot(op, data);
    }

    public static byte[] Unwrap(CKM mechanism, MechanismParameter parameter, AttributeSet key, byte[] data)
    {
        using var op = MechanismRegistry.Get(mechanism).Unwrap!(Context(mechanism, parameter, key));
        return OneShot(op, data);
    }

    public static byte[] OneShot(ICipherOperation op, byte[] data)
    {
        var output = new byte[op.OneShotLength(data.Length)];
        int written = op.OneShot(data, output);
        Assert.InRange(written, 0, output.Length);
        return output[..written];
    }

    /// <summary>Update with the pieces that <paramref name="splits"/> cut the data into, then Final.</summary>
    public static byte[] MultiPart(ICipherOperation op, byte[] data, params int[] splits)
    {
        var result = new List<byte>();
        int start = 0;
        foreach (int end in splits.Where(s => s <= data.Length).Append(data.Length))
        {
            var part = data[start..end];
            var output = new byte[op.UpdateLength(part.Length)];
            int written = op.Update(part, output);
            Assert.InRange(written, 0, output.Length);
            result.AddRange(output[..written]);
            start = end;
        }
        var last = new byte[op.FinalLength()];
        int n = op.Final(last);
        Assert.InRange(n, 0, last.Length);
        result.AddRange(last[..n]);
        return [.. result];
    }

    public static byte[] EncryptParts(CKM mechanism, MechanismParameter parameter, AttributeSet key, byte[] data, params int[] splits)
    {
        using var op = Encryptor(mechanism, parameter, key);
        return MultiPart(op, data, splits);
    }

    public static byte[] DecryptParts(CKM mechanism, MechanismParameter parameter, AttributeSet key, byte[] data, params int[] splits)
    {
        using var op = Decryptor(mechanism, parameter, key);
        return MultiPart(op, data, splits);
    }

    public static byte[] Sign(CKM mechanism, MechanismParameter parameter, AttributeSet key, byte[] data, params int[] splits)
    {
        using var op = MechanismRegistry.Get(mechanism).Sign!(Context(mechanism, parameter, key));
        int start = 0;
        foreach (int end in splits.Where(s => s <= data.Length).Append(data.Length))
        {
            op.Update(data.AsSpan(start, end - start));
            start = end;
        }
        var mac = new byte[op.SignatureLength];
        Assert.Equal(mac.Length, op.Final(mac.AsSpan()));
        return mac;
    }

    public static bool Verify(CKM mechanism, MechanismParameter parameter, AttributeSet key, byte[] data, byte[] signature)
    {
        using var op = MechanismRegistry.Get(mechanism).Verify!(Context(mechanism, parameter, key));
        op.Update(data);
        return op.Final((ReadOnlySpan<byte>)signature);
    }

    public static CKR Error(Action action) => Assert.Throws<Pkcs11Exception>(action).Rv;

    /// <summary>A deterministic message of <paramref name="length"/> bytes.</summary>
    public static byte[] Message(int length) => Enumerable.Range(0, length).Select(i => (byte)(i * 7 + 3)).ToArray();

    /// <summary>Odd split points used for every multi-part test.</summary>
    public static readonly int[][] Splits = [[1], [7, 8, 9], [15, 17, 33], [3, 5, 31, 47, 64, 100], [0, 0, 16, 16, 32]];
}
