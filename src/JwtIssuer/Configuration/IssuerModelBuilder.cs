using JwtIssuer.Keys;
using JwtIssuer.Redirects;
using JwtIssuer.Tokens;
using Microsoft.IdentityModel.Tokens;

namespace JwtIssuer.Configuration;

/// <summary>
/// Compiles the <c>JwtIssuer</c> section into an <see cref="IssuerModel"/> in one pass that collects every problem,
/// each naming the setting and the fix, so a bad configuration stops start-up with all of them at once instead of
/// surfacing as failed sign-ins. Keys are imported here, once; a key that cannot be imported is one more problem.
/// </summary>
internal static class IssuerModelBuilder
{
    private const string Section = JwtIssuerOptions.SectionName;

    /// <summary>The model, or null with the problems (never empty then); warnings either way.</summary>
    public static IssuerModel? Build(JwtIssuerOptions options, string contentRoot, out IReadOnlyList<string> errors, out IReadOnlyList<string> warnings)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        var notes = new List<string>();
        warnings = notes;
        errors = problems;

        if (string.IsNullOrWhiteSpace(options.Issuer))
        {
            problems.Add($"{Section}:Issuer is missing. Set it to this service's public URL, for example https://sso.example.com; it becomes the tokens' iss claim.");
        }

        if (options.SigningKeys.Count == 0)
        {
            problems.Add($"{Section}:SigningKeys is empty. Configure at least one key (HS256 Secret, or an RS256/ES256 PrivateKeyFile); see appsettings.example.json.");
        }

        if (options.Consumers.Count == 0)
        {
            problems.Add($"{Section}:Consumers is empty. Configure at least one consumer with RedirectUrls and SigningKey; see appsettings.example.json.");
        }

        var keys = new List<SigningKey>();
        foreach (var (id, key) in options.SigningKeys)
        {
            if (SigningKeyLoader.TryLoad(id, key, contentRoot, notes, out var error) is { } credentials)
            {
                keys.Add(new SigningKey(id, key.Algorithm!, credentials, SourceOf(id, key, contentRoot)));
            }
            else
            {
                problems.Add(error!);
            }
        }

        var ring = new SigningKeyRing(keys);
        var rules = new List<RedirectRule>();
        var consumers = new Dictionary<string, ConsumerModel>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, consumer) in options.Consumers)
        {
            if (Consumer(name, consumer, options, ring, rules, problems) is { } model)
            {
                consumers.Add(name, model);
            }
        }

        SharedKeys(consumers.Values, problems);
        if (problems.Count > 0)
        {
            return null;
        }

        return new IssuerModel
        {
            Issuer = options.Issuer!,
            Consumers = consumers,
            Keys = ring,
            RedirectRules = rules,
            UserClaims = options.UserClaims,
            Warnings = notes,
        };
    }

    private static ConsumerModel? Consumer(string name, ConsumerOptions consumer, JwtIssuerOptions options, SigningKeyRing keys, List<RedirectRule> rules, List<string> problems)
    {
        var setting = $"{Section}:Consumers:{name}";
        var before = problems.Count;

        if (consumer.RedirectUrls.Count == 0)
        {
            problems.Add($"{setting}:RedirectUrls is empty. Add the consumer URL, for example https://dash11.comm100.io/api/agentSSO/jwt/Consumer.");
        }

        for (var i = 0; i < consumer.RedirectUrls.Count; i++)
        {
            var rule = RedirectRule.TryParse(name, consumer.RedirectUrls[i], out var error);
            if (rule is null)
            {
                problems.Add($"{setting}:RedirectUrls:{i} '{consumer.RedirectUrls[i]}' {error}.");
            }
            else if (rules.FirstOrDefault(other => other.Consumer != name && other.Overlaps(rule)) is { } owner)
            {
                // Otherwise whichever rule came first would decide the audience and key of the token.
                problems.Add($"{setting}:RedirectUrls:{i} '{consumer.RedirectUrls[i]}' overlaps a URL of consumer '{owner.Consumer}'; a URL may belong to one consumer only.");
            }
            else
            {
                rules.Add(rule);
            }
        }

        if (string.IsNullOrWhiteSpace(consumer.Audience))
        {
            problems.Add($"{setting}:Audience is empty. Comm100 expects \"Comm100\".");
        }

        var subject = Template($"{setting}:Subject", consumer.Subject, problems);
        var claims = new List<KeyValuePair<string, ClaimTemplate>>();
        foreach (var (claim, value) in consumer.Claims)
        {
            if (TokenMinter.ReservedClaims.Contains(claim, StringComparer.Ordinal))
            {
                problems.Add($"{setting}:Claims:{claim} would overwrite a claim the issuer sets itself ({string.Join(", ", TokenMinter.ReservedClaims)}); remove it or use Subject for sub.");
            }
            else if (Template($"{setting}:Claims:{claim}", value, problems) is { } template)
            {
                claims.Add(KeyValuePair.Create(claim, template));
            }
        }

        if (consumer.TokenLifetime is { } lifetime && (lifetime <= TimeSpan.Zero || lifetime > ConsumerOptions.MaxTokenLifetime))
        {
            problems.Add($"{setting}:TokenLifetime {lifetime} is out of range. Use a value above 00:00:00 and at most {ConsumerOptions.MaxTokenLifetime} (default {ConsumerOptions.DefaultTokenLifetime}).");
        }

        SigningKey? key = null;
        if (string.IsNullOrWhiteSpace(consumer.SigningKey))
        {
            problems.Add($"{setting}:SigningKey is missing. Set it to a key id under {Section}:SigningKeys.");
        }
        else if (!options.SigningKeys.ContainsKey(consumer.SigningKey))
        {
            var known = options.SigningKeys.Count == 0 ? "none are configured" : "known: " + string.Join(", ", options.SigningKeys.Keys);
            problems.Add($"{setting}:SigningKey '{consumer.SigningKey}' is not a key under {Section}:SigningKeys ({known}).");
        }
        else
        {
            // A key that failed to load is reported once, under its own setting.
            keys.TryGet(consumer.SigningKey, out key);
        }

        var profile = ConsumerProfile.Comm100;
        if (!string.IsNullOrWhiteSpace(consumer.Profile)
            && !(Enum.TryParse(consumer.Profile.Trim(), ignoreCase: true, out profile) && Enum.IsDefined(profile) && !consumer.Profile.Trim().All(char.IsAsciiDigit)))
        {
            problems.Add($"{setting}:Profile '{consumer.Profile}' is not a product this service knows. Use {string.Join(", ", Enum.GetNames<ConsumerProfile>())} (default Comm100).");
        }

        // What each product verifies with: Zendesk an HS256 shared secret only ("Zendesk does not support the RS256 and
        // ES256 JWT algorithms"); Freshworks the RSA public key pasted into its policy.
        var required = profile switch
        {
            ConsumerProfile.Zendesk => SigningAlgorithms.HS256,
            ConsumerProfile.Freshworks => SigningAlgorithms.RS256,
            _ => null,
        };
        if (key is not null && required is not null && key.Algorithm != required)
        {
            problems.Add($"{setting}:SigningKey '{key.Id}' is {key.Algorithm}, but {profile} takes {required} only; give this consumer an {required} key.");
        }

        // Another product's URLs are exact: its token goes to one known place, never to a family of hosts.
        if (profile != ConsumerProfile.Comm100)
        {
            if (rules.Any(rule => rule.Consumer == name && rule.Wildcard))
            {
                problems.Add($"{setting}:RedirectUrls may not use a wildcard host for {profile}: list the exact URL.");
            }

            if (profile == ConsumerProfile.Zendesk && consumer.RedirectUrls.Count > 1)
            {
                problems.Add($"{setting}:RedirectUrls lists {consumer.RedirectUrls.Count} URLs; Zendesk takes one, https://<subdomain>.zendesk.com/access/jwt.");
            }
        }

        return problems.Count > before || key is null
            ? null
            : new ConsumerModel(name, [.. consumer.RedirectUrls], consumer.Audience, subject!, claims, consumer.TokenLifetime ?? ConsumerOptions.DefaultTokenLifetime, key, profile);
    }

    /// <summary>
    /// A key that signs for a Zendesk or Freshworks consumer signs for nobody else, by id or by material: tokens of one
    /// product (which an agent sees in their own address bar) would otherwise be good at another.
    /// </summary>
    private static void SharedKeys(IEnumerable<ConsumerModel> consumers, List<string> problems)
    {
        var all = consumers.ToList();
        foreach (var consumer in all.Where(c => c.Profile != ConsumerProfile.Comm100))
        {
            foreach (var other in all.Where(o => !ReferenceEquals(o, consumer) && SameKey(o.Key, consumer.Key)))
            {
                if (string.CompareOrdinal(consumer.Name, other.Name) < 0 || other.Profile == ConsumerProfile.Comm100)
                {
                    problems.Add($"{Section}:Consumers:{consumer.Name}:SigningKey signs for consumer '{other.Name}' too; a {consumer.Profile} consumer needs a key of its own, or one product's tokens would be good at the other.");
                }
            }
        }
    }

    private static bool SameKey(SigningKey a, SigningKey b) =>
        a.Id == b.Id
        || (a.PublicKeyFingerprint is not null && a.PublicKeyFingerprint == b.PublicKeyFingerprint)
        || (a.Credentials.Key is SymmetricSecurityKey x && b.Credentials.Key is SymmetricSecurityKey y && System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(x.Key, y.Key));

    /// <summary>Where a loaded key's material is kept, for whoever must find it (never the material itself).</summary>
    private static string SourceOf(string id, SigningKeyOptions key, string contentRoot)
    {
        var setting = $"{Section}:SigningKeys:{id}";
        return key switch
        {
            { SecretFile: { Length: > 0 } file } => $"the file {Path.GetFullPath(file, contentRoot)} ({setting}:SecretFile)",
            { Secret: { Length: > 0 } } => $"the setting {setting}:Secret",
            { PrivateKeyFile: { Length: > 0 } file } => $"the file {Path.GetFullPath(file, contentRoot)} ({setting}:PrivateKeyFile)",
            _ => $"the setting {setting}:PrivateKeyPem",
        };
    }

    private static ClaimTemplate? Template(string setting, string? template, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(template))
        {
            problems.Add($"{setting} is empty.");
            return null;
        }

        var parsed = ClaimTemplate.TryParse(template, out var error);
        if (parsed is null)
        {
            problems.Add($"{setting} {error}.");
        }

        return parsed;
    }
}
