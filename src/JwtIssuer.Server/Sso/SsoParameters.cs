using System.Globalization;
using JwtIssuer.Configuration;
using Microsoft.Extensions.Primitives;

namespace JwtIssuer.Server.Sso;

/// <summary>
/// The entry parameters of the non-Comm100 profiles, checked as hostile: each at most once, bounded, no control
/// characters; the URLs against the consumer's own allowlist.
/// </summary>
internal static class SsoParameters
{
    /// <summary>The longest <c>state</c> echoed back (Freshworks sends a few hundred characters of base64).</summary>
    public const int MaxStateLength = 2048;

    /// <summary>The longest <c>nonce</c> put into a token.</summary>
    public const int MaxNonceLength = 512;

    /// <summary>The longest <c>return_to</c> passed on to Zendesk.</summary>
    public const int MaxReturnToLength = 2048;

    /// <summary>
    /// The one value of <paramref name="name"/>, or null when absent; <paramref name="error"/> when it is repeated, too
    /// long or holds a control character (a value may be any other text: it is only ever encoded, never interpreted).
    /// With <paramref name="asciiOnly"/>, printable ASCII only, so its encoded length stays within a few times its
    /// limit (a Location header a proxy passes).
    /// </summary>
    public static string? Single(IQueryCollection query, string name, int maxLength, out string? error, bool asciiOnly = false)
    {
        error = null;
        var values = query[name];
        if (values.Count == 0)
        {
            return null;
        }

        var value = values.Count == 1 ? values[0] : null;
        if (value is null)
        {
            error = $"'{name}' is given more than once.";
        }
        else if (value.Length > maxLength)
        {
            error = $"'{name}' is longer than {maxLength} characters.";
        }
        else if (value.Any(char.IsControl) || (asciiOnly && value.AsSpan().ContainsAnyExceptInRange(' ', '~')))
        {
            error = asciiOnly ? $"'{name}' may hold printable ASCII characters only." : $"'{name}' holds a character that is not allowed.";
        }

        return error is null ? value : null;
    }

    /// <summary>
    /// Zendesk's <c>return_to</c>, when it may go along: a path on the Zendesk account (Help Center sends relative
    /// ones), or an https URL on the host and port of one of the consumer's URLs (the agent interface sends absolute
    /// ones). Anything else is dropped, and Zendesk shows its own default page.
    /// </summary>
    public static string? ReturnTo(StringValues values, ConsumerModel consumer)
    {
        if (values.Count != 1 || values[0] is not { Length: > 0 and <= MaxReturnToLength } value
            || value.AsSpan().ContainsAnyExceptInRange('!', '~') || value.Contains('\\', StringComparison.Ordinal))
        {
            return null;
        }

        if (value.StartsWith('/'))
        {
            // A path, never "//host" (scheme-relative), which would leave the account.
            return value.Length == 1 || value[1] != '/' ? value : null;
        }

        // The authority as written, screened as redirect_url's is: no userinfo, no escapes a parser might undo.
        var authorityStart = value.IndexOf("://", StringComparison.Ordinal) + 3;
        var authorityEnd = authorityStart < 3 ? -1 : value.IndexOfAny(['/', '?', '#'], authorityStart);
        var authority = authorityStart < 3 ? "" : authorityEnd < 0 ? value[authorityStart..] : value[authorityStart..authorityEnd];
        if (authority.Length == 0 || authority.Contains('@', StringComparison.Ordinal) || authority.Contains('%', StringComparison.Ordinal))
        {
            return null;
        }

        return Uri.TryCreate(value, UriKind.Absolute, out var uri)
            && uri.Scheme == Uri.UriSchemeHttps
            && uri.UserInfo.Length == 0
            && consumer.RedirectUrls.Any(allowed => Uri.TryCreate(allowed, UriKind.Absolute, out var own)
                && string.Equals(own.IdnHost, uri.IdnHost, StringComparison.OrdinalIgnoreCase) && own.Port == uri.Port)
            ? value
            : null;
    }

    /// <summary>Zendesk's <c>brand_id</c>, <c>locale_id</c> and <c>timestamp</c>, passed on when they are plain numbers, as its samples do.</summary>
    public static string ZendeskPassThrough(IQueryCollection query)
    {
        var kept = new List<string>();
        foreach (var name in new[] { "brand_id", "locale_id", "timestamp" })
        {
            if (query[name] is { Count: 1 } values && values[0] is { Length: > 0 and <= 20 } value && value.All(char.IsAsciiDigit))
            {
                kept.Add(string.Create(CultureInfo.InvariantCulture, $"{name}={value}"));
            }
        }

        return string.Join('&', kept);
    }

    /// <summary>
    /// The client id in a Freshworks <c>redirect_uri</c>, <c>https://&lt;org&gt;/sp/OIDC/&lt;client_id&gt;/implicit</c>:
    /// the ID token's audience comes from the configured URL, never from a parameter a link chose. Null for another shape.
    /// </summary>
    public static string? FreshworksClientId(string redirectUri)
    {
        var segments = new Uri(redirectUri).AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return segments is [.., "sp", "OIDC", var client, "implicit"] ? Uri.UnescapeDataString(client) : null;
    }

}
