using JwtIssuer.Configuration;
using System.Web;

namespace JwtIssuer.Redirects;

/// <summary>
/// Decides whether a <c>redirect_url</c> belongs to a configured consumer. The token is handed to whatever
/// URL passes here, so the raw string is screened for every trick that makes parsers disagree, then parsed
/// with <see cref="Uri"/>, and scheme, host, port and path are compared exactly with configuration.
/// </summary>
internal sealed class RedirectPolicy
{
    /// <summary>The longest <c>redirect_url</c> accepted.</summary>
    public const int MaxLength = 4096;

    // Comm100's consumers' rules (what /api/jwt may send to), and every consumer's own.
    private readonly RedirectRule[] _comm100Rules;
    private readonly Dictionary<string, RedirectRule[]> _rulesByConsumer;

    /// <summary>The allowlist, compiled with the rest of the configuration.</summary>
    public RedirectPolicy(IssuerModel issuer)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        _comm100Rules = [.. issuer.RedirectRules.Where(rule => !issuer.Consumers.TryGetValue(rule.Consumer, out var consumer) || consumer.Profile == ConsumerProfile.Comm100)];
        _rulesByConsumer = issuer.Consumers.Keys.ToDictionary(
            name => name, name => issuer.RedirectRules.Where(rule => string.Equals(rule.Consumer, name, StringComparison.OrdinalIgnoreCase)).ToArray(), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Checks one <c>redirect_url</c> value exactly as it arrived (after the outer query decoding) against the URLs of
    /// the Comm100 consumers: another product's URL never receives a Comm100 token.
    /// </summary>
    public RedirectDecision Evaluate(string? url) => Evaluate(url, _comm100Rules);

    /// <summary>Checks a URL a consumer's own entry point was given (Freshworks' <c>redirect_uri</c>) against that consumer's URLs alone.</summary>
    public RedirectDecision EvaluateFor(string consumer, string? url) =>
        Evaluate(url, _rulesByConsumer.TryGetValue(consumer, out var rules) ? rules : []);

    private static RedirectDecision Evaluate(string? url, RedirectRule[] rules)
    {
        if (string.IsNullOrEmpty(url))
        {
            return RedirectDecision.Reject(RedirectRejection.Missing);
        }

        if (url.Length > MaxLength)
        {
            return RedirectDecision.Reject(RedirectRejection.TooLong);
        }

        // Only printable ASCII: stops control characters (tab/CR/LF are stripped by browsers, not by us),
        // spaces, and Unicode look-alikes whose IDNA mapping a browser and .NET might do differently.
        if (url.AsSpan().ContainsAnyExceptInRange('!', '~'))
        {
            return RedirectDecision.Reject(RedirectRejection.ForbiddenCharacter);
        }

        // Browsers treat '\' as '/' in http(s) URLs ("https://good\@evil"), .NET does not.
        if (url.Contains('\\', StringComparison.Ordinal))
        {
            return RedirectDecision.Reject(RedirectRejection.Backslash);
        }

        if (url.Contains('#', StringComparison.Ordinal))
        {
            return RedirectDecision.Reject(RedirectRejection.Fragment);
        }

        // The authority is taken from the raw string, not from Uri, so nothing Uri would normalise away
        // (userinfo, escapes) can hide in it. Scheme-relative ("//host") and single-slash forms fail here.
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0)
        {
            return RedirectDecision.Reject(RedirectRejection.Malformed);
        }

        var afterScheme = url.AsSpan(schemeEnd + 3);
        var authorityLength = afterScheme.IndexOfAny('/', '?');
        var authority = authorityLength < 0 ? afterScheme : afterScheme[..authorityLength];
        var rest = authorityLength < 0 ? [] : afterScheme[authorityLength..];

        if (authority.Contains('@'))
        {
            return RedirectDecision.Reject(RedirectRejection.UserInfo);
        }

        if (authority.Contains('%'))
        {
            return RedirectDecision.Reject(RedirectRejection.EncodedAuthority);
        }

        if (!SplitHostAndPort(authority, out var rawHost, out var hasPort)
            || !Uri.TryCreate(url, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            || uri.UserInfo.Length > 0
            || (!hasPort && !uri.IsDefaultPort))
        {
            return RedirectDecision.Reject(RedirectRejection.Malformed);
        }

        // A parser differential is itself a red flag: Uri must see the host we see (so "0x7f000001", which
        // Uri and browsers rewrite to 127.0.0.1, is refused outright).
        var host = rawHost.ToString();
        var parsedHost = uri.HostNameType == UriHostNameType.IPv6 ? uri.Host : uri.IdnHost;
        if (!string.Equals(parsedHost, host, StringComparison.OrdinalIgnoreCase))
        {
            return RedirectDecision.Reject(RedirectRejection.Malformed);
        }

        var queryStart = rest.IndexOf('?');
        var path = (queryStart < 0 ? rest : rest[..queryStart]).ToString();
        var query = queryStart < 0 ? [] : rest[queryStart..];

        // Comm100 reads its query case-insensitively; a second jwt could win over ours.
        if (HasJwtParameter(query))
        {
            return RedirectDecision.Reject(RedirectRejection.HasJwtParameter);
        }

        var scheme = url[..schemeEnd];
        foreach (var rule in rules)
        {
            if (rule.Matches(scheme, host, uri.Port, path))
            {
                return RedirectDecision.Allow(rule.Consumer, url, host);
            }
        }

        return RedirectDecision.Reject(RedirectRejection.NotAllowed);
    }

    /// <summary>Appends the token as a <c>jwt</c> query parameter, leaving the existing query byte for byte.</summary>
    public static string AppendToken(string allowedUrl, string token)
    {
        ArgumentNullException.ThrowIfNull(allowedUrl);
        // The query starts at the first '?'; a later '?' is data ("relayState=https://x/?"), so only an
        // empty query or a trailing '&' may take "jwt=" without a separator of our own.
        var queryStart = allowedUrl.IndexOf('?', StringComparison.Ordinal);
        var separator = queryStart < 0 ? "?"
            : queryStart == allowedUrl.Length - 1 || allowedUrl.EndsWith('&') ? string.Empty
            : "&";
        return string.Concat(allowedUrl, separator, "jwt=", Uri.EscapeDataString(token));
    }

    /// <summary>
    /// True when any parameter name decodes to <c>jwt</c> under any parser a consumer might use:
    /// '&amp;' or ';' separators, %XX, %uXXXX and '+' escapes, applied repeatedly, any case.
    /// </summary>
    private static bool HasJwtParameter(ReadOnlySpan<char> query)
    {
        foreach (var range in query.TrimStart('?').SplitAny('&', ';'))
        {
            var pair = query.TrimStart('?')[range];
            var name = pair[..(pair.IndexOf('=') is var equals and >= 0 ? equals : pair.Length)].ToString();
            for (var round = 0; round < 4 && name.Length >= 3; round++)
            {
                if (name.Trim().Equals("jwt", StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }

                var decoded = HttpUtility.UrlDecode(name);
                if (decoded == name)
                {
                    break;
                }

                name = decoded;
            }
        }

        return false;
    }

    private static bool SplitHostAndPort(ReadOnlySpan<char> authority, out ReadOnlySpan<char> host, out bool hasPort)
    {
        var portStart = authority.StartsWith("[") ? authority.IndexOf("]:") + 1 : authority.LastIndexOf(':');
        hasPort = portStart > 0;
        host = hasPort ? authority[..portStart] : authority;
        var port = hasPort ? authority[(portStart + 1)..] : [];
        return host.Length > 0 && (!hasPort || (port.Length is > 0 and <= 5 && !port.ContainsAnyExceptInRange('0', '9')));
    }
}
