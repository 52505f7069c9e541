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

    /// <summary>
    /// A Zendesk token, with exactly the claims Zendesk's "Enabling JWT single sign-on" documents: <c>iat</c>, <c>jti</c>,
    /// <c>email</c>, <c>name</c> (the email when the agent has no name: Zendesk requires one) and <c>external_id</c>
    /// (the user id), HS256; the consumer's extra claims (<c>role</c>, <c>organization</c>, ...) first, so they cannot
    /// replace these. No <c>exp</c>: Zendesk takes a token within three minutes of its <c>iat</c>.
    /// </summary>
    public MintedToken MintZendesk(string consumer, TokenSubject subject, IReadOnlyDictionary<string, string>? extraClaims = null)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var plan = issuer.Consumers[consumer];
        var id = Guid.NewGuid().ToString();
        var claims = ExtraClaims(plan, subject, extraClaims);
        claims["jti"] = id;
        claims["email"] = subject.Email;
        claims["name"] = string.IsNullOrWhiteSpace(subject.Name) ? subject.Email : subject.Name;
        claims["external_id"] = subject.UserId;
        return Sign(plan, id, new SecurityTokenDescriptor { IssuedAt = time.GetUtcNow().UtcDateTime, Claims = claims });
    }

    /// <summary>
    /// A Freshworks <c>id_token</c>: <c>sub</c> (the user id), <c>email</c>, <c>iat</c>, <c>nonce</c> (as the request
    /// sent it), <c>given_name</c> and <c>family_name</c> as Freshworks' "SSO with custom JWT" documents them, RS256;
    /// with <c>iss</c>, <c>aud</c> (<paramref name="audience"/>: the client id of the configured <c>redirect_uri</c>,
    /// never one a link chose) and <c>exp</c>, which every ID token carries (OpenID Connect Core section 2), so it
    /// cannot be replayed later.
    /// </summary>
    public MintedToken MintFreshworks(string consumer, TokenSubject subject, string nonce, string? givenName, string? familyName, string audience, IReadOnlyDictionary<string, string>? extraClaims = null)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var plan = issuer.Consumers[consumer];
        var now = time.GetUtcNow().UtcDateTime;
        var id = Guid.NewGuid().ToString();
        var claims = ExtraClaims(plan, subject, extraClaims);
        claims["sub"] = subject.UserId;
        claims["email"] = subject.Email;
        claims["nonce"] = nonce;
        claims["jti"] = id;
        if (givenName is not null)
        {
            claims["given_name"] = givenName;
        }

        if (familyName is not null)
        {
            claims["family_name"] = familyName;
        }

        return Sign(plan, id, new SecurityTokenDescriptor
        {
            Issuer = issuer.Issuer,
            Audience = audience,
            IssuedAt = now,
            Expires = now + plan.Lifetime,
            Claims = claims,
        });
    }

    /// <summary>The consumer's configured claims, then the host's access policy's (as <see cref="Mint"/> adds them).</summary>
    private static Dictionary<string, object> ExtraClaims(ConsumerModel plan, TokenSubject subject, IReadOnlyDictionary<string, string>? extraClaims)
    {
        var claims = new Dictionary<string, object>(plan.Claims.Count + 6, StringComparer.Ordinal);
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

        return claims;
    }

    private MintedToken Sign(ConsumerModel plan, string id, SecurityTokenDescriptor descriptor)
    {
        descriptor.SigningCredentials = plan.Key.Credentials;
        return new MintedToken(_handler.CreateToken(descriptor), id, plan.Key.Id, plan.Key.Algorithm);
    }
}
