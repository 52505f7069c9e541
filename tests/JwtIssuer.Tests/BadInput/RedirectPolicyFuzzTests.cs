using System.Text;
using System.Text.RegularExpressions;
using JwtIssuer.Tests.Infrastructure;
using JwtIssuer.Redirects;
using Microsoft.AspNetCore.WebUtilities;

namespace JwtIssuer.Tests.BadInput;

/// <summary>
/// Issue 7: random mutations of valid consumer URLs, fed to <see cref="RedirectPolicy"/>. Whatever it accepts
/// is checked by an oracle that shares none of its code: <see cref="Uri"/>, a WHATWG-style reading of the raw
/// string, and the allowlist written out a second time by hand.
/// </summary>
public sealed partial class RedirectPolicyFuzzTests
{
    private const int Iterations = 25_000;

    // The allowlist as the oracle knows it; Configured below is the same list as the policy is given it.
    private static readonly Rule[] Rules =
    [
        new("comm100", "https", "dash11.comm100.io", Wildcard: false, 443, "/api/agentSSO/jwt/Consumer"),
        new("tenants", "https", "example.com", Wildcard: true, 443, "/sso"),
        new("port", "https", "app.test", Wildcard: false, 8443, "/cb"),
        new("loopback", "http", "localhost", Wildcard: false, 8080, "/consumer"),
        new("loopback", "http", "[::1]", Wildcard: false, 8081, "/consumer"),
        new("loopback", "http", "127.0.0.1", Wildcard: false, 9090, "/cb"),
    ];

    private static readonly Dictionary<string, string[]> Configured = new()
    {
        ["comm100"] = ["https://dash11.comm100.io/api/agentSSO/jwt/Consumer"],
        ["tenants"] = ["https://*.example.com/sso"],
        ["port"] = ["https://app.test:8443/cb"],
        ["loopback"] = ["http://localhost:8080/consumer", "http://[::1]:8081/consumer", "http://127.0.0.1:9090/cb"],
    };

    // Valid URLs the mutations start from: every rule, with and without a query.
    private static readonly string[] Seeds =
    [
        "https://dash11.comm100.io/api/agentSSO/jwt/Consumer",
        "https://dash11.comm100.io/api/agentSSO/jwt/Consumer?relayState=a%2Bb%3D%3D&lang=en",
        "https://eu.example.com/sso",
        "https://tenant-42.example.com/sso?relayState=1",
        "https://app.test:8443/cb",
        "https://app.test:8443/cb?x=1&y=2",
        "http://localhost:8080/consumer",
        "http://[::1]:8081/consumer",
        "http://127.0.0.1:9090/cb?state=z",
    ];

    // URL-significant characters, look-alikes, letters and digits, and percent escapes of the dangerous ones.
    private static readonly string[] Alphabet =
    [
        .. "@\\/:.%#?&=;[] \t\r\n\0\u0430\uff0e\u3002-".Select(c => c.ToString()),
        .. Enumerable.Range('A', 26).Concat(Enumerable.Range('a', 26)).Concat(Enumerable.Range('0', 10)).Select(c => ((char)c).ToString()),
        "%2f", "%2F", "%40", "%5c", "%00", "%2e", "%3a", "%23", "%3f", "%25", "%20", "%0d%0a", "//", "..", "jwt=",
    ];

    private static readonly string[] Schemes = ["https", "http", "HTTPS", "HtTp", "javascript", "data", "ftp", "ws", "file", "hxxps", string.Empty];

    private static readonly char[] Delimiters = ['/', '.', ':', '?', '&', '@', '='];

    [Fact]
    public void EverySeedIsAccepted()
    {
        var policy = Policy();

        Assert.All(Seeds, seed => Assert.True(policy.Evaluate(seed).IsAllowed, seed));
        Assert.All(Seeds, seed => Assert.Null(Violation(seed, policy.Evaluate(seed))));
    }

    [Theory]
    [InlineData(20261124)]
    [InlineData(7)]
    [InlineData(424242)]
    public void AcceptsOnlyMutationsThatAreReallyOnTheAllowlist(int seed)
    {
        var policy = Policy();
        var random = new Random(seed);
        var accepted = 0;
        var acceptedMutants = new HashSet<string>(StringComparer.Ordinal);
        var rejections = new Dictionary<RedirectRejection, int>();

        for (var iteration = 0; iteration < Iterations; iteration++)
        {
            var original = Seeds[random.Next(Seeds.Length)];
            var url = original;
            for (var count = random.Next(1, 4); count > 0; count--)
            {
                url = Mutate(url, random);
            }

            RedirectDecision decision;
            try
            {
                decision = policy.Evaluate(url);
            }
            catch (Exception exception)
            {
                // A throw here is a 500 at /api/jwt.
                throw new InvalidOperationException($"seed {seed}, iteration {iteration}: Evaluate threw for {Show(url)}", exception);
            }

            if (!decision.IsAllowed)
            {
                rejections[decision.Rejection] = rejections.GetValueOrDefault(decision.Rejection) + 1;
                continue;
            }

            accepted++;
            if (url != original)
            {
                acceptedMutants.Add(url);
            }

            if (Violation(url, decision) is { } violation)
            {
                Assert.Fail($"seed {seed}, iteration {iteration}: accepted {Show(url)} (from {original}), but {violation}");
            }
        }

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"seed {seed}: {Iterations} mutants, {accepted} accepted ({acceptedMutants.Count} distinct and changed); refused: "
            + string.Join(", ", rejections.OrderBy(pair => pair.Key).Select(pair => $"{pair.Key} {pair.Value}")));

        // The fuzz must reach the accepting side, or the oracle above never ran. The bounds are far below what
        // these seeds give, so they only fail if mutation or policy stops producing accepted variants at all.
        Assert.True(accepted > 0, $"seed {seed}: no mutant was accepted");
        Assert.True(acceptedMutants.Count >= 100, $"seed {seed}: only {acceptedMutants.Count} changed mutants were accepted");
    }

    private static RedirectPolicy Policy() =>
        new(TestIssuerModels.WithConsumers(Configured));

    /// <summary>Why an accepted URL is not really on the allowlist, or null when it is.</summary>
    private static string? Violation(string url, RedirectDecision decision)
    {
        if (!string.Equals(decision.Url, url, StringComparison.Ordinal))
        {
            return $"the decision carries a different URL, {Show(decision.Url)}";
        }

        // WHATWG-style: browsers read '\' as '/' and drop tab, CR and LF, so none of these may pass at all;
        // nor may anything outside printable ASCII, whose IDNA mapping a browser might do differently.
        if (url.Any(c => c is < '!' or > '~' or '\\'))
        {
            return "it contains a backslash, whitespace, a control character or non-ASCII";
        }

        if (url.Contains('#', StringComparison.Ordinal))
        {
            return "it contains a fragment";
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return "Uri does not parse it as absolute";
        }

        if (uri.UserInfo.Length > 0 || uri.Fragment.Length > 0)
        {
            return $"Uri finds userinfo '{uri.UserInfo}' or fragment '{uri.Fragment}'";
        }

        var matches = Rules.Where(rule => rule.MatchesUri(uri)).ToList();
        if (matches.Count == 0)
        {
            return $"Uri reads it as {uri.Scheme}://{uri.Host} ({uri.IdnHost}) port {uri.Port} path {uri.AbsolutePath}, which no rule allows";
        }

        if (!matches.Any(rule => rule.Consumer == decision.Consumer))
        {
            return $"it was assigned to consumer {decision.Consumer}, but Uri matches it to {matches[0].Consumer}";
        }

        if (Whatwg(url) is not { } whatwg || !matches.Any(rule => rule.MatchesRaw(whatwg.Scheme, whatwg.Host)))
        {
            return $"a WHATWG-style reading of the raw string finds another target: {Whatwg(url)}";
        }

        var withToken = RedirectPolicy.AppendToken(url, "x.y.z");
        if (!Uri.TryCreate(withToken, UriKind.Absolute, out var location))
        {
            return $"the Location {Show(withToken)} does not parse";
        }

        if (location.Scheme != uri.Scheme || location.IdnHost != uri.IdnHost || location.Port != uri.Port || location.AbsolutePath != uri.AbsolutePath)
        {
            return $"the Location {Show(withToken)} points elsewhere";
        }

        // Exactly one jwt, however a consumer splits (also on ';') and decodes the names.
        var names = location.Query.TrimStart('?').Split('&', ';')
            .Select(pair => Uri.UnescapeDataString(pair.Split('=')[0].Replace('+', ' ')).Trim());
        var jwts = QueryHelpers.ParseQuery(location.Query).GetValueOrDefault("jwt");
        if (names.Count(name => name.Equals("jwt", StringComparison.OrdinalIgnoreCase)) != 1 || jwts.Count != 1 || jwts.ToString() != "x.y.z")
        {
            return $"the Location {Show(withToken)} does not carry exactly one jwt";
        }

        return null;
    }

    /// <summary>
    /// Scheme and host as a WHATWG parser would take them from the raw string: the authority runs to the first
    /// '/', '?' or '#'; the host follows the last '@' and precedes the port.
    /// </summary>
    private static (string Scheme, string Host)? Whatwg(string url)
    {
        var colon = url.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || !url.AsSpan(colon).StartsWith("://"))
        {
            return null;
        }

        var authority = url[(colon + 3)..];
        authority = authority[..(authority.IndexOfAny(['/', '?', '#']) is var end and >= 0 ? end : authority.Length)];
        authority = authority[(authority.LastIndexOf('@') + 1)..];
        var portStart = authority.LastIndexOf(':');
        var host = portStart > authority.LastIndexOf(']') ? authority[..portStart] : authority;
        return (url[..colon].ToLowerInvariant(), host.ToLowerInvariant());
    }

    private static string Mutate(string url, Random random)
    {
        var position = random.Next(url.Length + 1);
        var operation = random.Next(7);
        switch (operation)
        {
            case 0:
                return url.Insert(position, Alphabet[random.Next(Alphabet.Length)]);
            case 1:
                return url.Length == 0 ? url : url.Remove(Math.Min(position, url.Length - 1), 1);
            case 2:
                return url.Length == 0 ? url : url.Remove(Math.Min(position, url.Length - 1), 1).Insert(Math.Min(position, url.Length - 1), Alphabet[random.Next(Alphabet.Length)]);
            case 3:
            case 4:
                // Duplicate or drop a segment between two delimiters ("dash11.", "/jwt", ":8443", "&y=2").
                var bounds = Enumerable.Range(0, url.Length).Where(i => Delimiters.Contains(url[i])).Append(url.Length).ToArray();
                var start = random.Next(bounds.Length - 1);
                var segment = url[bounds[start]..bounds[start + 1]];
                return operation == 3 ? url.Insert(bounds[start], segment) : url.Remove(bounds[start], segment.Length);
            case 5:
                // Case changes: one span flipped, or the whole URL upper-cased.
                if (random.Next(4) == 0)
                {
                    return url.ToUpperInvariant();
                }

                var chars = url.ToCharArray();
                for (var i = position; i < Math.Min(chars.Length, position + random.Next(1, 12)); i++)
                {
                    chars[i] = char.IsUpper(chars[i]) ? char.ToLowerInvariant(chars[i]) : char.ToUpperInvariant(chars[i]);
                }

                return new string(chars);
            default:
                var colon = url.IndexOf(':', StringComparison.Ordinal);
                return string.Concat(Schemes[random.Next(Schemes.Length)], colon < 0 ? ":" : url[colon..]);
        }
    }

    /// <summary>The URL with control and non-ASCII characters spelled out, so a failure message shows them.</summary>
    private static string Show(string? url)
    {
        if (url is null)
        {
            return "(null)";
        }

        var shown = new StringBuilder("\"");
        foreach (var c in url)
        {
            shown.Append(c is < ' ' or > '~' ? $"\\u{(int)c:x4}" : c.ToString());
        }

        return shown.Append('"').ToString();
    }

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DnsLabel();

    /// <summary>One allowed URL as the oracle understands it; a wildcard stands for exactly one DNS label.</summary>
    private sealed record Rule(string Consumer, string Scheme, string Host, bool Wildcard, int Port, string Path)
    {
        public bool MatchesUri(Uri uri) =>
            uri.Scheme == Scheme
            && uri.Port == Port
            && uri.AbsolutePath == Path
            && MatchesHost(uri.Host)
            // IdnHost drops an IPv6 literal's brackets; for names it must agree with Host (all ASCII).
            && MatchesHost(uri.HostNameType == UriHostNameType.IPv6 ? $"[{uri.IdnHost}]" : uri.IdnHost);

        public bool MatchesRaw(string scheme, string host) => scheme == Scheme && MatchesHost(host);

        private bool MatchesHost(string host)
        {
            if (!Wildcard)
            {
                return host.Equals(Host, StringComparison.OrdinalIgnoreCase);
            }

            var suffix = $".{Host}";
            return host.EndsWith(suffix, StringComparison.OrdinalIgnoreCase) && DnsLabel().IsMatch(host[..^suffix.Length]);
        }
    }
}
