using System.Buffers.Text;
using System.Security.Cryptography;

namespace JwtIssuer.Benchmarks.Minting;

/// <summary>BENCHMARK KEYS ONLY: generated fresh in every run, never written anywhere, never used for anything else.</summary>
internal sealed class BenchmarkKeys
{
    public string HsSecret { get; } = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public string RsaPem { get; } = ExportAndDispose(RSA.Create(2048));

    public string EcPem { get; } = ExportAndDispose(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    public string PemFor(string algorithm) => algorithm == "RS256" ? RsaPem : EcPem;

    private static string ExportAndDispose(AsymmetricAlgorithm key)
    {
        using (key)
        {
            return key.ExportPkcs8PrivateKeyPem();
        }
    }
}
