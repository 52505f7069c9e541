using System.Net;
using JwtIssuer.Server.AgentConsole;
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

    [Fact]
    public async Task WithComm100sSdkThePageRunsItsSnippetAndOnlyThatScriptMayRun()
    {
        await using var app = WithSdk();
        await app.CreateUserAsync("agent@example.com", name: "Ann Agent");
        var browser = await app.CreateSignedInClientAsync("agent@example.com");

        var page = await browser.GetAsync("/console");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("Signed in as <strong>Ann Agent</strong>", html, StringComparison.Ordinal);
        Assert.Contains("<div id=\"comm100-agentconsole\"", html, StringComparison.Ordinal);
        Assert.Contains("<script src=\"https://dash11.comm100.io/agentconsole/sdk/comm100-embedded-client.js\"></script>", html, StringComparison.Ordinal);
        Assert.Contains("""new EmbeddedAgentConsole(Object.assign({"appId":"vincall-agent-app","siteId":10000,"modules":["chat","voice"]}""", html, StringComparison.Ordinal);
        Assert.Contains("window.top.__comm100_client = ac.init();", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<iframe", html, StringComparison.Ordinal);

        // The SDK's origin and our one inline script, by the nonce this answer carries; no 'unsafe-inline', no 'self'.
        var nonce = WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Match(html, "<script nonce=\"([^\"]+)\">").Groups[1].Value);
        Assert.NotEmpty(nonce);
        Assert.Equal($"script-src https://dash11.comm100.io 'nonce-{nonce}'", Directive(page, "script-src"));
        Assert.Equal(["'self'", "https://dash11.comm100.io", "https://ec.consumer.test", "https://rsa.consumer.test"], FrameSources(page));
        var again = await (await browser.GetAsync("/console")).Content.ReadAsStringAsync();
        Assert.DoesNotContain(nonce, again, StringComparison.Ordinal);
    }

    [Fact]
    public void TheSdkOptionsCannotBreakOutOfTheScriptWhateverTheyHold()
    {
        // Start-up refuses such an app id; the page encodes it anyway.
        var options = new AgentConsoleOptions { Sdk = new ConsoleSdkOptions { BaseUrl = "https://x.example", AppId = "</script><script>alert(1)</script>\"});alert(2);//", SiteId = 1 } };
        var model = new ConsoleModel(Microsoft.Extensions.Options.Options.Create(options));

        var json = model.SdkOptions;

        Assert.DoesNotContain("<", json, StringComparison.Ordinal);
        Assert.DoesNotContain(">", json, StringComparison.Ordinal);
        Assert.Equal(options.Sdk.AppId, System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("appId").GetString());
        Assert.StartsWith("{\"appId\":\"\\u003C/script\\u003E", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\"});", json, StringComparison.Ordinal);
    }

    private static string Directive(HttpResponseMessage page, string name) =>
        string.Join(";", page.Headers.GetValues("Content-Security-Policy")).Split(';')
            .Select(part => part.Trim()).Single(part => part.StartsWith(name + " ", StringComparison.Ordinal));

    private static JwtIssuerApplication WithSdk()
    {
        var app = new JwtIssuerApplication();
        app.Settings["Console:Sdk:BaseUrl"] = "https://dash11.comm100.io/agentconsole";
        app.Settings["Console:Sdk:AppId"] = "vincall-agent-app";
        app.Settings["Console:Sdk:SiteId"] = "10000";
        app.Settings["Console:Sdk:Modules:0"] = "chat";
        app.Settings["Console:Sdk:Modules:1"] = "voice";
        return app;
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
