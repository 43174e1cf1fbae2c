// Softoken object-store benchmark (issue 3, "Measure and note"). With N token objects on the key-storage token
// (default 100,000: N/4 identities, each an X.509 certificate, an EC private key, an EC public key and a data object,
// as NSS stores them), it measures the lookups NSS makes (by CKA_ID, by CKA_LABEL, by issuer + serial number, by
// subject, by DER value, all certificates), the database size and C_Initialize time, through Pkcs11Interop's
// low-level API on the published module, as a consumer sees it.
//
//   ./build.sh publish && dotnet run -c Release --project bench/objects
//   dotnet run -c Release --project bench/objects -- --objects 20000 --db /tmp/softoken-bench --lookups 5000
//
// Options: --objects N (default 100000); --lookups N per kind (default 2000); --db DIR keeps the database there and
// reuses it when it already holds the objects (otherwise a temporary directory, removed afterwards); --module PATH
// (default $SOFTOKEN_MODULE, else out/libsoftoken.so found upwards from the current directory).
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.LowLevelAPI80;

NativeLibrary.SetDllImportResolver(typeof(CKR).Assembly, (name, _, _) =>
    name == "libdl" && OperatingSystem.IsLinux() ? NativeLibrary.Load("libdl.so.2") : IntPtr.Zero);

var options = Options.Parse(args);
int identities = Math.Max(1, options.Objects / 4);
bool temporary = options.Database is null;
var dir = options.Database ?? Directory.CreateTempSubdirectory("softoken-bench-objects-").FullName;
Directory.CreateDirectory(dir);
Console.WriteLine($"module    {options.Module}");
Console.WriteLine($"database  {dir}");

var sw = Stopwatch.StartNew();
using var p11 = new Pkcs11Library(options.Module);
Console.WriteLine($"dlopen + C_GetFunctionList (module runtime start): {sw.Elapsed.TotalMilliseconds:F1} ms");
using var parameters = new Utf8String($"configdir='sql:{dir}' pinIterations=1000");
var initArgs = new CK_C_INITIALIZE_ARGS { Flags = CKF.CKF_OS_LOCKING_OK, Reserved = parameters.Pointer };
var pin = "bench-pin"u8.ToArray();
const ulong Slot = 2;

sw.Restart();
Check(p11.C_Initialize(initArgs), "C_Initialize");
Console.WriteLine($"first C_Initialize in this process (database open or creation): {sw.Elapsed.TotalMilliseconds:F1} ms");

var tokenInfo = new CK_TOKEN_INFO();
Check(p11.C_GetTokenInfo(Slot, ref tokenInfo), "C_GetTokenInfo");
if ((tokenInfo.Flags & CKF.CKF_USER_PIN_INITIALIZED) == 0)
{
    ulong so = OpenSession();
    Check(p11.C_Login(so, CKU.CKU_SO, [], 0), "SO login");
    Check(p11.C_InitPIN(so, pin, (ulong)pin.Length), "C_InitPIN");
    Check(p11.C_CloseSession(so), "C_CloseSession");
}
ulong session = OpenSession();
Check(p11.C_Login(session, CKU.CKU_USER, pin, (ulong)pin.Length), "C_Login");

var data = new Identities(identities);
long present = Count(session, [A(CKA.CKA_TOKEN, true)]);
if (present < 4L * identities)
{
    Console.WriteLine($"populating {4 * identities:N0} token objects ({present:N0} present)...");
    sw.Restart();
    var perKind = new double[4];
    for (int i = (int)(present / 4); i < identities; i++)
    {
        int kind = 0;
        foreach (var template in data.Templates(i))
        {
            var t0 = Stopwatch.GetTimestamp();
            CreateObject(session, template);
            perKind[kind++] += Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        }
        if ((i + 1) % 5000 == 0)
            Console.WriteLine($"  {4L * (i + 1),9:N0} objects, {4.0 * (i + 1 - present / 4) / sw.Elapsed.TotalSeconds,7:N0} objects/s");
    }
    double created = identities - present / 4;
    Console.WriteLine($"populated in {sw.Elapsed.TotalSeconds:F1} s ({4 * created / sw.Elapsed.TotalSeconds:N0} objects/s, each C_CreateObject one "
        + $"transaction); C_CreateObject mean: certificate {perKind[0] / created:F2} ms, EC private key {perKind[1] / created:F2} ms, "
        + $"EC public key {perKind[2] / created:F2} ms, data {perKind[3] / created:F2} ms");
}
Check(p11.C_CloseSession(session), "C_CloseSession");
Check(p11.C_Finalize(IntPtr.Zero), "C_Finalize");

var files = Directory.GetFiles(dir, "softoken.db*").Select(f => new FileInfo(f)).ToArray();
long size = files.Sum(f => f.Length);
Console.WriteLine();
Console.WriteLine($"database size after C_Finalize: {size / 1048576.0:F1} MiB ({size / (4.0 * identities):F0} bytes per object; "
    + string.Join(", ", files.Select(f => $"{f.Name} {f.Length / 1048576.0:F1} MiB")) + ")");

// C_Initialize (and the first call that reads the database) on the populated token.
var init = new List<double>();
var firstRead = new List<double>();
for (int i = 0; i < 21; i++)
{
    var t0 = Stopwatch.GetTimestamp();
    Check(p11.C_Initialize(initArgs), "C_Initialize");
    var t1 = Stopwatch.GetTimestamp();
    Check(p11.C_GetTokenInfo(Slot, ref tokenInfo), "C_GetTokenInfo");
    var t2 = Stopwatch.GetTimestamp();
    Check(p11.C_Finalize(IntPtr.Zero), "C_Finalize");
    if (i == 0) continue;
    init.Add(Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds);
    firstRead.Add(Stopwatch.GetElapsedTime(t1, t2).TotalMilliseconds);
}
Console.WriteLine($"C_Initialize: median {Median(init):F2} ms, min {init.Min():F2} ms, max {init.Max():F2} ms (20 runs); "
    + $"then the first C_GetTokenInfo: median {Median(firstRead):F2} ms");

Check(p11.C_Initialize(initArgs), "C_Initialize");
session = OpenSession();
Check(p11.C_Login(session, CKU.CKU_USER, pin, (ulong)pin.Length), "C_Login");

var random = new Random(42);
var picks = Enumerable.Range(0, options.Lookups).Select(_ => random.Next(identities)).ToArray();
Console.WriteLine();
Console.WriteLine($"lookups (C_FindObjectsInit + C_FindObjects + C_FindObjectsFinal), {options.Lookups:N0} random identities each, logged in:");
Console.WriteLine($"  {"search",-44} {"found",5} {"median",9} {"p95",9} {"p99",9} {"mean",9}");
Measure("CKA_ID (certificate, private and public key)", 3, i => [A(CKA.CKA_ID, data.Id(i))]);
Measure("CKA_LABEL", 1, i => [A(CKA.CKA_LABEL, $"cert-{i}")]);
Measure("CKA_CLASS + CKA_LABEL", 1, i => [A(CKA.CKA_CLASS, (ulong)CKO.CKO_CERTIFICATE), A(CKA.CKA_LABEL, $"cert-{i}")]);
Measure("CKA_CLASS private key + CKA_ID", 1, i => [A(CKA.CKA_CLASS, (ulong)CKO.CKO_PRIVATE_KEY), A(CKA.CKA_ID, data.Id(i))]);
Measure("CKA_ISSUER + CKA_SERIAL_NUMBER", 1, i =>
    [A(CKA.CKA_CLASS, (ulong)CKO.CKO_CERTIFICATE), A(CKA.CKA_ISSUER, data.Issuer), A(CKA.CKA_SERIAL_NUMBER, data.Serial(i))]);
Measure("CKA_SUBJECT", 1, i => [A(CKA.CKA_CLASS, (ulong)CKO.CKO_CERTIFICATE), A(CKA.CKA_SUBJECT, data.Subject(i))]);
// The DER as stored (a reused database holds certificates signed in an earlier run).
var stored = picks.Distinct().ToDictionary(i => i, i => ReadCertificate(session, i));
Measure("CKA_VALUE (certificate DER)", 1, i => [A(CKA.CKA_CLASS, (ulong)CKO.CKO_CERTIFICATE), A(CKA.CKA_VALUE, stored[i])]);
Measure("CKA_LABEL that matches nothing", 0, i => [A(CKA.CKA_LABEL, $"absent-{i}")]);

var all = new List<double>();
for (int i = 0; i < 5; i++)
{
    var t0 = Stopwatch.GetTimestamp();
    long n = Count(session, [A(CKA.CKA_CLASS, (ulong)CKO.CKO_CERTIFICATE)]);
    all.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
    if (n != identities) throw new InvalidOperationException($"all certificates: {n}");
}
Console.WriteLine($"  all {identities:N0} certificates (CKA_CLASS): median {Median(all):F1} ms");

Check(p11.C_Finalize(IntPtr.Zero), "C_Finalize");
if (temporary) Directory.Delete(dir, recursive: true);
return 0;

void Measure(string name, int expected, Func<int, (CKA, object)[]> template)
{
    for (int i = 0; i < 200; i++) Count(session, template(picks[i % picks.Length]));
    var times = new List<double>(picks.Length);
    foreach (var pick in picks)
    {
        var attributes = Build(template(pick));
        try
        {
            var t0 = Stopwatch.GetTimestamp();
            long n = Find(session, attributes);
            times.Add(Stopwatch.GetElapsedTime(t0).TotalMicroseconds / 1000.0);
            if (n != expected) throw new InvalidOperationException($"{name}: found {n}, expected {expected}");
        }
        finally
        {
            Free(attributes);
        }
    }
    times.Sort();
    Console.WriteLine($"  {name,-44} {expected,5} {Median(times),6:F3} ms {Percentile(times, 0.95),6:F3} ms "
        + $"{Percentile(times, 0.99),6:F3} ms {times.Average(),6:F3} ms");
}

long Count(ulong s, (CKA, object)[] template)
{
    var attributes = Build(template);
    try
    {
        return Find(s, attributes);
    }
    finally
    {
        Free(attributes);
    }
}

long Find(ulong s, CK_ATTRIBUTE[] attributes)
{
    Check(p11.C_FindObjectsInit(s, attributes, (ulong)attributes.Length), "C_FindObjectsInit");
    var handles = new ulong[64];
    long total = 0;
    while (true)
    {
        ulong n = 0;
        Check(p11.C_FindObjects(s, handles, (ulong)handles.Length, ref n), "C_FindObjects");
        if (n == 0) break;
        total += (long)n;
    }
    Check(p11.C_FindObjectsFinal(s), "C_FindObjectsFinal");
    return total;
}

byte[] ReadCertificate(ulong s, int i)
{
    var attributes = Build([A(CKA.CKA_CLASS, (ulong)CKO.CKO_CERTIFICATE), A(CKA.CKA_LABEL, $"cert-{i}")]);
    try
    {
        Check(p11.C_FindObjectsInit(s, attributes, (ulong)attributes.Length), "C_FindObjectsInit");
        var handles = new ulong[1];
        ulong n = 0;
        Check(p11.C_FindObjects(s, handles, 1, ref n), "C_FindObjects");
        Check(p11.C_FindObjectsFinal(s), "C_FindObjectsFinal");
        if (n != 1) throw new InvalidOperationException($"cert-{i} not found");
        var value = new[] { CkaUtils.CreateAttribute(CKA.CKA_VALUE) };
        Check(p11.C_GetAttributeValue(s, handles[0], value, 1), "C_GetAttributeValue");
        value[0].value = UnmanagedMemory.Allocate((int)value[0].valueLen);
        Check(p11.C_GetAttributeValue(s, handles[0], value, 1), "C_GetAttributeValue");
        CkaUtils.ConvertValue(ref value[0], out byte[] der);
        UnmanagedMemory.Free(ref value[0].value);
        return der;
    }
    finally
    {
        Free(attributes);
    }
}

void CreateObject(ulong s, (CKA, object)[] template)
{
    var attributes = Build(template);
    try
    {
        ulong handle = 0;
        Check(p11.C_CreateObject(s, attributes, (ulong)attributes.Length, ref handle), "C_CreateObject");
    }
    finally
    {
        Free(attributes);
    }
}

ulong OpenSession()
{
    ulong s = 0;
    Check(p11.C_OpenSession(Slot, CKF.CKF_SERIAL_SESSION | CKF.CKF_RW_SESSION, IntPtr.Zero, IntPtr.Zero, ref s), "C_OpenSession");
    return s;
}

static (CKA, object) A(CKA type, object value) => (type, value);

static CK_ATTRIBUTE[] Build((CKA Type, object Value)[] template) => template.Select(a => a.Value switch
{
    bool b => CkaUtils.CreateAttribute(a.Type, b),
    ulong u => CkaUtils.CreateAttribute(a.Type, u),
    string text => CkaUtils.CreateAttribute(a.Type, text),
    byte[] bytes => CkaUtils.CreateAttribute(a.Type, bytes),
    _ => throw new ArgumentException(a.Value.GetType().Name),
}).ToArray();

static void Free(CK_ATTRIBUTE[] attributes)
{
    for (int i = 0; i < attributes.Length; i++) UnmanagedMemory.Free(ref attributes[i].value);
}

static void Check(CKR rv, string what)
{
    if (rv != CKR.CKR_OK) throw new InvalidOperationException($"{what} returned {rv}");
}

static double Median(List<double> values) => Percentile(values.Order().ToList(), 0.5);

static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];

/// <summary>The objects of each identity, made deterministically from its number.</summary>
internal sealed class Identities
{
    private static readonly byte[] P256 = Convert.FromHexString("06082A8648CE3D030107");
    private readonly ECDsa ca = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly X500DistinguishedName issuer = new("CN=Softoken Bench CA, O=Softoken");
    private readonly byte[][] certificates;
    private readonly byte[] point;
    private readonly byte[] privateValue;

    public Identities(int count)
    {
        var p = key.ExportParameters(true);
        privateValue = p.D!;
        point = [0x04, 0x41, 0x04, .. p.Q.X!, .. p.Q.Y!];
        certificates = new byte[count][];
    }

    public byte[] Issuer => issuer.RawData;

    public byte[] Id(int i) => SHA1.HashData(Encoding.ASCII.GetBytes($"identity {i}"));

    public byte[] Subject(int i) => new X500DistinguishedName($"CN=Bench identity {i}, O=Softoken").RawData;

    /// <summary>The DER INTEGER of the serial number (as CKA_SERIAL_NUMBER holds it).</summary>
    public byte[] Serial(int i) => [0x02, 0x05, 0x01, .. BitConverter.GetBytes(i).Reverse()];

    public byte[] Certificate(int i) => certificates[i] ??= MakeCertificate(i);

    private byte[] MakeCertificate(int i)
    {
        var request = new CertificateRequest($"CN=Bench identity {i}, O=Softoken", key, HashAlgorithmName.SHA256);
        var notBefore = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        using var cert = request.Create(issuer, X509SignatureGenerator.CreateForECDsa(ca), notBefore, notBefore.AddYears(2),
            Serial(i)[2..]);
        return cert.RawData;
    }

    public IEnumerable<(CKA, object)[]> Templates(int i)
    {
        var id = Id(i);
        yield return
        [
            (CKA.CKA_CLASS, (ulong)CKO.CKO_CERTIFICATE), (CKA.CKA_CERTIFICATE_TYPE, (ulong)CKC.CKC_X_509), (CKA.CKA_TOKEN, true),
            (CKA.CKA_LABEL, $"cert-{i}"), (CKA.CKA_ID, id), (CKA.CKA_VALUE, Certificate(i)),
        ];
        yield return
        [
            (CKA.CKA_CLASS, (ulong)CKO.CKO_PRIVATE_KEY), (CKA.CKA_KEY_TYPE, (ulong)CKK.CKK_EC), (CKA.CKA_TOKEN, true),
            (CKA.CKA_LABEL, $"key-{i}"), (CKA.CKA_ID, id), (CKA.CKA_EC_PARAMS, P256), (CKA.CKA_VALUE, privateValue),
        ];
        yield return
        [
            (CKA.CKA_CLASS, (ulong)CKO.CKO_PUBLIC_KEY), (CKA.CKA_KEY_TYPE, (ulong)CKK.CKK_EC), (CKA.CKA_TOKEN, true),
            (CKA.CKA_LABEL, $"pub-{i}"), (CKA.CKA_ID, id), (CKA.CKA_EC_PARAMS, P256), (CKA.CKA_EC_POINT, point),
        ];
        yield return
        [
            (CKA.CKA_CLASS, (ulong)CKO.CKO_DATA), (CKA.CKA_TOKEN, true), (CKA.CKA_LABEL, $"data-{i}"),
            (CKA.CKA_APPLICATION, "softoken bench"), (CKA.CKA_VALUE, SHA256.HashData(id)),
        ];
    }
}

/// <summary>A NUL-terminated UTF-8 string in unmanaged memory (the parameter string in pReserved).</summary>
internal sealed class Utf8String(string text) : IDisposable
{
    public IntPtr Pointer { get; } = Marshal.StringToCoTaskMemUTF8(text);

    public void Dispose() => Marshal.FreeCoTaskMem(Pointer);
}

internal sealed record Options(int Objects, int Lookups, string? Database, string Module)
{
    public static Options Parse(string[] args)
    {
        int objects = 100_000, lookups = 2_000;
        string? database = null;
        string? module = Environment.GetEnvironmentVariable("SOFTOKEN_MODULE");
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--objects": objects = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--lookups": lookups = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--db": database = Path.GetFullPath(Next()); break;
                case "--module": module = Next(); break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }
        module = string.IsNullOrEmpty(module) ? FindModule() : Path.GetFullPath(module);
        return new Options(objects, lookups, database, module);
    }

    private static string FindModule()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "out", "libsoftoken.so");
                if (File.Exists(candidate)) return candidate;
            }
        }
        throw new FileNotFoundException("out/libsoftoken.so not found: run ./build.sh publish or pass --module");
    }
}
