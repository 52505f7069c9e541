namespace JwtIssuer.Configuration;

/// <summary>
/// The one rule for every URL an administrator configures (consumer URLs, the agent console, the OpenID Connect
/// authority): https, or plain http to a loopback host for local testing; never user information.
/// </summary>
internal static class ConfiguredUrl
{
    /// <summary>The rule in words, for messages.</summary>
    public const string Rule = "https (plain http only on a loopback host such as localhost, 127.0.0.1 or [::1], for local testing)";

    /// <summary>True for https, or http to localhost, 127.0.0.0/8 or [::1]; false with user information in it.</summary>
    public static bool IsHttpsOrLoopback(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        return uri.IsAbsoluteUri
            && uri.UserInfo.Length == 0
            && (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback));
    }

    /// <summary>An absolute URL that passes <see cref="IsHttpsOrLoopback"/>, or null.</summary>
    public static Uri? Parse(string? url) =>
        url is { Length: > 0 } && Uri.TryCreate(url, UriKind.Absolute, out var uri) && IsHttpsOrLoopback(uri) ? uri : null;

    /// <summary>The origin of a URL as a CSP source: <c>scheme://host[:port]</c>, the host in punycode (header values are ASCII), IPv6 in brackets.</summary>
    public static string Origin(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var host = uri.HostNameType == UriHostNameType.IPv6 ? uri.Host : uri.IdnHost;
        return Origin(uri.Scheme, host, uri.Port);
    }

    /// <summary>An origin from its parts; the port only when it is not the scheme's default.</summary>
    public static string Origin(string scheme, string host, int port) =>
        port == (scheme == Uri.UriSchemeHttps ? 443 : 80) ? $"{scheme}://{host}" : $"{scheme}://{host}:{port}";
}
