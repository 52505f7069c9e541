namespace JwtIssuer.Configuration;

/// <summary>The <c>JwtIssuer</c> configuration section: who we are, who may receive tokens, and the keys that sign them.</summary>
public sealed class JwtIssuerOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "JwtIssuer";

    /// <summary>The <c>iss</c> claim of every token: this service's public URL.</summary>
    public string? Issuer { get; set; }

    /// <summary>Consumers by name. A consumer is chosen by matching <c>redirect_url</c> against its <c>RedirectUrls</c>.</summary>
    public Dictionary<string, ConsumerOptions> Consumers { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Which claims of the signed-in principal hold the user's id, email and name.</summary>
    public UserClaimOptions UserClaims { get; set; } = new();

    /// <summary>Signing keys by key id; the id becomes the token header's <c>kid</c>.</summary>
    public Dictionary<string, SigningKeyOptions> SigningKeys { get; } = new(StringComparer.OrdinalIgnoreCase);
}
