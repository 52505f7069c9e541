using System.Net;
using JwtIssuer.Server.Audit;
using JwtIssuer.Tests.Infrastructure;
using static JwtIssuer.Tests.Infrastructure.JwtIssuerApplication;

namespace JwtIssuer.Tests.Sessions;

/// <summary><c>GET /api/jwt/logout</c>, the JWT Logout URL Comm100 sends the agent to after they sign out of Comm100.</summary>
public sealed class JwtLogoutUrlTests : IDisposable
{
    private const string Agent = "agent@example.com";
    private const string LogoutUrl = "/api/jwt/logout";
    private readonly JwtIssuerApplication _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task EndsTheSessionShowsTheSignedOutPageAndRecordsOneEvent()
    {
        await _app.CreateUserAsync(Agent);
        var agent = await _app.CreateSignedInClientAsync(Agent);

        var response = await agent.GetAsync($"{LogoutUrl}?someParameterComm100Adds=1&lang=en");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<h1>You have signed out</h1>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), cookie => cookie.StartsWith("jwtissuer=;", StringComparison.Ordinal));
        // The next token request asks for a sign-in: signing out of Comm100 means something here now.
        var next = await agent.GetAsync(JwtUrl(Comm100Url));
        Assert.Equal("/login", next.Headers.Location!.AbsolutePath);
        var signedOut = Assert.Single(await SignOutEventsAsync());
        Assert.Equal(("logout-url", Agent), (signedOut.Outcome, signedOut.Email));
        Assert.Equal((await _app.FindUserAsync(Agent)).Id, signedOut.UserId);
    }

    [Fact]
    public async Task GoesToARedirectUrlOnTheAllowlistWithNoToken()
    {
        await _app.CreateUserAsync(Agent);
        var agent = await _app.CreateSignedInClientAsync(Agent);
        var signedOut = $"{Comm100Url}?relayState=after-logout";

        var response = await agent.GetAsync($"{LogoutUrl}?redirect_url={Uri.EscapeDataString(signedOut)}");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(signedOut, response.Headers.Location!.OriginalString);
        Assert.True(response.Headers.CacheControl!.NoStore);
        Assert.Equal("/login", (await agent.GetAsync(JwtUrl(Comm100Url))).Headers.Location!.AbsolutePath);
    }

    [Theory]
    [InlineData("https://evil.example/")]
    [InlineData("https://dash11.comm100.io@evil.example/api/agentSSO/jwt/Consumer")]
    [InlineData("/login")]
    public async Task ARedirectUrlOffTheAllowlistIsIgnoredTheSessionEndsAllTheSame(string url)
    {
        await _app.CreateUserAsync(Agent);
        var agent = await _app.CreateSignedInClientAsync(Agent);

        var response = await agent.GetAsync($"{LogoutUrl}?redirect_url={Uri.EscapeDataString(url)}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Equal("/login", (await agent.GetAsync(JwtUrl(Comm100Url))).Headers.Location!.AbsolutePath);
    }

    [Fact]
    public async Task MayBeShownInsideTheConsolesFrame()
    {
        _app.Settings["Session:FrameAncestors:0"] = "https://app.voip.example.com";

        var response = await _app.CreateBrowserClient().GetAsync(LogoutUrl);

        var ancestors = string.Join(";", response.Headers.GetValues("Content-Security-Policy")).Split(';')
            .Select(part => part.Trim()).Single(part => part.StartsWith("frame-ancestors ", StringComparison.Ordinal));
        Assert.Equal("frame-ancestors 'self' https://dash11.comm100.io https://ec.consumer.test https://rsa.consumer.test https://app.voip.example.com", ancestors);
        Assert.Empty(await SignOutEventsAsync());
    }

    [Fact]
    public async Task StartedByAnotherSiteItMovesOnFromItsOwnPageBeforeSigningOut()
    {
        await _app.CreateUserAsync(Agent);
        var agent = await _app.CreateSignedInClientAsync(Agent);
        var signedOut = $"{Comm100Url}?relayState=r";
        using var crossSite = new HttpRequestMessage(HttpMethod.Get, $"{LogoutUrl}?redirect_url={Uri.EscapeDataString(signedOut)}&other=1");
        crossSite.Headers.Add("Sec-Fetch-Site", "cross-site");

        // The browser neither sends nor clears our Lax cookie on such a navigation: a page that moves on, and no sign-out yet.
        var first = await agent.SendAsync(crossSite);
        var page = await first.Content.ReadAsStringAsync();
        var next = $"{LogoutUrl}?step=continue&redirect_url={Uri.EscapeDataString(signedOut)}";
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Contains($"<meta http-equiv=\"refresh\" content=\"0;url={WebUtility.HtmlEncode(next)}\">", page, StringComparison.Ordinal);
        Assert.Empty(await SignOutEventsAsync());

        // Our own page's navigation signs out, once, and goes on to the allowed URL.
        using var sameOrigin = new HttpRequestMessage(HttpMethod.Get, next);
        sameOrigin.Headers.Add("Sec-Fetch-Site", "same-origin");
        var second = await agent.SendAsync(sameOrigin);
        Assert.Equal(signedOut, second.Headers.Location!.OriginalString);
        Assert.Single(await SignOutEventsAsync());
        Assert.Equal("/login", (await agent.GetAsync(JwtUrl(Comm100Url))).Headers.Location!.AbsolutePath);
    }

    [Fact]
    public async Task TheSignOutButtonRecordsItsEventToo()
    {
        await _app.CreateUserAsync(Agent);
        var agent = await _app.CreateSignedInClientAsync(Agent);
        var token = await AntiforgeryTokenAsync(agent, "/logout");

        var response = await agent.PostAsync("/logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));

        Assert.Equal("/login", response.Headers.Location!.OriginalString);
        var signedOut = Assert.Single(await SignOutEventsAsync());
        Assert.Equal(("form", Agent), (signedOut.Outcome, signedOut.Email));
    }

    private Task<List<AuditEvent>> SignOutEventsAsync() => _app.AuditEventsAsync(AuditEventTypes.SignOut);
}
