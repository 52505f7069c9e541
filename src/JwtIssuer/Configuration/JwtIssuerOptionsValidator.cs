using JwtIssuer.Keys;
using JwtIssuer.Redirects;
using JwtIssuer.Tokens;
using Microsoft.Extensions.Options;

namespace JwtIssuer.Configuration;

/// <summary>
/// Checks the whole <c>JwtIssuer</c> section at start-up, so a bad setting stops the service with a message
/// that names it instead of surfacing as a failed sign-in. Every problem is reported, not just the first.
/// Key material is checked where it is imported, once: <see cref="SigningKeyRing"/>.
/// </summary>
internal sealed class JwtIssuerOptionsValidator : IValidateOptions<JwtIssuerOptions>
{
    private const string Section = JwtIssuerOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, JwtIssuerOptions options)
    {
        var errors = new List<string>();

        if (string.IsNullOrWhiteSpace(options.Issuer))
        {
            errors.Add($"{Section}:Issuer is missing. Set it to this service's public URL, for example https://sso.example.com; it becomes the tokens' iss claim.");
        }

        if (options.SigningKeys.Count == 0)
        {
            errors.Add($"{Section}:SigningKeys is empty. Configure at least one key (HS256 Secret, or an RS256/ES256 PrivateKeyFile); see appsettings.example.json.");
        }

        if (options.Consumers.Count == 0)
        {
            errors.Add($"{Section}:Consumers is empty. Configure at least one consumer with RedirectUrls and SigningKey; see appsettings.example.json.");
        }

        var rules = new List<RedirectRule>();
        foreach (var (consumerName, consumer) in options.Consumers)
        {
            ValidateConsumer(consumerName, consumer, options, errors, rules);
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void ValidateConsumer(string name, ConsumerOptions consumer, JwtIssuerOptions options, List<string> errors, List<RedirectRule> rules)
    {
        var setting = $"{Section}:Consumers:{name}";

        if (consumer.RedirectUrls.Count == 0)
        {
            errors.Add($"{setting}:RedirectUrls is empty. Add the consumer URL, for example https://dash11.comm100.io/api/agentSSO/jwt/Consumer.");
        }

        for (var i = 0; i < consumer.RedirectUrls.Count; i++)
        {
            var rule = RedirectRule.TryParse(name, consumer.RedirectUrls[i], out var error);
            if (rule is null)
            {
                errors.Add($"{setting}:RedirectUrls:{i} '{consumer.RedirectUrls[i]}' {error}.");
            }
            else if (rules.FirstOrDefault(other => other.Consumer != name && other.Overlaps(rule)) is { } owner)
            {
                // Otherwise whichever rule came first would decide the audience and key of the token.
                errors.Add($"{setting}:RedirectUrls:{i} '{consumer.RedirectUrls[i]}' overlaps a URL of consumer '{owner.Consumer}'; a URL may belong to one consumer only.");
            }
            else
            {
                rules.Add(rule);
            }
        }

        if (string.IsNullOrWhiteSpace(consumer.Audience))
        {
            errors.Add($"{setting}:Audience is empty. Comm100 expects \"Comm100\".");
        }

        ValidateTemplate($"{setting}:Subject", consumer.Subject, errors);
        foreach (var (claim, template) in consumer.Claims)
        {
            if (TokenMinter.ReservedClaims.Contains(claim, StringComparer.Ordinal))
            {
                errors.Add($"{setting}:Claims:{claim} would overwrite a claim the issuer sets itself ({string.Join(", ", TokenMinter.ReservedClaims)}); remove it or use Subject for sub.");
            }

            ValidateTemplate($"{setting}:Claims:{claim}", template, errors);
        }

        if (consumer.TokenLifetime is { } lifetime && (lifetime <= TimeSpan.Zero || lifetime > ConsumerOptions.MaxTokenLifetime))
        {
            errors.Add($"{setting}:TokenLifetime {lifetime} is out of range. Use a value above 00:00:00 and at most {ConsumerOptions.MaxTokenLifetime} (default {ConsumerOptions.DefaultTokenLifetime}).");
        }

        if (string.IsNullOrWhiteSpace(consumer.SigningKey))
        {
            errors.Add($"{setting}:SigningKey is missing. Set it to a key id under {Section}:SigningKeys.");
        }
        else if (!options.SigningKeys.ContainsKey(consumer.SigningKey))
        {
            var known = options.SigningKeys.Count == 0 ? "none are configured" : "known: " + string.Join(", ", options.SigningKeys.Keys);
            errors.Add($"{setting}:SigningKey '{consumer.SigningKey}' is not a key under {Section}:SigningKeys ({known}).");
        }
    }

    private static void ValidateTemplate(string setting, string? template, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(template))
        {
            errors.Add($"{setting} is empty.");
        }
        else if (ClaimTemplate.TryParse(template, out var error) is null)
        {
            errors.Add($"{setting} {error}.");
        }
    }
}
