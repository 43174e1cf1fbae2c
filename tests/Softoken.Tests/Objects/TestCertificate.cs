using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Softoken.Tests.Objects;

/// <summary>A self-signed certificate made once per test run.</summary>
internal static class TestCertificate
{
    public static byte[] Der { get; } = Make();

    private static byte[] Make()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Softoken Test, O=Softoken", key, HashAlgorithmName.SHA256);
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return cert.RawData;
    }
}
