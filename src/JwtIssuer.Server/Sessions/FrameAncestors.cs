using JwtIssuer.Configuration;
using Microsoft.Extensions.Options;

namespace JwtIssuer.Server.Sessions;

/// <summary>
/// Who may frame our pages: ourselves, the consumers (Comm100 shows <c>/login</c> in its iframe when the
/// session has expired) and the apps that embed Comm100. The browser checks every ancestor, so the
/// embedding app must be listed too. Computed once; sent as CSP <c>frame-ancestors</c>.
/// </summary>
internal sealed class FrameAncestors
{
    public FrameAncestors(IOptions<JwtIssuerOptions> issuer, IOptions<AgentSessionOptions> session)
    {
        var consumerOrigins = issuer.Value.Consumers.Values.SelectMany(consumer => consumer.RedirectUrls).Select(ConsumerOrigin);
        var origins = consumerOrigins
            .Concat(session.Value.FrameAncestors.Select(ToOrigin))
            .OfType<string>()
            .Distinct(StringComparer.OrdinalIgnoreCase);
        ContentSecurityPolicy = $"frame-ancestors {string.Join(' ', origins.Prepend("'self'"))}";
    }

    /// <summary>The CSP directive, for example <c>frame-ancestors 'self' https://dash11.comm100.io</c>.</summary>
    public string ContentSecurityPolicy { get; }

    private static string? ConsumerOrigin(string url)
    {
        // CSP accepts a "*." host wildcard, Uri does not: parse with a stand-in label.
        const string Wildcard = "://*.", StandIn = "://wildcard.";
        return url.Contains(Wildcard, StringComparison.Ordinal)
            ? ToOrigin(url.Replace(Wildcard, StandIn, StringComparison.Ordinal))?.Replace(StandIn, Wildcard, StringComparison.Ordinal)
            : ToOrigin(url);
    }

    /// <summary>The origin (<c>scheme://host[:port]</c>) of an absolute http(s) URL, or null.</summary>
    public static string? ToOrigin(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp) && uri.UserInfo.Length == 0
            ? uri.GetLeftPart(UriPartial.Authority)
            : null;
}
