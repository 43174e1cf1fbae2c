using System.Diagnostics;
using Softoken.Crypto;
using Softoken.Mechanisms;
using Softoken.Mechanisms.Parameters;
using Softoken.Objects;
using Softoken.Pkcs11;

namespace Softoken.Tests.Crypto;

/// <summary>Drives mechanism rows the way the session will: through MechanismRegistry.Get(CKM.X) and the
/// factories, with hand-built attribute sets.</summary>
internal static class Pk
{
    public static readonly RandomSource Random = new();

    public static byte[] Hex(string hex) => Convert.FromHexString(string.Concat(hex.Where(c => !char.IsWhiteSpace(c))));

    public static string ToHex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    public static AttributeSet Key(CKO cls, CKK type, params (CKA Type, byte[] Value)[] values)
    {
        var set = new AttributeSet();
        set.SetUlong(CKA.CKA_CLASS, (ulong)cls);
        set.SetUlong(CKA.CKA_KEY_TYPE, (ulong)type);
        foreach (var (t, v) in values) set.Set(t, v);
        return set;
    }

    public static AttributeSet Template(params (CKA Type, object Value)[] values)
    {
        var set = new AttributeSet();
        foreach (var (t, v) in values)
        {
            switch (v)
            {
                case byte[] b: set.Set(t, b); break;
                case bool b: set.SetBool(t, b); break;
                case CKK k: set.SetUlong(t, (ulong)k); break;
                case CKO o: set.SetUlong(t, (ulong)o); break;
                case int i: set.SetUlong(t, (ulong)i); break;
                case ulong u: set.SetUlong(t, u); break;
                default: throw new ArgumentException(t.ToString());
            }
        }
        return set;
    }

    /// <summary>The generated halves with CKA_CLASS added, as the object layer would.</summary>
    public static (AttributeSet Public, AttributeSet Private) Generate(CKM mechanism, AttributeSet publicTemplate, AttributeSet? privateTemplate = null)
    {
        var material = MechanismRegistry.Get(mechanism).GenerateKeyPair!(
            new KeyPairRequest(mechanism, MechanismParameter.None, publicTemplate, privateTemplate ?? new AttributeSet(), Random));
        material.Public.SetUlong(CKA.CKA_CLASS, (ulong)CKO.CKO_PUBLIC_KEY);
        material.Private.SetUlong(CKA.CKA_CLASS, (ulong)CKO.CKO_PRIVATE_KEY);
        return (material.Public, material.Private);
    }

    public static MechanismContext Context(CKM mechanism, AttributeSet key, MechanismParameter? parameter = null) =>
        new(mechanism, parameter ?? MechanismParameter.None, key, Random);

    public static byte[] Sign(CKM mechanism, AttributeSet key, ReadOnlySpan<byte> data, MechanismParameter? parameter = null)
    {
        using var op = MechanismRegistry.Get(mechanism).Sign!(Context(mechanism, key, parameter));
        op.Update(data);
        var signature = new byte[op.SignatureLength];
        return signature[..op.Final(signature)];
    }

    /// <summary>Multi-part: the data in pieces of <paramref name="chunk"/> bytes.</summary>
    public static byte[] SignInParts(CKM mechanism, AttributeSet key, byte[] data, int chunk, MechanismParameter? parameter = null)
    {
        using var op = MechanismRegistry.Get(mechanism).Sign!(Context(mechanism, key, parameter));
        Assert.True(op.SupportsMultiPart);
        for (int i = 0; i < data.Length; i += chunk) op.Update(data.AsSpan(i, Math.Min(chunk, data.Length - i)));
        var signature = new byte[op.SignatureLength];
        return signature[..op.Final(signature)];
    }

    public static bool Verify(CKM mechanism, AttributeSet key, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature, MechanismParameter? parameter = null)
    {
        using var op = MechanismRegistry.Get(mechanism).Verify!(Context(mechanism, key, parameter));
        op.Update(data);
        return op.Final(signature);
    }

    public static byte[] Encrypt(CKM mechanism, AttributeSet key, ReadOnlySpan<byte> data, MechanismParameter? parameter = null) =>
        Cipher(MechanismRegistry.Get(mechanism).Encrypt!, mechanism, key, data, parameter);

    public static byte[] Decrypt(CKM mechanism, AttributeSet key, ReadOnlySpan<byte> data, MechanismParameter? parameter = null) =>
        Cipher(MechanismRegistry.Get(mechanism).Decrypt!, mechanism, key, data, parameter);

    public static byte[] Cipher(Func<MechanismContext, Operations.ICipherOperation> factory, CKM mechanism, AttributeSet key,
        ReadOnlySpan<byte> data, MechanismParameter? parameter = null)
    {
        using var op = factory(Context(mechanism, key, parameter));
        var output = new byte[op.OneShotLength(data.Length)];
        return output[..op.OneShot(data, output)];
    }

    public static byte[] Recover(bool sign, CKM mechanism, AttributeSet key, ReadOnlySpan<byte> input)
    {
        var row = MechanismRegistry.Get(mechanism);
        using var op = (sign ? row.SignRecover! : row.VerifyRecover!)(Context(mechanism, key));
        var output = new byte[op.OutputLength(input.Length)];
        return output[..op.Run(input, output)];
    }

    public static byte[] Derive(CKM mechanism, AttributeSet baseKey, MechanismParameter parameter, AttributeSet? template = null) =>
        MechanismRegistry.Get(mechanism).Derive!(new DeriveRequest(mechanism, parameter, baseKey, template ?? new AttributeSet(), Random))
            .Key.RequireBytes(CKA.CKA_VALUE);

    public static void Throws(CKR expected, Action action)
    {
        var e = Assert.Throws<Pkcs11Exception>(action);
        Assert.Equal(expected, e.Rv);
    }

    public static byte[] EncodedOid(string oid) => new Org.BouncyCastle.Asn1.DerObjectIdentifier(oid).GetDerEncoded();
}

/// <summary>Runs the openssl command line in a scratch directory.</summary>
internal sealed class OpenSsl : IDisposable
{
    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("softoken-openssl-").FullName;

    public string File(string name, byte[]? content = null)
    {
        var path = Path.Combine(Directory, name);
        if (content is not null) System.IO.File.WriteAllBytes(path, content);
        return path;
    }

    public byte[] Read(string name) => System.IO.File.ReadAllBytes(Path.Combine(Directory, name));

    /// <summary>Runs openssl; returns its exit code (stderr goes to the assertion message on request).</summary>
    public int Run(params string[] args)
    {
        var start = new ProcessStartInfo("openssl") { RedirectStandardError = true, RedirectStandardOutput = true, WorkingDirectory = Directory };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        LastError = process.StandardError.ReadToEnd();
        LastOutput = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode;
    }

    public void Ok(params string[] args) => Assert.True(Run(args) == 0, $"openssl {string.Join(' ', args)}: {LastError}");

    public string LastError { get; private set; } = "";

    public string LastOutput { get; private set; } = "";

    public void Dispose() => System.IO.Directory.Delete(Directory, true);
}
