using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace JwtIssuer.Tests.Infrastructure;

/// <summary>Verifies tokens the way a consumer would: signature, issuer, audience and lifetime against a given time.</summary>
public static class TokenAssert
{
    public static SecurityKey Hs256Key => new SymmetricSecurityKey(Encoding.UTF8.GetBytes(TestKeys.HsSecret));

    public static SecurityKey Rs256PublicKey => new RsaSecurityKey(TestKeys.Rsa.ExportParameters(includePrivateParameters: false));

    public static SecurityKey Es256PublicKey => new ECDsaSecurityKey(System.Security.Cryptography.ECDsa.Create(TestKeys.Ecdsa.ExportParameters(includePrivateParameters: false)));

    public static async Task<TokenValidationResult> ValidateAsync(string token, SecurityKey key, string audience, DateTimeOffset now)
    {
        var parameters = new TokenValidationParameters
        {
            ValidIssuer = JwtIssuerApplication.Issuer,
            ValidAudience = audience,
            IssuerSigningKey = key,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256, SecurityAlgorithms.RsaSha256, SecurityAlgorithms.EcdsaSha256],
            ClockSkew = TimeSpan.Zero,
            LifetimeValidator = (notBefore, expires, _, _) => notBefore <= now.UtcDateTime && now.UtcDateTime < expires,
        };
        return await new JsonWebTokenHandler().ValidateTokenAsync(token, parameters);
    }

    public static async Task<JsonWebToken> VerifiedAsync(string token, SecurityKey key, string audience, DateTimeOffset now)
    {
        var result = await ValidateAsync(token, key, audience, now);
        Assert.True(result.IsValid, result.Exception?.Message);
        return (JsonWebToken)result.SecurityToken;
    }

    /// <summary>The <c>jwt</c> query parameter of a redirect to a consumer.</summary>
    public static string TokenFrom(Uri location)
    {
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(location.Query);
        Assert.True(query.TryGetValue("jwt", out var jwt), $"no jwt in {location}");
        return Assert.Single(jwt)!;
    }
}
