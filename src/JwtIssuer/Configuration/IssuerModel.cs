using JwtIssuer.Keys;
using JwtIssuer.Redirects;
using JwtIssuer.Tokens;

namespace JwtIssuer.Configuration;

/// <summary>
/// The <c>JwtIssuer</c> section compiled once, at start-up, by <see cref="IssuerModelBuilder"/>: keys imported, consumer
/// URLs turned into redirect rules, claim templates parsed. Immutable; every service that mints, verifies, redirects
/// or frames reads it, and nothing parses the settings again.
/// </summary>
internal sealed class IssuerModel
{
    public required string Issuer { get; init; }

    /// <summary>Consumers by name (case-insensitively, as configuration keys are).</summary>
    public required IReadOnlyDictionary<string, ConsumerModel> Consumers { get; init; }

    public required SigningKeyRing Keys { get; init; }

    /// <summary>Every consumer URL as a rule, in configuration order; no two overlap.</summary>
    public required IReadOnlyList<RedirectRule> RedirectRules { get; init; }

    /// <summary>Which claims of the host's principal hold the user's id, email and name.</summary>
    public required UserClaimOptions UserClaims { get; init; }

    /// <summary>Problems that do not stop the issuer (a key file other users can read).</summary>
    public required IReadOnlyList<string> Warnings { get; init; }

    /// <summary>
    /// The Comm100 consumers' origins (wildcards as configured), as CSP sources for framing: Comm100 frames our pages;
    /// the other products never do, and a help desk's pages (a Help Center theme) must not be able to.
    /// </summary>
    public IEnumerable<string> ConsumerOrigins => RedirectRules
        .Where(rule => !Consumers.TryGetValue(rule.Consumer, out var consumer) || consumer.Profile == ConsumerProfile.Comm100)
        .Select(rule => rule.Origin).Distinct(StringComparer.Ordinal);
}

/// <summary>One consumer, ready to mint for: audience, parsed templates, lifetime and its loaded key.</summary>
/// <param name="Name">The consumer's name, as configured.</param>
/// <param name="RedirectUrls">Its consumer URLs as configured, for display; <see cref="IssuerModel.RedirectRules"/> are what is compared.</param>
/// <param name="Audience">The <c>aud</c> claim.</param>
/// <param name="Subject">The <c>sub</c> claim's template.</param>
/// <param name="Claims">Extra claims and their templates.</param>
/// <param name="Lifetime">How long a token lives.</param>
/// <param name="Key">The key that signs its tokens.</param>
/// <param name="Profile">Which product it is: its entry point, claims and delivery.</param>
internal sealed record ConsumerModel(
    string Name,
    IReadOnlyList<string> RedirectUrls,
    string Audience,
    ClaimTemplate Subject,
    IReadOnlyList<KeyValuePair<string, ClaimTemplate>> Claims,
    TimeSpan Lifetime,
    SigningKey Key,
    ConsumerProfile Profile = ConsumerProfile.Comm100);
