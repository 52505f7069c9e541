using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace JwtIssuer.BrowserTests.Infrastructure;

/// <summary>
/// TEST CERTIFICATE ONLY: made fresh in every run for the three loopback sites of these tests, so cookies are
/// Secure and the issuer runs in Production exactly as deployed. Chromium is told to accept it.
/// </summary>
public static class TestCertificate
{
    public static readonly X509Certificate2 Instance = Create();

    private static X509Certificate2 Create()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=JwtIssuer browser tests", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Parse("127.0.0.1"));
        names.AddIpAddress(IPAddress.Parse("127.0.0.2"));
        names.AddIpAddress(IPAddress.Parse("127.0.0.3"));
        request.CertificateExtensions.Add(names.Build());
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }
}
