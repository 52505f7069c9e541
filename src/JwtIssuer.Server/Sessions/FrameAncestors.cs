using JwtIssuer.Redirects;
using Microsoft.Extensions.Options;

namespace JwtIssuer.Server.Sessions;

/// <summary>
/// Who may frame our pages: ourselves, the consumers (Comm100 shows <c>/login</c> in its iframe when the
/// session has expired) and the apps that embed Comm100. The browser checks every ancestor, so the
/// embedding app must be listed too. Computed once; sent as CSP <c>frame-ancestors</c>.
/// </summary>
internal sealed class FrameAncestors
{
    public FrameAncestors(RedirectPolicy consumers, IOptions<AgentSessionOptions> session)
    {
        var origins = consumers.ConsumerOrigins
            .Concat(session.Value.FrameAncestors.Select(ToOrigin))
            .OfType<string>()
            .Distinct(StringComparer.OrdinalIgnoreCase);
        ContentSecurityPolicy = $"frame-ancestors {string.Join(' ', origins.Prepend("'self'"))}";
    }

    /// <summary>The CSP directive, for example <c>frame-ancestors 'self' https://dash11.comm100.io</c>.</summary>
    public string ContentSecurityPolicy { get; }

    /// <summary>The origin (<c>scheme://host[:port]</c>) of an absolute http(s) URL, or null.</summary>
    public static string? ToOrigin(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp) && uri.UserInfo.Length == 0
            ? Origin(uri)
            : null;

    /// <summary>A URI's origin for a CSP source list, the host in punycode (header values are ASCII), IPv6 in brackets.</summary>
    public static string Origin(Uri uri)
    {
        var host = uri.HostNameType == UriHostNameType.IPv6 ? uri.Host : uri.IdnHost;
        return uri.IsDefaultPort ? $"{uri.Scheme}://{host}" : $"{uri.Scheme}://{host}:{uri.Port}";
    }
}
