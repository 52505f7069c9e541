using JwtIssuer.Configuration;
using JwtIssuer.Server.Sessions;
using Microsoft.Extensions.Options;

namespace JwtIssuer.Server.Security;

/// <summary>
/// Who may frame our pages: ourselves, the consumers (Comm100 shows <c>/login</c> in its iframe when the session has
/// expired) and the apps that embed Comm100 (<c>Session:FrameAncestors</c>). The browser checks every ancestor, so
/// the embedding app must be listed too. Computed once; sent as CSP <c>frame-ancestors</c>.
/// </summary>
internal sealed class FrameAncestors(IssuerModel issuer, IOptions<AgentSessionOptions> session)
{
    /// <summary>The origins besides our own, for example <c>https://dash11.comm100.io</c>.</summary>
    public IReadOnlyList<string> Origins { get; } =
        [.. issuer.ConsumerOrigins.Concat(session.Value.FrameAncestors.Select(ToOrigin).OfType<string>()).Distinct(StringComparer.OrdinalIgnoreCase)];

    /// <summary>The origin (<c>scheme://host[:port]</c>) of a configured URL that passes the configured-URL rule, or null.</summary>
    public static string? ToOrigin(string url) => ConfiguredUrl.Parse(url) is { } uri ? ConfiguredUrl.Origin(uri) : null;
}
