using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace JwtIssuer.Benchmarks.Load;

/// <summary>
/// The physical limit for the load ratios: bare signatures per second on one thread, over a token-sized signing
/// input. The harness runs it pinned to the server's core, so "/api/jwt per second ÷ signatures per second" compares
/// like with like.
/// </summary>
internal static class SignRate
{
    public static double Measure(string algorithm, TimeSpan duration)
    {
        var input = Encoding.ASCII.GetBytes(new string('e', 330));
        using var rsa = RSA.Create(2048);
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var secret = RandomNumberGenerator.GetBytes(43);
        Func<byte[]> sign = algorithm switch
        {
            "HS256" => () => HMACSHA256.HashData(secret, input),
            "RS256" => () => rsa.SignData(input, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            "ES256" => () => ecdsa.SignData(input, HashAlgorithmName.SHA256),
            _ => throw new ArgumentException($"Unknown algorithm {algorithm}; use HS256, RS256 or ES256.", nameof(algorithm)),
        };

        // Warm up (JIT, OpenSSL's first use), then count.
        for (var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency; Stopwatch.GetTimestamp() < deadline;)
        {
            sign();
        }

        long count = 0;
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < duration)
        {
            sign();
            count++;
        }

        return count / watch.Elapsed.TotalSeconds;
    }
}
