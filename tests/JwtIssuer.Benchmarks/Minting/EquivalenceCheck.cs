using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace JwtIssuer.Benchmarks.Minting;

/// <summary>Stops a benchmark run whose contenders do not make the same token: a fast wrong token proves nothing.</summary>
internal static class EquivalenceCheck
{
    private static readonly string[] CommonClaims = ["aud", "email", "exp", "iat", "iss", "jti", "nbf", "sub"];

    public static void Require(string algorithm, BenchmarkKeys keys, (string Name, string Token)[] tokens, string issuer, string audience)
    {
        var parameters = new TokenValidationParameters
        {
            ValidIssuer = issuer,
            ValidAudience = audience,
            ValidAlgorithms = [algorithm],
            IssuerSigningKey = PublicKey(algorithm, keys),
        };
        var handler = new JsonWebTokenHandler();
        foreach (var (name, token) in tokens)
        {
            var result = handler.ValidateTokenAsync(token, parameters).GetAwaiter().GetResult();
            if (!result.IsValid)
            {
                throw new InvalidOperationException($"{algorithm} {name}: the token does not verify: {result.Exception?.Message}");
            }

            var claims = new JsonWebToken(token).Claims.Select(claim => claim.Type).Distinct().Order(StringComparer.Ordinal).ToArray();
            if (!claims.SequenceEqual(CommonClaims))
            {
                throw new InvalidOperationException($"{algorithm} {name}: claims are [{string.Join(", ", claims)}], expected [{string.Join(", ", CommonClaims)}].");
            }
        }
    }

    private static SecurityKey PublicKey(string algorithm, BenchmarkKeys keys)
    {
        switch (algorithm)
        {
            case "HS256":
                return new SymmetricSecurityKey(Encoding.UTF8.GetBytes(keys.HsSecret));
            case "RS256":
                var rsa = RSA.Create();
                rsa.ImportFromPem(keys.RsaPem);
                return new RsaSecurityKey(rsa.ExportParameters(false));
            default:
                var ecdsa = ECDsa.Create();
                ecdsa.ImportFromPem(keys.EcPem);
                return new ECDsaSecurityKey(ECDsa.Create(ecdsa.ExportParameters(false)));
        }
    }
}
