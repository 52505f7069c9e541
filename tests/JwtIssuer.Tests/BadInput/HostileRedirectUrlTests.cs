using System.Globalization;
using System.Net;
using System.Text.Encodings.Web;
using System.Text.Json;
using JwtIssuer.Diagnostics;
using JwtIssuer.Redirects;
using JwtIssuer.Tests.Infrastructure;
using static JwtIssuer.Tests.Infrastructure.JwtIssuerApplication;

namespace JwtIssuer.Tests.BadInput;

/// <summary>
/// Issue 7: hostile <c>redirect_url</c> values end to end, signed in, through the real server. Every one must
/// get a 400 with a page or problem details, never a 5xx, never a redirect and never a token.
/// </summary>
public sealed class HostileRedirectUrlTests(SignedInAgentFixture agent) : IClassFixture<SignedInAgentFixture>
{
    private const string BadLinkTitle = "This sign-in link is not valid";

    // The allowed Comm100 URL as a browser would put it in a query.
    private const string A = "https%3A%2F%2Fdash11.comm100.io%2Fapi%2FagentSSO%2Fjwt%2FConsumer";

    private static readonly (string Host, string Path)[] Consumers =
        [.. new[] { Comm100Url, RsaConsumerUrl, EcConsumerUrl }.Select(url => new Uri(url)).Select(uri => (uri.Host, uri.AbsolutePath))];

    public static IReadOnlyList<string> HostileValues { get; } = BuildHostileValues();

    public static TheoryData<string> HostileUrls => new(HostileValues);

    [Theory]
    [InlineData(Comm100Url, false)]
    [InlineData(Comm100Url, true)]
    [InlineData(RsaConsumerUrl, false)]
    [InlineData(RsaConsumerUrl, true)]
    [InlineData(EcConsumerUrl, false)]
    [InlineData(EcConsumerUrl, true)]
    public async Task SameFixtureRedirectsToTheAllowedUrlWithAToken(string consumerUrl, bool html)
    {
        // The control: without it, a broken session or app would make every refusal below pass for nothing.
        using var request = Get(new Uri(JwtUrl(consumerUrl), UriKind.Relative), html);
        using var response = await agent.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith($"{consumerUrl}?jwt=eyJ", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(1, agent.TakeIssuedTokenCount());
    }

    [Fact]
    public void TableHoldsAtLeast200DistinctHostileValues()
    {
        Assert.Equal(HostileValues.Count, HostileValues.Distinct(StringComparer.Ordinal).Count());
        Assert.InRange(HostileValues.Count, 200, int.MaxValue);
    }

    [Theory]
    [MemberData(nameof(HostileUrls))]
    public async Task RefusesHostileRedirectUrlWithProblemDetails(string url)
    {
        using var request = Get(new Uri(JwtUrl(url), UriKind.Relative), html: false);

        await AssertRefusedAsync(request, html: false, hostile: url);
    }

    [Theory]
    [MemberData(nameof(HostileUrls))]
    public async Task RefusesHostileRedirectUrlWithHtmlPage(string url)
    {
        using var request = Get(new Uri(JwtUrl(url), UriKind.Relative), html: true);

        await AssertRefusedAsync(request, html: true, hostile: url);
    }

    /// <summary>
    /// Queries written here exactly as an attacker would type them, not escaped by the test. Where
    /// <see cref="Uri"/> rewrites the query before it is sent, the third value says what really went out;
    /// the expected rejection then shows what the server decoded it to.
    /// </summary>
    public static TheoryData<string, string?, object> RawQueries => new()
    {
        // Invalid UTF-8 (overlong '/' and '.', a lone 0xFF, a truncated sequence, an encoded lone surrogate):
        // Uri sends them untouched and ASP.NET Core, unable to decode them, leaves the literal "%C0%AF".
        { "redirect_url=https://dash11.comm100.io%C0%AF.evil.com/api/agentSSO/jwt/Consumer", null, RedirectRejection.EncodedAuthority },
        { "redirect_url=https://dash11.comm100.io/api/agentSSO/jwt%C0%AFConsumer", null, RedirectRejection.NotAllowed },
        { "redirect_url=https://dash11.comm100.io/api/agentSSO/jwt/%C0%AE%C0%AE/jwt/Consumer", null, RedirectRejection.NotAllowed },
        { "redirect_url=https://dash11.comm100.io%FF/api/agentSSO/jwt/Consumer", null, RedirectRejection.EncodedAuthority },
        { "redirect_url=https://ec.consumer.test/sso%FF", null, RedirectRejection.NotAllowed },
        { "redirect_url=https://rsa.consumer.test%E2%82/sso", null, RedirectRejection.EncodedAuthority },
        { "redirect_url=https://rsa.consumer.test/sso%E2%82", null, RedirectRejection.NotAllowed },
        { "redirect_url=https://ec.consumer.test%ED%A0%80/sso", null, RedirectRejection.EncodedAuthority },
        { "redirect_url=https://ec.consumer.test/sso%ED%A0%80", null, RedirectRejection.NotAllowed },
        { "redirect_url=%C0%AF%C0%AFevil.com/sso", null, RedirectRejection.Malformed },
        { "redirect_url=%FF%FE", null, RedirectRejection.Malformed },
        // Valid UTF-8 that decodes to look-alikes: Cyrillic 'а', ideographic and fullwidth full stops, long s.
        { "redirect_url=https://d%D0%B0sh11.comm100.io/api/agentSSO/jwt/Consumer", null, RedirectRejection.ForbiddenCharacter },
        { "redirect_url=https://dash11%E3%80%82comm100.io/api/agentSSO/jwt/Consumer", null, RedirectRejection.ForbiddenCharacter },
        { "redirect_url=https://dash11%EF%BC%8Ecomm100.io/api/agentSSO/jwt/Consumer", null, RedirectRejection.ForbiddenCharacter },
        { "redirect_url=https://da%C5%BFh11.comm100.io/api/agentSSO/jwt/Consumer", null, RedirectRejection.ForbiddenCharacter },
        { "redirect_url=https://ec.consumer.test/sso%EF%BF%BD", null, RedirectRejection.ForbiddenCharacter },
        // Raw non-ASCII is escaped as UTF-8 by Uri; a lone surrogate becomes U+FFFD on the way out.
        { "redirect_url=https://rs\u0430.consumer.test/sso", "redirect_url=https://rs%D0%B0.consumer.test/sso", RedirectRejection.ForbiddenCharacter },
        { "redirect_url=https://rsa.consumer.test/sso\uD800", "redirect_url=https://rsa.consumer.test/sso%EF%BF%BD", RedirectRejection.ForbiddenCharacter },
        // NUL, CR/LF, tab, '+' (a space in a query), an encoded backslash and an encoded '#', decoded once.
        { "redirect_url=%00", null, RedirectRejection.ForbiddenCharacter },
        { "redirect_url=https://dash11.comm100.io/api/agentSSO/jwt/Consumer%00", null, RedirectRejection.ForbiddenCharacter },
        { "redirect_url=https://dash11.comm100.io%00.evil.com/api/agentSSO/jwt/Consumer", null, RedirectRejection.ForbiddenCharacter },
        { "redirect_url=https://ec.consumer.test/sso%0D%0ALocation:%20https://evil.com/", null, RedirectRejection.ForbiddenCharacter },
        { "redirect_url=https://ec.consumer.test%09.evil.com/sso", null, RedirectRejection.ForbiddenCharacter },
        { "redirect_url=https://ec.consumer.test/sso+", null, RedirectRejection.ForbiddenCharacter },
        { "redirect_url=https://dash11.comm100.io%5C.evil.com/api/agentSSO/jwt/Consumer", null, RedirectRejection.Backslash },
        { "redirect_url=https://dash11.comm100.io/api/agentSSO/jwt/Consumer%23@evil.com", null, RedirectRejection.Fragment },
        // Double encoding: one decode by the server leaves an escape, which the policy sees and refuses.
        { "redirect_url=https://dash11.comm100.io%252F.evil.com/api/agentSSO/jwt/Consumer", null, RedirectRejection.EncodedAuthority },
        { "redirect_url=https://evil.com%2540dash11.comm100.io/api/agentSSO/jwt/Consumer", null, RedirectRejection.EncodedAuthority },
        { "redirect_url=https://%2564ash11.comm100.io/api/agentSSO/jwt/Consumer", null, RedirectRejection.EncodedAuthority },
        { "redirect_url=https%253A%252F%252Fdash11.comm100.io%252Fapi%252FagentSSO%252Fjwt%252FConsumer", null, RedirectRejection.Malformed },
        { "redirect_url=https://dash11.comm100.io/api/agentSSO/jwt/Consumer%2500", null, RedirectRejection.NotAllowed },
        { "redirect_url=https://dash11.comm100.io/api/agentSSO/jwt/Consumer?%256Awt=forged", null, RedirectRejection.HasJwtParameter },
        // A '%' that starts no escape is escaped by Uri to "%25", which the server decodes back to '%'.
        { "redirect_url=https://dash11.comm100.io%/api/agentSSO/jwt/Consumer", "redirect_url=https://dash11.comm100.io%25/api/agentSSO/jwt/Consumer", RedirectRejection.EncodedAuthority },
        { "redirect_url=https://dash11.comm100.io%zz/api/agentSSO/jwt/Consumer", "redirect_url=https://dash11.comm100.io%25zz/api/agentSSO/jwt/Consumer", RedirectRejection.EncodedAuthority },
        { "redirect_url=https://dash11.comm100.io/api/agentSSO/jwt/%u0043onsumer", "redirect_url=https://dash11.comm100.io/api/agentSSO/jwt/%25u0043onsumer", RedirectRejection.NotAllowed },
        { "redirect_url=%", "redirect_url=%25", RedirectRejection.Malformed },
        // Uri unescapes unreserved characters before sending: "%2e" goes out as '.'.
        { "redirect_url=https://dash11.comm100.io%2e/api/agentSSO/jwt/Consumer", "redirect_url=https://dash11.comm100.io./api/agentSSO/jwt/Consumer", RedirectRejection.NotAllowed },
        { "redirect_url=https://ec.consumer.test/%2e%2e/sso", "redirect_url=https://ec.consumer.test/../sso", RedirectRejection.NotAllowed },
    };

    [Theory]
    [MemberData(nameof(RawQueries))]
    public async Task RefusesOddPercentEncodingSentRaw(string rawQuery, string? sentQuery, object reason)
    {
        // The reason's type is internal to the library; the test's signature must be public.
        await AssertRawQueryRefusedAsync(rawQuery, sentQuery, (RedirectRejection)reason);
    }

    /// <summary>Missing, empty, misnamed and repeated parameters (<c>A</c> is the allowed Comm100 URL).</summary>
    public static TheoryData<string, string?, object> ParameterQueries => new()
    {
        // Missing or empty.
        { string.Empty, null, RedirectRejection.Missing },
        { "redirect_url", null, RedirectRejection.Missing },
        { "redirect_url=", null, RedirectRejection.Missing },
        { "redirect_url=&", null, RedirectRejection.Missing },
        { "REDIRECT_URL=", null, RedirectRejection.Missing },
        // Near-miss names are not the parameter, however close.
        { $"redirect_uri={A}", null, RedirectRejection.Missing },
        { $"redirecturl={A}", null, RedirectRejection.Missing },
        { $"redirect-url={A}", null, RedirectRejection.Missing },
        { $"redirect_url%00={A}", null, RedirectRejection.Missing },
        { $"+redirect_url={A}", null, RedirectRejection.Missing },
        { $"redirect_url ={A}", $"redirect_url%20={A}", RedirectRejection.Missing },
        { $"redirect_url[]={A}&redirect_url[]={A}", null, RedirectRejection.Missing },
        // Decoded once by ASP.NET Core: "redirect_url" only to a second decoder, which the server is not.
        { $"redirect%255Furl={A}", null, RedirectRejection.Missing },
        // ASP.NET Core matches query names case-insensitively: these are the parameter, and are checked.
        { "REDIRECT_URL=https://evil.com/", null, RedirectRejection.NotAllowed },
        { "Redirect_Url=//evil.com/", null, RedirectRejection.Malformed },
        // Repeated, even with the same allowed value: which copy a proxy or framework reads is ambiguous.
        { $"redirect_url={A}&redirect_url={A}", null, RedirectRejection.Duplicated },
        { $"redirect_url={A}&REDIRECT_URL={A}", null, RedirectRejection.Duplicated },
        // Uri unescapes the unreserved '_' before sending, so the server gets two plain copies.
        { $"redirect%5Furl={A}&redirect_url={A}", $"redirect_url={A}&redirect_url={A}", RedirectRejection.Duplicated },
        { $"redirect_url={A}&redirect_url=", null, RedirectRejection.Duplicated },
        { $"redirect_url=&redirect_url={A}", null, RedirectRejection.Duplicated },
        { $"redirect_url={A}&redirect_url=https://evil.com/", null, RedirectRejection.Duplicated },
        { $"redirect_url=https://evil.com/&redirect_url={A}", null, RedirectRejection.Duplicated },
        { $"redirect_url={A}&redirect_url={A}&redirect_url={A}", null, RedirectRejection.Duplicated },
        // Not separators here, so one value whose path now runs on: ';', a proxy's comma join, an encoded '&'.
        { $"redirect_url={A};redirect_url={A}", null, RedirectRejection.NotAllowed },
        { $"redirect_url={A},{A}", null, RedirectRejection.NotAllowed },
        { $"redirect_url={A}%26redirect_url%3Dhttps://evil.com/", null, RedirectRejection.NotAllowed },
    };

    [Theory]
    [MemberData(nameof(ParameterQueries))]
    public async Task RefusesMissingMisnamedOrRepeatedParameter(string rawQuery, string? sentQuery, object reason)
    {
        // The reason's type is internal to the library; the test's signature must be public.
        await AssertRawQueryRefusedAsync(rawQuery, sentQuery, (RedirectRejection)reason);
    }

    [Fact]
    public async Task ReadsTheParameterNameCaseInsensitively()
    {
        // Why REDIRECT_URL counts as a second copy above: it is the same parameter to ASP.NET Core.
        using var request = Get(new Uri($"https://localhost/api/jwt?REDIRECT_URL={A}"), html: false);
        using var response = await agent.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith($"{Comm100Url}?jwt=eyJ", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(1, agent.TakeIssuedTokenCount());
    }

    [Theory]
    [InlineData(RedirectPolicy.MaxLength + 1)]
    [InlineData(16 * 1024)]
    [InlineData(64 * 1024)]
    [InlineData(1024 * 1024)]
    public async Task RefusesOverlongRedirectUrl(int length)
    {
        // One on the allowlist but for its length, one elsewhere. Kestrel would answer a request line over
        // 8 KB with 414 before the app sees it; TestServer has no such limit, so here the policy refuses.
        string[] values =
        [
            $"{Comm100Url}?relayState={new string('a', length - Comm100Url.Length - "?relayState=".Length)}",
            $"https://evil.com/{new string('a', length - "https://evil.com/".Length)}",
        ];

        foreach (var value in values)
        {
            Assert.Equal(length, value.Length);
            foreach (var html in new[] { false, true })
            {
                using var request = Get(new Uri(JwtUrl(value), UriKind.Relative), html);
                using var response = await agent.Client.SendAsync(request);
                var body = await response.Content.ReadAsStringAsync();

                Assert.Contains(response.StatusCode, new[] { HttpStatusCode.BadRequest, HttpStatusCode.RequestUriTooLong, HttpStatusCode.RequestHeaderFieldsTooLarge });
                Assert.Null(response.Headers.Location);
                Assert.DoesNotContain("eyJ", body, StringComparison.Ordinal);
                Assert.Equal(0, agent.TakeIssuedTokenCount());
                if (response.StatusCode == HttpStatusCode.BadRequest)
                {
                    Assert.Contains(HtmlEncoder.Default.Encode(RedirectDecision.Reject(RedirectRejection.TooLong).Explanation), body, StringComparison.Ordinal);
                }
            }
        }
    }

    private async Task AssertRawQueryRefusedAsync(string rawQuery, string? sentQuery, RedirectRejection reason)
    {
        var requestUri = new Uri($"https://localhost/api/jwt{(rawQuery.Length > 0 ? "?" : string.Empty)}{rawQuery}");
        var sent = sentQuery ?? rawQuery;
        Assert.Equal($"https://localhost/api/jwt{(sent.Length > 0 ? "?" : string.Empty)}{sent}", requestUri.AbsoluteUri);

        foreach (var html in new[] { false, true })
        {
            using var request = Get(requestUri, html);
            await AssertRefusedAsync(request, html, reason: reason);
        }
    }

    private async Task AssertRefusedAsync(HttpRequestMessage request, bool html, string? hostile = null, RedirectRejection? reason = null)
    {
        using var response = await agent.Client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.False((int)response.StatusCode >= 500, $"{(int)response.StatusCode} for {request.RequestUri}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.DoesNotContain("jwt=", body, StringComparison.Ordinal);
        Assert.DoesNotContain("eyJ", body, StringComparison.Ordinal);
        Assert.Equal(0, agent.TakeIssuedTokenCount());

        string detail;
        if (html)
        {
            Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains($"<h1>{BadLinkTitle}</h1>", body, StringComparison.Ordinal);
            Assert.DoesNotContain("<script", body, StringComparison.OrdinalIgnoreCase);
            detail = body;
        }
        else
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            using var problem = JsonDocument.Parse(body);
            Assert.Equal(BadLinkTitle, problem.RootElement.GetProperty("title").GetString());
            Assert.Equal(400, problem.RootElement.GetProperty("status").GetInt32());
            detail = problem.RootElement.GetProperty("detail").GetString()!;
        }

        Assert.Contains("redirect_url", detail, StringComparison.Ordinal);
        if (reason is { } expected)
        {
            var explanation = RedirectDecision.Reject(expected).Explanation;
            Assert.Contains(html ? HtmlEncoder.Default.Encode(explanation) : explanation, detail, StringComparison.Ordinal);
        }

        // The answer explains; it never echoes the hostile value back (a reflected-XSS vector on an HTML page).
        if (hostile is { Length: >= 12 })
        {
            Assert.DoesNotContain(hostile, body, StringComparison.Ordinal);
        }
    }

    private static HttpRequestMessage Get(Uri uri, bool html)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, uri);
        if (html)
        {
            request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml;q=0.9,*/*;q=0.8");
        }

        return request;
    }

    private static List<string> BuildHostileValues()
    {
        var values = new List<string>();

        // Applies one attack to each of the three consumer URLs (host and path as configured).
        void Each(Func<string, string, string> attack)
        {
            foreach (var (host, path) in Consumers)
            {
                values.Add(attack(host, path));
            }
        }

        static string Punycode(string host) => new IdnMapping().GetAscii(host);

        // Userinfo '@': a browser goes to whatever follows the '@'.
        Each((host, path) => $"https://{host}@evil.com{path}");
        Each((host, path) => $"HTTPS://{host}@evil.com{path}");
        Each((host, path) => $"https://user:pass@{host}{path}");
        Each((host, path) => $"https://{host}:443@evil.com{path}");
        Each((host, path) => $"https://@{host}{path}");
        values.Add("https://evil.com@dash11.comm100.io@evil.com/api/agentSSO/jwt/Consumer");
        values.Add("https://:@dash11.comm100.io/api/agentSSO/jwt/Consumer");
        values.Add("https://dash11.comm100.io&@evil.com/api/agentSSO/jwt/Consumer");
        values.Add("https://dash11.comm100.io;@evil.com/api/agentSSO/jwt/Consumer");
        values.Add("https://dash11.comm100.io%40evil.com/api/agentSSO/jwt/Consumer");
        values.Add("https://evil.com%40dash11.comm100.io/api/agentSSO/jwt/Consumer");
        values.Add("https://dash11.comm100.io?@evil.com/");

        // Backslash: browsers read it as '/', so "evil\@good" and "good\.evil" both mean evil.
        Each((host, path) => $"https://evil.com\\@{host}{path}");
        Each((host, path) => $"https://{host}\\.evil.com{path}");
        Each((host, path) => $"https:\\\\{host}{path}");
        Each((host, path) => $"https://{host}\\{path.TrimStart('/')}");
        values.Add("https:/\\evil.com/api/agentSSO/jwt/Consumer");
        values.Add("https:\\/evil.com/api/agentSSO/jwt/Consumer");
        values.Add("\\\\evil.com/api/agentSSO/jwt/Consumer");
        values.Add("/\\evil.com/api/agentSSO/jwt/Consumer");
        values.Add("\\/evil.com/api/agentSSO/jwt/Consumer");
        values.Add("https://dash11.comm100.io/api/agentSSO/jwt/Consumer\\..\\..\\..\\evil");

        // '//': scheme-relative, too few or too many slashes, no scheme or no host at all.
        Each((host, path) => $"//{host}{path}");
        Each((host, path) => $"https:/{host}{path}");
        Each((host, path) => $"https:///{host}{path}");
        Each((host, path) => $"https:{host}{path}");
        Each((host, path) => $"https://{host}//evil.com{path}");
        Each((host, path) => $"https://{host}/{path}");
        values.Add("/api/agentSSO/jwt/Consumer");
        values.Add("/sso");
        values.Add("//evil.com/api/agentSSO/jwt/Consumer");
        values.Add("///evil.com/api/agentSSO/jwt/Consumer");
        values.Add("////evil.com/");
        values.Add("https:////evil.com/");
        values.Add("https://");
        values.Add("https:");
        values.Add("https://dash11.comm100.io/api/agentSSO/jwt/Consumer//");
        // The first "://" is not where a parser thinks the authority starts.
        values.Add("https:/evil.com://dash11.comm100.io/api/agentSSO/jwt/Consumer");
        values.Add("https:evil.com://dash11.comm100.io/api/agentSSO/jwt/Consumer");
        values.Add("javascript:alert(1)//https://dash11.comm100.io/api/agentSSO/jwt/Consumer");

        // Right host, wrong path: none, a trailing slash, dot segments, case, path parameters.
        Each((host, path) => $"https://{host}");
        Each((host, path) => $"https://{host}/");
        Each((host, path) => $"https://{host}{path}/");
        Each((host, path) => $"https://{host}{path}/..");
        Each((host, path) => $"https://{host}/.{path}");
        Each((host, path) => $"https://{host}{path.ToUpperInvariant()}");
        Each((host, path) => $"https://{host}{path};jsessionid=1");
        Each((host, path) => $"https://{host}{path}/../../../evil");
        values.Add("https://dash11.comm100.io/api/agentSSO/jwt/../jwt/Consumer");
        values.Add("https://dash11.comm100.io/api/agentsso/jwt/consumer");
        values.Add("https://rsa.consumer.test/sso.");
        values.Add("https://ec.consumer.test/ssox");
        values.Add("https://ec.consumer.test/ss");

        // Encoded characters in the scheme, the authority and the path.
        Each((host, path) => $"https://{host}%2f.evil.com{path}");
        Each((host, path) => $"https://{host}%5c.evil.com{path}");
        Each((host, path) => $"https://{host}%3F.evil.com{path}");
        Each((host, path) => $"https:%2F%2F{host}{path}");
        Each((host, path) => $"https%3A%2F%2F{host}{path}");
        values.Add("https://%64ash11.comm100.io/api/agentSSO/jwt/Consumer");
        values.Add("https://%72sa.consumer.test/sso");
        values.Add("https://dash11.comm100.io%2e/api/agentSSO/jwt/Consumer");
        values.Add("https://dash11.comm100.io%3A443/api/agentSSO/jwt/Consumer");
        values.Add("https://evil.com%23.dash11.comm100.io/api/agentSSO/jwt/Consumer");
        values.Add("https://dash11.comm100.io%00.evil.com/api/agentSSO/jwt/Consumer");
        values.Add("%68ttps://dash11.comm100.io/api/agentSSO/jwt/Consumer");
        values.Add("https://dash11.comm100.io/api%2FagentSSO%2Fjwt%2FConsumer");
        values.Add("https://dash11.comm100.io/api/agentSSO/jwt/%43onsumer");
        values.Add("https://rsa.consumer.test/ss%6F");
        values.Add("https://ec.consumer.test/%73so");
        values.Add("https://ec.consumer.test/%2e%2e/sso");
        values.Add("https://rsa.consumer.test%2Fsso");
        values.Add("https://dash11.comm100.io/api/agentSSO/jwt/Consumer%23@evil.com");

        // Double encoding: a second decoder (a proxy, a framework, the consumer) would turn these into the above.
        Each((host, path) => $"https://{host}%252F.evil.com{path}");
        Each((host, path) => $"https://evil.com%2540{host}{path}");
        Each((host, path) => $"https%253A%252F%252F{host}{path}");
        values.Add("https://dash11.comm100.io%255c.evil.com/api/agentSSO/jwt/Consumer");
        values.Add("https://%2564ash11.comm100.io/api/agentSSO/jwt/Consumer");
        values.Add("https://dash11.comm100.io/api/agentSSO/jwt/Consumer%2523@evil.com");
        values.Add("https://ec.consumer.test/%252e%252e/sso");
        values.Add("https://ec.consumer.test/sso%252F..%252F..%252Fevil");
        values.Add("https://dash11.comm100.io/api/agentSSO/jwt/Consumer?%256Awt=forged");
        values.Add("https://dash11.comm100.io/api/agentSSO/jwt/Consumer?%25256Awt=forged");

        // Control characters and whitespace: browsers strip tab/CR/LF and trim spaces, parsers disagree.
        Each((host, path) => $"https://{host}\t.evil.com{path}");
        Each((host, path) => $"https://{host}{path}\r\nLocation: https://evil.com/");
        Each((host, path) => $"https://{host}{path}\0");
        Each((host, path) => $" https://{host}{path}");
        Each((host, path) => $"https://{host}{path} ");
        values.Add("\thttps://dash11.comm100.io/api/agentSSO/jwt/Consumer");
        values.Add("ht\ttps://dash11.comm100.io/api/agentSSO/jwt/Consumer");
        values.Add("https:\n//evil.com/");
        values.Add("https://evil.com\r\n.dash11.comm100.io/api/agentSSO/jwt/Consumer");
        values.Add("\0https://dash11.comm100.io/api/agentSSO/jwt/Consumer");
        values.Add("https://dash11.comm100.io\0.evil.com/api/agentSSO/jwt/Consumer");
        values.Add("https://dash11.comm100.io /api/agentSSO/jwt/Consumer");
        values.Add("https://dash11.comm100.io/api/agentSSO/jwt/Consumer\r");
        values.Add("https://dash11.comm100.io/api/agentSSO/jwt/Consumer\n");
        values.Add("https://dash11.comm100.io/api/agentSSO/jwt/Consumer\u000b");
        values.Add("https://dash11.comm100.io/api/agentSSO/jwt/Consumer\f");
        values.Add("https://dash11.comm100.io/api/agentSSO/jwt/Consumer\u001b[2J");
        values.Add("https://dash11.comm100.io/api/agentSSO/jwt/Consumer\u007f");
        values.Add("https://dash11.comm100.io/api/agentSSO/jwt/Consumer\u0085");
        values.Add("https://dash11.comm100.io/api/agentSSO/jwt/Consumer\u00a0");
        values.Add("https://dash11.comm100.io/api/agentSSO/jwt/Consumer\u2028");
        values.Add("https://dash11\u200b.comm100.io/api/agentSSO/jwt/Consumer");
        values.Add("\ufeffhttps://dash11.comm100.io/api/agentSSO/jwt/Consumer");
        values.Add("https://dash11.comm100.io/api/agentSSO/jwt/\u202eremusnoC");

        // IDN: look-alikes (Cyrillic, fullwidth) and characters IDNA maps onto ASCII. Uri's IdnHost turns
        // "daſh11" (long s), "dash¹¹", "ⓓash11", "ｄash11" and "comm100。io" into dash11.comm100.io, so only
        // refusing non-ASCII outright, before any mapping, keeps them from matching.
        values.Add("https://d\u0430sh11.comm100.io/api/agentSSO/jwt/Consumer");
        values.Add("https://rs\u0430.consumer.test/sso");
        values.Add("https://\u0435c.consumer.test/sso");
        values.Add("https://\uff44ash11.comm100.io/api/agentSSO/jwt/Consumer");
        values.Add("https://\uff52sa.consumer.test/sso");
        values.Add("https://da\u017fh11.comm100.io/api/agentSSO/jwt/Consumer");
        values.Add("https://r\u017fa.consumer.test/sso");
        values.Add("https://ec.con\u017fumer.test/sso");
        values.Add("https://dash\u00b9\u00b9.comm100.io/api/agentSSO/jwt/Consumer");
        values.Add("https://\u24d3ash11.comm100.io/api/agentSSO/jwt/Consumer");
        values.Add("https://da\u0301sh11.comm100.io/api/agentSSO/jwt/Consumer");
        values.Add("https://dash11.comm100\uff61io/api/agentSSO/jwt/Consumer");
        values.Add("https://dash11.comm100.io/api/agentSSO/jwt/Con\u017fumer");
        Each((host, path) => $"https://{host.Replace('.', '\u3002')}{path}");
        Each((host, path) => $"https://{host.Replace('.', '\uff0e')}{path}");
        // The same look-alikes already in punycode: pure ASCII, so only the allowlist stops them.
        values.Add($"https://{Punycode("d\u0430sh11.comm100.io")}/api/agentSSO/jwt/Consumer");
        values.Add($"https://{Punycode("rs\u0430.consumer.test")}/sso");
        values.Add($"https://{Punycode("\u0435c.consumer.test")}/sso");

        // Ports: another service on the same host, and port spellings parsers disagree on.
        Each((host, path) => $"https://{host}:8443{path}");
        Each((host, path) => $"https://{host}:80{path}");
        Each((host, path) => $"https://{host}:{path}");
        values.Add("https://dash11.comm100.io:443a/api/agentSSO/jwt/Consumer");
        values.Add("https://dash11.comm100.io:99999/api/agentSSO/jwt/Consumer");
        values.Add("https://dash11.comm100.io:+443/api/agentSSO/jwt/Consumer");
        values.Add("https://dash11.comm100.io:-443/api/agentSSO/jwt/Consumer");
        values.Add("https://dash11.comm100.io:0/api/agentSSO/jwt/Consumer");
        values.Add("https://dash11.comm100.io:65536/api/agentSSO/jwt/Consumer");
        values.Add("https://dash11.comm100.io:4430/api/agentSSO/jwt/Consumer");
        values.Add("https://dash11.comm100.io: 443/api/agentSSO/jwt/Consumer");
        values.Add("https://dash11.comm100.io:443:443/api/agentSSO/jwt/Consumer");
        values.Add("https://dash11.comm100.io:0x1bb/api/agentSSO/jwt/Consumer");
        values.Add("https://dash11.comm100.io:\uff14\uff14\uff13/api/agentSSO/jwt/Consumer");
        values.Add("https://dash11.comm100.io:000000443/api/agentSSO/jwt/Consumer");
        values.Add("https://dash11.comm100.io:443.evil.com/api/agentSSO/jwt/Consumer");

        // http: downgrade (the token would cross the network in clear), in mixed case, and other schemes.
        Each((host, path) => $"http://{host}{path}");
        Each((host, path) => $"http://{host}:443{path}");
        Each((host, path) => $"hTtP://{host}{path}");
        values.Add("HTTP://dash11.comm100.io/api/agentSSO/jwt/Consumer");
        values.Add("HtTpS://evil.com/sso");
        values.Add("ws://dash11.comm100.io/api/agentSSO/jwt/Consumer");
        values.Add("wss://dash11.comm100.io/api/agentSSO/jwt/Consumer");
        values.Add("ftp://dash11.comm100.io/api/agentSSO/jwt/Consumer");
        values.Add("file://dash11.comm100.io/api/agentSSO/jwt/Consumer");
        values.Add("file:///etc/passwd");
        values.Add("gopher://dash11.comm100.io/api/agentSSO/jwt/Consumer");
        values.Add("httpss://dash11.comm100.io/api/agentSSO/jwt/Consumer");
        values.Add("htps://dash11.comm100.io/api/agentSSO/jwt/Consumer");

        // Fragments: they would swallow the appended token, or hide the real target from a reader.
        Each((host, path) => $"https://{host}{path}#");
        Each((host, path) => $"https://{host}{path}#x");
        Each((host, path) => $"https://{host}#@evil.com{path}");
        values.Add($"{Comm100Url}?relayState=1#@evil.com");
        values.Add($"{Comm100Url}#/../../evil");
        values.Add($"https://evil.com#{Comm100Url}");
        values.Add($"{RsaConsumerUrl}#jwt=forged");

        // javascript:, data: and other schemes that run code or never leave the browser.
        values.Add("javascript:alert(1)");
        values.Add("JAVASCRIPT:alert(1)");
        values.Add("JaVaScRiPt:alert(document.cookie)");
        Each((host, path) => $"javascript://{host}{path}?%0aalert(1)");
        values.Add("java\tscript:alert(1)");
        values.Add(" javascript:alert(1)");
        values.Add("javascript&colon;alert(1)");
        values.Add("&#106;avascript:alert(1)");
        values.Add("data:text/html,<script>alert(1)</script>");
        values.Add("data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==");
        values.Add($"DATA:,{Comm100Url}");
        values.Add("vbscript:msgbox(1)");
        Each((host, path) => $"blob:https://{host}/6f1c5a2e-0000-4000-8000-000000000000");
        values.Add($"view-source:{Comm100Url}");
        values.Add("about:blank");
        values.Add("mailto:agent@dash11.comm100.io");
        values.Add("intent://dash11.comm100.io/api/agentSSO/jwt/Consumer#Intent;scheme=https;end");
        values.Add("jar:https://dash11.comm100.io/a.jar!/api/agentSSO/jwt/Consumer");
        values.Add("filesystem:https://dash11.comm100.io/temporary/Consumer");

        // IP literals in odd forms: loopback and the cloud metadata address as dotted, hex, octal, dword,
        // short, IPv6, IPv4-mapped and -compatible IPv6, with zone ids, and broken brackets.
        const string P = "/api/agentSSO/jwt/Consumer";
        values.Add($"https://127.0.0.1{P}");
        values.Add($"https://0x7f000001{P}");
        values.Add($"https://0x7f.0x0.0x0.0x1{P}");
        values.Add($"https://0177.0.0.1{P}");
        values.Add($"https://017700000001{P}");
        values.Add($"https://2130706433{P}");
        values.Add($"https://127.1{P}");
        values.Add($"https://127.0.1{P}");
        values.Add($"https://0x7f.1{P}");
        values.Add($"https://127.000.000.001{P}");
        values.Add($"https://0{P}");
        values.Add($"https://0.0.0.0{P}");
        values.Add($"https://169.254.169.254{P}");
        values.Add($"https://0xa9fea9fe{P}");
        values.Add($"https://2852039166{P}");
        values.Add($"https://0251.0376.0251.0376{P}");
        values.Add($"https://[::1]{P}");
        values.Add($"https://[::1]:443{P}");
        values.Add($"https://[0:0:0:0:0:0:0:1]{P}");
        values.Add($"https://[::]{P}");
        values.Add($"https://[::ffff:127.0.0.1]{P}");
        values.Add($"https://[::ffff:7f00:1]{P}");
        values.Add($"https://[0:0:0:0:0:ffff:169.254.169.254]{P}");
        values.Add($"https://[::127.0.0.1]{P}");
        values.Add($"https://[fe80::1%25eth0]{P}");
        values.Add($"https://[fe80::1%eth0]{P}");
        values.Add($"https://[::1%251]{P}");
        values.Add($"https://[fd00:ec2::254]{P}");
        values.Add($"https://[::1{P}");
        values.Add($"https://::1{P}");
        values.Add($"https://[::1]]{P}");
        values.Add($"https://[dash11.comm100.io]{P}");
        values.Add($"https://[v1.fe80::a+en1]{P}");
        values.Add($"https://256.256.256.256{P}");
        values.Add($"https://1.2.3.4.5{P}");
        values.Add($"http://127.0.0.1{P}");
        values.Add("http://localhost/sso");
        values.Add("http://[::1]/sso");

        // Look-alike hosts: the allowed name as a prefix, suffix, subdomain, or inside the path or query.
        Each((host, path) => $"https://{host}.evil.com{path}");
        Each((host, path) => $"https://evil{host}{path}");
        Each((host, path) => $"https://{host}.{path}");
        Each((host, path) => $"https://x.{host}{path}");
        Each((host, path) => $"https://{host}..{path}");
        values.Add("https://.dash11.comm100.io/api/agentSSO/jwt/Consumer");
        values.Add("https://comm100.io/api/agentSSO/jwt/Consumer");
        values.Add("https://consumer.test/sso");
        values.Add("https://*.comm100.io/api/agentSSO/jwt/Consumer");
        values.Add($"https://evil.com/{Comm100Url}");
        values.Add($"https://evil.com/?{Comm100Url}");

        // A jwt parameter already in the query, which a consumer might read instead of ours.
        Each((host, path) => $"https://{host}{path}?jwt=forged");
        values.Add($"{Comm100Url}?JWT=forged");
        values.Add($"{Comm100Url}?relayState=1;jwt=forged");
        values.Add($"{Comm100Url}?+jwt+=forged");
        values.Add($"{Comm100Url}?jwt");
        values.Add($"{Comm100Url}?a=1&jwt=forged&b=2");
        values.Add($"{Comm100Url}?%6Awt=forged");
        values.Add($"{Comm100Url}?%u006Awt=forged");
        values.Add($"{Comm100Url}?%4A%57%54=forged");

        // Overlong: just over the limit while otherwise allowed, a huge host, a label over 63 characters.
        values.Add($"{Comm100Url}?relayState={new string('a', RedirectPolicy.MaxLength - Comm100Url.Length - "?relayState=".Length + 1)}");
        values.Add($"https://{new string('a', 4000)}.evil.com/");
        values.Add($"https://{new string('a', 64)}.dash11.comm100.io/api/agentSSO/jwt/Consumer");
        values.Add($"https://dash11.comm100.io{string.Concat(Enumerable.Repeat("/..", 1000))}/api/agentSSO/jwt/Consumer");

        // Degenerate values that are not URLs at all.
        values.Add(" ");
        values.Add("\t");
        values.Add("null");
        values.Add("undefined");
        values.Add("*");
        values.Add(".");
        values.Add("/");
        values.Add("?");
        values.Add("#");
        values.Add("%");
        values.Add("https");
        values.Add("about:");

        return values;
    }
}

/// <summary>One server and one signed-in agent for the whole table: starting an app per case would take minutes.</summary>
public sealed class SignedInAgentFixture : IAsyncLifetime
{
    private const string Email = "agent@example.com";

    public JwtIssuerApplication App { get; } = new();

    public HttpClient Client { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        await App.CreateUserAsync(Email);
        Client = await App.CreateSignedInClientAsync(Email);
        TakeIssuedTokenCount();
    }

    /// <summary>How many tokens were minted since the last call; clears the captured log as it goes.</summary>
    public int TakeIssuedTokenCount() =>
        App.Logs.GetSnapshot(clear: true).Count(record => record.Category == JwtIssuerDiagnostics.AuditCategory && record.Id.Name == "TokenIssued");

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        await App.DisposeAsync();
    }
}
