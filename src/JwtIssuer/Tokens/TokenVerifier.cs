using System.Buffers.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using JwtIssuer.Configuration;
using JwtIssuer.Keys;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace JwtIssuer.Tokens;

/// <summary>
/// Checks a token as a consumer would, with the configured keys, and says exactly what is wrong: the answer
/// to "Comm100 says invalid token". Used by <c>jwt-issuer token verify</c> and the Development stand-in consumer.
/// </summary>
internal sealed class TokenVerifier(IssuerModel issuer, TimeProvider time)
{
    /// <summary>How far the clocks of issuer and consumer may disagree.</summary>
    public static readonly TimeSpan ClockTolerance = TimeSpan.FromSeconds(60);

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
    private readonly JsonWebTokenHandler _handler = new();

    /// <summary>Verifies <paramref name="token"/> against <paramref name="consumerName"/>'s key, or the consumer its <c>kid</c> points to.</summary>
    public async Task<TokenVerification> VerifyAsync(string token, string? consumerName = null)
    {
        token = token.Trim();
        if (token.Count(c => c == '.') != 2)
        {
            return new TokenVerification(false, "not a signed JWT: expected three base64url parts, header.payload.signature", null, null, null);
        }

        JsonWebToken jwt;
        string header, payload;
        try
        {
            jwt = new JsonWebToken(token);
            header = Pretty(jwt.EncodedHeader);
            payload = Pretty(jwt.EncodedPayload);
        }
        catch (Exception ex) when (ex is ArgumentException or SecurityTokenException or JsonException or FormatException)
        {
            return new TokenVerification(false, "not a valid JWT: its header or payload is not a base64url JSON object with well-formed claims", null, null, null);
        }

        TokenVerification Invalid(string reason, string? consumer = null) => new(false, reason, consumer, header, payload);

        if (string.IsNullOrEmpty(jwt.Alg) || jwt.Alg.Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            return Invalid("alg 'none': an unsigned token is never accepted");
        }

        // We never set 'crit'; an extension a consumer may not understand (such as b64:false) is refused.
        if (jwt.TryGetHeaderValue<object>("crit", out _))
        {
            return Invalid("the header has 'crit' extensions, which this issuer never sets");
        }

        var keys = issuer.Keys;
        var kid = string.IsNullOrEmpty(jwt.Kid) ? null : jwt.Kid;
        // Exact match: consumers that fetch /.well-known/jwks.json compare kid exactly, so we do too.
        if (kid is not null && !(keys.TryGet(kid, out var named) && string.Equals(named.Id, kid, StringComparison.Ordinal)))
        {
            return Invalid($"unknown kid {Show(kid)}: no such key is configured (configured: {string.Join(", ", keys.Keys.Select(key => key.Id))})");
        }

        string name;
        if (consumerName is not null)
        {
            if (!issuer.Consumers.TryGetValue(consumerName, out var chosen))
            {
                return Invalid($"unknown consumer {Show(consumerName)} (configured: {string.Join(", ", issuer.Consumers.Keys)})");
            }

            name = chosen.Name;
        }
        else if (ChooseConsumer(issuer, kid, jwt) is { } chosen)
        {
            name = chosen;
        }
        else
        {
            return Invalid(kid is null
                ? "the header has no kid; name the consumer with --consumer"
                : $"no consumer signs with key {Show(kid)}; name the consumer with --consumer");
        }

        var consumer = issuer.Consumers[name];
        var key = consumer.Key;
        if (kid is not null && !string.Equals(kid, key.Id, StringComparison.OrdinalIgnoreCase))
        {
            return Invalid($"signed with key {Show(kid)}, but consumer '{name}' signs with key '{key.Id}' (a key rotation half done?)", name);
        }

        if (!string.Equals(jwt.Alg, key.Algorithm, StringComparison.Ordinal))
        {
            return Invalid($"alg {Show(jwt.Alg)} does not match key '{key.Id}', which is {key.Algorithm}", name);
        }

        // One token, one audience: a list lets a token minted for one consumer be replayed at another.
        if (jwt.Audiences.Count() != 1)
        {
            return Invalid($"the token names {jwt.Audiences.Count()} audiences; a token from this issuer names exactly one", name);
        }

        var result = await _handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = issuer.Issuer,
            ValidAudience = consumer.Audience,
            IssuerSigningKey = key.Credentials.Key,
            ValidAlgorithms = [key.Algorithm],
            // Lifetime is checked below against the injected clock, with a reason that says by how much.
            ValidateLifetime = false,
        });
        if (!result.IsValid)
        {
            return Invalid(Explain(result.Exception, jwt, key, name, consumer, issuer), name);
        }

        if (CheckLifetime(jwt) is { } problem)
        {
            return Invalid(problem, name);
        }

        var left = jwt.ValidTo - time.GetUtcNow().UtcDateTime;
        var lifetime = left > TimeSpan.Zero
            ? $"expires in {Describe(left)}"
            : $"expired {Describe(left)} ago, within the {ClockTolerance.TotalSeconds:0} s clock tolerance";
        return new TokenVerification(true, $"valid: signed by key '{key.Id}' ({key.Algorithm}) for consumer '{name}', {lifetime}", name, header, payload);
    }

    private static string? ChooseConsumer(IssuerModel issuer, string? kid, JsonWebToken jwt)
    {
        if (kid is null)
        {
            return null;
        }

        // Several consumers may share a key; the token's audience then tells them apart.
        var candidates = issuer.Consumers.Where(consumer => string.Equals(consumer.Value.Key.Id, kid, StringComparison.OrdinalIgnoreCase)).ToList();
        return candidates.FirstOrDefault(consumer => jwt.Audiences.Contains(consumer.Value.Audience, StringComparer.Ordinal)).Key
            ?? candidates.FirstOrDefault().Key;
    }

    private string? CheckLifetime(JsonWebToken jwt)
    {
        if (!jwt.TryGetPayloadValue<long>("exp", out _))
        {
            return "no exp claim: the token never expires, which no consumer should accept";
        }

        var now = time.GetUtcNow().UtcDateTime;
        if (now - jwt.ValidTo > ClockTolerance)
        {
            return $"expired {Describe(now - jwt.ValidTo)} ago (exp {jwt.ValidTo:u}, now {now:u}, tolerance {ClockTolerance.TotalSeconds:0} s)";
        }

        if (jwt.TryGetPayloadValue<long>("nbf", out _) && jwt.ValidFrom - now > ClockTolerance)
        {
            return $"not valid for another {Describe(jwt.ValidFrom - now)} (nbf {jwt.ValidFrom:u}): is a clock wrong?";
        }

        return null;
    }

    private static string Explain(Exception? exception, JsonWebToken jwt, SigningKey key, string name, ConsumerModel consumer, IssuerModel issuer) => exception switch
    {
        SecurityTokenInvalidSignatureException or SecurityTokenSignatureKeyNotFoundException =>
            $"bad signature: not signed by key '{key.Id}', or altered after signing",
        SecurityTokenInvalidAudienceException =>
            $"wrong audience {Show(string.Join(", ", jwt.Audiences))}: consumer '{name}' expects '{consumer.Audience}'",
        SecurityTokenInvalidIssuerException =>
            $"wrong issuer {Show(jwt.Issuer)}: this service is '{issuer.Issuer}'",
        null => "invalid",
        _ => exception.Message,
    };

    /// <summary>A value from the token, quoted, shortened and with control characters escaped: it reaches a terminal.</summary>
    private static string Show(string? value)
    {
        var text = value ?? string.Empty;
        text = text.Length > 100 ? text[..100] + "..." : text;
        return $"'{string.Concat(text.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()))}'";
    }

    private static string Pretty(string base64Url) =>
        JsonNode.Parse(Base64Url.DecodeFromChars(base64Url))?.ToJsonString(Indented) ?? "null";

    /// <summary>"4m 12s", "2h 5m", "3d 1h": precise enough to tell clock skew from a stale token.</summary>
    internal static string Describe(TimeSpan span)
    {
        span = span.Duration();
        return span.TotalDays >= 1 ? $"{(int)span.TotalDays}d {span.Hours}h"
            : span.TotalHours >= 1 ? $"{(int)span.TotalHours}h {span.Minutes}m"
            : span.TotalMinutes >= 1 ? $"{(int)span.TotalMinutes}m {span.Seconds}s"
            : $"{(int)span.TotalSeconds}s";
    }
}
