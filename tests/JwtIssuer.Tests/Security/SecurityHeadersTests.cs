using System.Net;
using System.Net.Http.Headers;
using JwtIssuer.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using static JwtIssuer.Tests.Infrastructure.JwtIssuerApplication;

namespace JwtIssuer.Tests.Security;

/// <summary>Every HTML answer, pages and error pages alike, carries the same protections.</summary>
public sealed class SecurityHeadersTests : IDisposable
{
    private const string Agent = "agent@example.com";
    private readonly JwtIssuerApplication _app = new();

    public void Dispose() => _app.Dispose();

    public static TheoryData<string> HtmlAnswers => ["login page", "failed sign-in", "home page", "bad link page", "access denied page"];

    [Theory]
    [MemberData(nameof(HtmlAnswers))]
    public async Task EveryHtmlAnswerMayBeFramedOnlyByOurOwnAndSendsNoReferrerAndNoSniffing(string answer)
    {
        await _app.CreateUserAsync(Agent);
        await _app.CreateUserAsync("disabled@example.com");
        var response = await ResponseForAsync(answer);

        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var policy = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        var directives = policy.Split(';', StringSplitOptions.TrimEntries);
        Assert.Single(directives, directive => directive.StartsWith("frame-ancestors 'self' ", StringComparison.Ordinal)
            && directive.Contains(" https://dash11.comm100.io", StringComparison.Ordinal));
        // Our pages load only themselves; the library's error pages load nothing at all.
        Assert.Contains(directives, directive => directive is "default-src 'self'" or "default-src 'none'");
        Assert.Contains("base-uri 'none'", directives);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        Assert.Contains("no-store", response.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("X-Frame-Options"));
    }

    [Fact]
    public async Task AnErrorPageGetsThePagePolicyAndItsFramingRule()
    {
        var client = _app.CreateBrowserClient();
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));

        var response = await client.GetAsync("/api/jwt?redirect_url=https://evil.example/");

        // In the site's layout, like every page: its own stylesheet and nothing else, framed only by whom /login may be,
        // and, being an error page, sending no form anywhere.
        var policy = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.StartsWith("default-src 'self'; object-src 'none'; base-uri 'none'; ", policy, StringComparison.Ordinal);
        Assert.Contains("; frame-ancestors 'self' ", policy, StringComparison.Ordinal);
        Assert.Contains("form-action 'none'", policy, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HstsIsSentOverHttpsOutsideDevelopment()
    {
        var https = _app.CreateDefaultClient(new Uri("https://sso.example.test"), new CookieContainerHandler());
        var http = _app.CreateDefaultClient(new Uri("http://sso.example.test"), new CookieContainerHandler());

        var secure = await https.GetAsync("/login");
        var plain = await http.GetAsync("/login");

        Assert.Equal("max-age=31536000", Assert.Single(secure.Headers.GetValues("Strict-Transport-Security")));
        Assert.False(plain.Headers.Contains("Strict-Transport-Security"));
        // Not for loopback, where it would make a browser refuse every plain-http development server.
        Assert.False((await _app.CreateBrowserClient().GetAsync("/login")).Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task JsonAndRedirectsGetNosniffButNoPagePolicy()
    {
        await _app.CreateUserAsync(Agent);
        var jwks = await _app.CreateBrowserClient().GetAsync("/.well-known/jwks.json");
        var redirect = await (await _app.CreateSignedInClientAsync(Agent)).GetAsync(JwtUrl(Comm100Url));

        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        foreach (var response in new[] { jwks, redirect })
        {
            Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
            Assert.False(response.Headers.Contains("Content-Security-Policy"));
        }
    }

    private async Task<HttpResponseMessage> ResponseForAsync(string answer)
    {
        var html = new MediaTypeWithQualityHeaderValue("text/html");
        switch (answer)
        {
            case "login page":
                return await _app.CreateBrowserClient().GetAsync("/login");
            case "failed sign-in":
                return await PostLoginAsync(_app.CreateBrowserClient(), Agent, "wrong password");
            case "home page":
                return await (await _app.CreateSignedInClientAsync(Agent)).GetAsync("/");
            case "bad link page":
                var client = await _app.CreateSignedInClientAsync(Agent);
                client.DefaultRequestHeaders.Accept.Add(html);
                return await client.GetAsync(JwtUrl("https://evil.example/"));
            default:
                var disabled = await _app.CreateSignedInClientAsync("disabled@example.com");
                await _app.UpdateUserAsync("disabled@example.com", user => user.IsDisabled = true);
                _app.Time.Advance(TimeSpan.FromMinutes(1));
                disabled.DefaultRequestHeaders.Accept.Add(html);
                var denied = await disabled.GetAsync(JwtUrl(Comm100Url));
                Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
                return denied;
        }
    }
}
