using System.Net;
using JwtIssuer.Tests.Infrastructure;
using static JwtIssuer.Tests.Infrastructure.JwtIssuerApplication;

namespace JwtIssuer.Tests.AgentConsole;

/// <summary><c>/console</c>: Comm100's agent console in a full-window iframe, for signed-in agents only.</summary>
public sealed class ConsolePageTests
{
    private const string ConsoleUrl = "https://dash11.comm100.io/ui/10000/agentconsole/?siteId=10000&lang=en";

    [Fact]
    public async Task WithoutConsoleUrlThePageDoesNotExist()
    {
        await using var app = new JwtIssuerApplication();

        Assert.Equal(HttpStatusCode.NotFound, (await app.CreateBrowserClient().GetAsync("/console")).StatusCode);
    }

    [Fact]
    public async Task SomeoneNotSignedInSignsInFirstAndComesBack()
    {
        await using var app = WithConsole();
        await app.CreateUserAsync("agent@example.com");
        var browser = app.CreateBrowserClient();

        var challenge = await browser.GetAsync("/console");
        Assert.Equal(HttpStatusCode.Redirect, challenge.StatusCode);
        Assert.Equal("/login?ReturnUrl=%2Fconsole", challenge.Headers.Location!.PathAndQuery);

        var signedIn = await PostLoginAsync(browser, "agent@example.com", DefaultPassword, "/console");
        Assert.Equal("/console", signedIn.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/console")).StatusCode);
    }

    [Fact]
    public async Task ASignedInAgentSeesTheConsoleFramedAndOnlyItsOriginMayBeFramed()
    {
        await using var app = WithConsole();
        await app.CreateUserAsync("agent@example.com", name: "Ann Agent");
        var browser = await app.CreateSignedInClientAsync("agent@example.com");

        var page = await browser.GetAsync("/console");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains($"<iframe id=\"console\" title=\"Comm100 agent console\" src=\"{WebUtility.HtmlEncode(ConsoleUrl).Replace("&#39;", "'", StringComparison.Ordinal)}\"", html, StringComparison.Ordinal);
        Assert.Contains("Signed in as <strong>Ann Agent</strong>", html, StringComparison.Ordinal);
        Assert.Contains("name=\"__RequestVerificationToken\"", html, StringComparison.Ordinal);
        Assert.Contains("allow=\"microphone; camera; display-capture; autoplay; clipboard-write\"", html, StringComparison.Ordinal);
        var csp = string.Join(";", page.Headers.GetValues("Content-Security-Policy"));
        // The console, our own pages (sign in again, a refusal) and the consumer URLs the token goes to; nothing else.
        Assert.Equal(["'self'", "https://dash11.comm100.io", "https://ec.consumer.test", "https://rsa.consumer.test"], FrameSources(page));
        Assert.Contains("default-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'self'", csp, StringComparison.Ordinal);
        Assert.True(page.Headers.CacheControl!.NoStore);
    }

    [Fact]
    public async Task WithAnOpenIdConnectProviderItsSignInPageMayBeFramedToo()
    {
        await using var app = WithConsole();
        app.Settings["Authentication:OpenIdConnect:Authority"] = "https://login.example.com/realms/agents";
        app.Settings["Authentication:OpenIdConnect:ClientId"] = "jwt-issuer";
        app.Settings["Authentication:OpenIdConnect:ClientSecret"] = "test-only-client-secret";
        await app.CreateUserAsync("agent@example.com");
        var browser = await app.CreateSignedInClientAsync("agent@example.com");

        var page = await browser.GetAsync("/console");

        Assert.Contains("https://login.example.com", FrameSources(page));
    }

    [Fact]
    public async Task AnAgentWithNoNameIsShownByEmailAndAnIdnConsoleHostIsFramedInPunycode()
    {
        await using var app = new JwtIssuerApplication();
        app.Settings["Console:Url"] = "https://bücher.example:8443/console";
        await app.CreateUserAsync("agent@example.com", name: null);
        var browser = await app.CreateSignedInClientAsync("agent@example.com");

        var page = await browser.GetAsync("/console");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Signed in as <strong>agent@example.com</strong>", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("https://xn--bcher-kva.example:8443", FrameSources(page));
    }

    [Fact]
    public async Task OtherPagesStillFrameNothing()
    {
        await using var app = WithConsole();

        var login = await app.CreateBrowserClient().GetAsync("/login");

        Assert.DoesNotContain("frame-src", string.Join(";", login.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
    }

    private static string[] FrameSources(HttpResponseMessage page)
    {
        var directive = string.Join(";", page.Headers.GetValues("Content-Security-Policy")).Split(';')
            .Select(part => part.Trim()).Single(part => part.StartsWith("frame-src ", StringComparison.Ordinal));
        return [.. directive.Split(' ').Skip(1).Order(StringComparer.Ordinal)];
    }

    private static JwtIssuerApplication WithConsole()
    {
        var app = new JwtIssuerApplication();
        app.Settings["Console:Url"] = ConsoleUrl;
        return app;
    }
}
