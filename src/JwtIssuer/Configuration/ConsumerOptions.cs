namespace JwtIssuer.Configuration;

/// <summary>One relying party (for example Comm100) that receives tokens at its consumer URLs.</summary>
public sealed class ConsumerOptions
{
    /// <summary>The lifetime a token gets when <see cref="TokenLifetime"/> is not set.</summary>
    public static readonly TimeSpan DefaultTokenLifetime = TimeSpan.FromMinutes(5);

    /// <summary>The longest lifetime a token may be configured to have.</summary>
    public static readonly TimeSpan MaxTokenLifetime = TimeSpan.FromHours(1);

    /// <summary>
    /// Which product this is, a <see cref="ConsumerProfile"/> name: <c>Comm100</c> (the default), <c>Zendesk</c> or
    /// <c>Freshworks</c>; its entry point, claims and delivery. Text, so a misspelt one is reported with the choices.
    /// </summary>
    public string? Profile { get; set; }

    /// <summary>
    /// The consumer URLs (scheme, host, port and path; no query) a token may go to: Comm100's <c>redirect_url</c>,
    /// Zendesk's <c>/access/jwt</c>, Freshworks' <c>redirect_uri</c>.
    /// </summary>
    public List<string> RedirectUrls { get; } = [];

    /// <summary>The <c>aud</c> claim (Comm100; Freshworks when the request names no <c>client_id</c>).</summary>
    public string Audience { get; set; } = "Comm100";

    /// <summary>The <c>sub</c> claim of Comm100 tokens: a literal, or a template such as <c>{userId}</c> or <c>{email}</c>.</summary>
    public string Subject { get; set; } = "comm100";

    /// <summary>Extra claims; values may use the templates <c>{userId}</c>, <c>{email}</c> and <c>{name}</c>.</summary>
    public Dictionary<string, string> Claims { get; } = new(StringComparer.Ordinal);

    /// <summary>How long a token is valid; at most one hour.</summary>
    public TimeSpan? TokenLifetime { get; set; }

    /// <summary>The id of the entry under <c>JwtIssuer:SigningKeys</c> that signs this consumer's tokens.</summary>
    public string? SigningKey { get; set; }
}
