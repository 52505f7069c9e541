using JwtIssuer.Configuration;
using JwtIssuer.Keys;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace JwtIssuer.Tokens;

/// <summary>Mints the short-lived JWT a consumer exchanges for a session. Everything per consumer is prepared once.</summary>
public sealed class TokenMinter
{
    /// <summary>How far <c>nbf</c> lies before <c>iat</c>, so a consumer whose clock runs a little behind still accepts the token.</summary>
    public static readonly TimeSpan NotBeforeSkew = TimeSpan.FromSeconds(30);

    /// <summary>Claims the minter sets itself; configuration may not override them.</summary>
    internal static readonly string[] ReservedClaims = ["iss", "aud", "sub", "email", "jti", "iat", "nbf", "exp"];

    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly Dictionary<string, ConsumerPlan> _plans = new(StringComparer.OrdinalIgnoreCase);
    private readonly string _issuer;
    private readonly TimeProvider _time;

    /// <summary>Prepares every consumer from validated options and the loaded keys.</summary>
    public TokenMinter(IOptions<JwtIssuerOptions> options, SigningKeyRing keys, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(keys);
        _issuer = options.Value.Issuer!;
        _time = time;
        foreach (var (name, consumer) in options.Value.Consumers)
        {
            _plans.Add(name, new ConsumerPlan(
                consumer.Audience,
                Parse(consumer.Subject),
                [.. consumer.Claims.Select(claim => KeyValuePair.Create(claim.Key, Parse(claim.Value)))],
                consumer.TokenLifetime ?? ConsumerOptions.DefaultTokenLifetime,
                keys[consumer.SigningKey!]));
        }
    }

    /// <summary>Mints a token for the named consumer, with the host's <paramref name="extraClaims"/> (if any) added.</summary>
    public MintedToken Mint(string consumer, TokenSubject subject, IReadOnlyDictionary<string, string>? extraClaims = null)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var plan = _plans[consumer];
        var now = _time.GetUtcNow().UtcDateTime;
        var id = Guid.NewGuid().ToString();

        var claims = new Dictionary<string, object>(plan.Claims.Length + (extraClaims?.Count ?? 0) + 3, StringComparer.Ordinal)
        {
            ["sub"] = plan.Subject.Render(subject),
            ["email"] = subject.Email,
            ["jti"] = id,
        };
        foreach (var (type, template) in plan.Claims)
        {
            claims[type] = template.Render(subject);
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
            Issuer = _issuer,
            Audience = plan.Audience,
            IssuedAt = now,
            NotBefore = now - NotBeforeSkew,
            Expires = now + plan.Lifetime,
            Claims = claims,
            SigningCredentials = plan.Key.Credentials,
        });
        return new MintedToken(token, id, plan.Key.Id, plan.Key.Algorithm);
    }

    private static ClaimTemplate Parse(string template) =>
        ClaimTemplate.TryParse(template, out var error) ?? throw new OptionsValidationException(JwtIssuerOptions.SectionName, typeof(JwtIssuerOptions), [error!]);

    private sealed record ConsumerPlan(
        string Audience,
        ClaimTemplate Subject,
        KeyValuePair<string, ClaimTemplate>[] Claims,
        TimeSpan Lifetime,
        SigningKey Key);
}
