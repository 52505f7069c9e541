using JwtIssuer.Configuration;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace JwtIssuer.Tokens;

/// <summary>Mints the short-lived JWT a consumer exchanges for a session, from the consumers compiled at start-up.</summary>
internal sealed class TokenMinter(IssuerModel issuer, TimeProvider time)
{
    /// <summary>How far <c>nbf</c> lies before <c>iat</c>, so a consumer whose clock runs a little behind still accepts the token.</summary>
    public static readonly TimeSpan NotBeforeSkew = TimeSpan.FromSeconds(30);

    /// <summary>Claims the minter sets itself; configuration may not override them.</summary>
    internal static readonly string[] ReservedClaims = ["iss", "aud", "sub", "email", "jti", "iat", "nbf", "exp"];

    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    /// <summary>Mints a token for the named consumer, with the host's <paramref name="extraClaims"/> (if any) added.</summary>
    public MintedToken Mint(string consumer, TokenSubject subject, IReadOnlyDictionary<string, string>? extraClaims = null)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var plan = issuer.Consumers[consumer];
        var now = time.GetUtcNow().UtcDateTime;
        var id = Guid.NewGuid().ToString();

        var claims = new Dictionary<string, object>(plan.Claims.Count + (extraClaims?.Count ?? 0) + 3, StringComparer.Ordinal)
        {
            ["sub"] = plan.Subject.Render(subject),
            ["email"] = subject.Email,
            ["jti"] = id,
        };
        for (var i = 0; i < plan.Claims.Count; i++)
        {
            claims[plan.Claims[i].Key] = plan.Claims[i].Value.Render(subject);
        }

        if (extraClaims is not null)
        {
            foreach (var (type, value) in extraClaims)
            {
                claims[type] = value;
            }
        }

        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer.Issuer,
            Audience = plan.Audience,
            IssuedAt = now,
            NotBefore = now - NotBeforeSkew,
            Expires = now + plan.Lifetime,
            Claims = claims,
            SigningCredentials = plan.Key.Credentials,
        });
        return new MintedToken(token, id, plan.Key.Id, plan.Key.Algorithm);
    }
}
