using System.Buffers;
using System.Globalization;
using JwtIssuer.Configuration;

namespace JwtIssuer.Redirects;

/// <summary>
/// One configured consumer URL, reduced to what is compared: scheme, host (punycode, lower case;
/// a leftmost <c>*.</c> matches exactly one DNS label), port and path.
/// </summary>
internal sealed record RedirectRule(string Consumer, string Scheme, string Host, bool Wildcard, int Port, string Path)
{
    private static readonly IdnMapping Idn = new() { UseStd3AsciiRules = true };
    private static readonly SearchValues<char> NotInConfiguredUrls = SearchValues.Create("%\\?#@ \t\r\n");
    private static readonly SearchValues<char> LabelCharacters = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-");

    /// <summary>Parses a configured URL, or explains why it cannot serve as an allowlist entry.</summary>
    public static RedirectRule? TryParse(string consumer, string configured, out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(configured) || configured.AsSpan().ContainsAny(NotInConfiguredUrls))
        {
            error = "must be a plain absolute URL with no query, fragment, userinfo or percent-escapes";
            return null;
        }

        // '*' is not a valid host character for Uri, so parse with a stand-in label and remember the wildcard.
        var schemeEnd = configured.IndexOf("://", StringComparison.Ordinal);
        var wildcard = schemeEnd > 0 && configured.AsSpan(schemeEnd + 3).StartsWith("*.");
        var parseable = wildcard ? string.Concat(configured.AsSpan(0, schemeEnd + 3), "wildcard", configured.AsSpan(schemeEnd + 4)) : configured;

        if (!Uri.TryCreate(parseable, UriKind.Absolute, out var uri) || uri.HostNameType is UriHostNameType.Unknown)
        {
            error = "is not an absolute URL";
            return null;
        }

        // Incoming paths are compared as sent, so the configured one must already be in the form Uri gives it:
        // no dot segments ("/a/.." would silently become "/"), and not empty.
        var afterScheme = configured.AsSpan(schemeEnd + 3);
        var pathStart = afterScheme.IndexOf('/');
        if (pathStart < 0 || !afterScheme[pathStart..].SequenceEqual(uri.AbsolutePath))
        {
            error = $"must spell out its path exactly as browsers send it (for example {uri.GetLeftPart(UriPartial.Authority)}{uri.AbsolutePath}), with no dot segments";
            return null;
        }

        // IPv6 literals keep their brackets, as they appear in a URL.
        var parsedHost = uri.HostNameType == UriHostNameType.IPv6 ? uri.Host : uri.IdnHost;
        var host = wildcard ? parsedHost[("wildcard".Length + 1)..] : parsedHost;
        if (host.EndsWith('.'))
        {
            error = "ends its host with a dot; write the host without it";
            return null;
        }

        if (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
        {
            error = "must use https";
            return null;
        }

        // A wildcard never covers a loopback host, so plain http never passes with one.
        if (!ConfiguredUrl.IsHttpsOrLoopback(uri) || (wildcard && uri.Scheme == Uri.UriSchemeHttp))
        {
            error = $"uses plain http; use {ConfiguredUrl.Rule}";
            return null;
        }

        if (wildcard && (!host.Contains('.', StringComparison.Ordinal) || char.IsAsciiDigit(host[^1])))
        {
            error = "puts a wildcard over a top-level domain or an IP address; use *. only in front of a registrable domain such as *.comm100.io";
            return null;
        }

        return new RedirectRule(consumer, uri.Scheme, ToAsciiLower(host), wildcard, uri.Port, uri.AbsolutePath);
    }

    /// <summary>True when a parsed, pre-screened URL's parts fall under this rule.</summary>
    public bool Matches(string scheme, string host, int port, string path) =>
        string.Equals(scheme, Scheme, StringComparison.OrdinalIgnoreCase)
        && port == Port
        && string.Equals(path, Path, StringComparison.Ordinal)
        && (Wildcard ? MatchesOneLabelBelow(host) : string.Equals(host, Host, StringComparison.OrdinalIgnoreCase));

    /// <summary>The rule as a CSP source expression: <c>https://dash11.comm100.io</c>, <c>https://*.comm100.io:8443</c>.</summary>
    public string Origin => ConfiguredUrl.Origin(Scheme, Wildcard ? $"*.{Host}" : Host, Port);

    /// <summary>True when some URL would match both rules, so which consumer it belongs to would be ambiguous.</summary>
    public bool Overlaps(RedirectRule other) =>
        string.Equals(Scheme, other.Scheme, StringComparison.Ordinal)
        && Port == other.Port
        && string.Equals(Path, other.Path, StringComparison.Ordinal)
        && (Wildcard, other.Wildcard) switch
        {
            (false, false) or (true, true) => string.Equals(Host, other.Host, StringComparison.Ordinal),
            (true, false) => MatchesOneLabelBelow(other.Host),
            (false, true) => other.MatchesOneLabelBelow(Host),
        };

    private bool MatchesOneLabelBelow(string host)
    {
        if (host.Length <= Host.Length + 1
            || !host.EndsWith(Host, StringComparison.OrdinalIgnoreCase)
            || host[host.Length - Host.Length - 1] != '.')
        {
            return false;
        }

        var label = host.AsSpan(0, host.Length - Host.Length - 1);
        return label.Length <= 63
            && label[0] != '-' && label[^1] != '-'
            && !label.ContainsAnyExcept(LabelCharacters);
    }

    private static string ToAsciiLower(string host) =>
        (host.Any(c => c > 0x7F) ? Idn.GetAscii(host) : host).ToLowerInvariant();
}
