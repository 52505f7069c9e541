using System.Net;
using System.Text.Json;
using JwtIssuer.Server.Users;
using JwtIssuer.Tests.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace JwtIssuer.Tests.SharedCookie;

/// <summary>
/// An existing ASP.NET Core Identity app and the server sharing one sign-in (the README's "Shared cookie"): same
/// Data Protection key ring and application name, same cookie name, and <c>Session:SharedCookie</c> on the server.
/// An agent signed in to the app gets a token with no second login; the server's list of users says who is an agent.
/// </summary>
public sealed class SharedCookieTests
{
    private const string ApplicationName = "ExampleApp";
    private const string CookieName = ".Example.Session";
    private const string Agent = "agent@example.com";

    [Theory]
    [InlineData(TestDatabase.Sqlite, AppSignIn.Identity)]
    [InlineData(TestDatabase.Sqlite, AppSignIn.CookieOnly)]
    [InlineData(TestDatabase.Postgres, AppSignIn.Identity)]
    public async Task AnAgentSignedInToTheAppGetsATokenWithNoSecondLogin(string provider, AppSignIn appSignIn)
    {
        await using var both = await Both.StartAsync(provider, appSignIn: appSignIn);
        await both.AgentSignedInToTheAppAsync();

        var response = await both.IssuerTab.GetAsync(JwtIssuerApplication.JwtUrl(JwtIssuerApplication.Comm100Url + "?relayState=r1"));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith(JwtIssuerApplication.Comm100Url + "?relayState=r1&jwt=", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
        var token = await TokenAssert.VerifiedAsync(TokenAssert.TokenFrom(response.Headers.Location), TokenAssert.Hs256Key, "Comm100", both.Issuer.Time.GetUtcNow());
        Assert.Equal(Agent, token.GetClaim("email").Value);
        // The server neither signed the agent in again nor touched the app's cookie.
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task TheEmailIsMatchedAsIdentityMatchesIt()
    {
        await using var both = await Both.StartAsync();
        await both.Issuer.CreateUserAsync("Agent@Example.com");
        await both.App.CreateUserAsync("agent@EXAMPLE.com");
        await both.SignInToTheAppAsync("agent@EXAMPLE.com");

        var response = await both.IssuerTab.GetAsync(JwtIssuerApplication.JwtUrl(JwtIssuerApplication.Comm100Url));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("jwt=", response.Headers.Location!.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SomeoneSignedInToTheAppWhoIsNoAgentHereGetsA403AndNoToken()
    {
        await using var both = await Both.StartAsync();
        await both.Issuer.CreateUserAsync(Agent);
        await both.App.CreateUserAsync("accounts@example.com");
        await both.SignInToTheAppAsync("accounts@example.com");

        var response = await both.IssuerTab.GetAsync(JwtIssuerApplication.JwtUrl(JwtIssuerApplication.Comm100Url));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Null(response.Headers.Location);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains("not as an agent", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAgentDisabledHereIsRefusedThoughTheAppStillSignsThemIn()
    {
        await using var both = await Both.StartAsync();
        await both.AgentSignedInToTheAppAsync();
        Assert.Equal(HttpStatusCode.Redirect, (await both.IssuerTab.GetAsync(JwtIssuerApplication.JwtUrl(JwtIssuerApplication.Comm100Url))).StatusCode);

        await both.Issuer.UpdateUserAsync(Agent, user => user.IsDisabled = true);
        both.Issuer.Time.Advance(UserStatusSnapshot.MaxAge);

        var response = await both.IssuerTab.GetAsync(JwtIssuerApplication.JwtUrl(JwtIssuerApplication.Comm100Url));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task TheServersPagesLeaveTheAppsSignInAlone()
    {
        await using var both = await Both.StartAsync();
        await both.AgentSignedInToTheAppAsync();

        // Past the security stamp validator's interval, which would find no such user here and sign the agent out.
        both.Issuer.Time.Advance(TimeSpan.FromMinutes(5));
        var page = await both.IssuerTab.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains(Agent, await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(page.Headers.GetValues("Set-Cookie"), cookie => cookie.StartsWith(CookieName + "=", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, (await both.AppTab.GetAsync("/me")).StatusCode);
    }

    [Theory]
    [InlineData(false, ApplicationName)]
    [InlineData(true, "SomeOtherApp")]
    public async Task WithoutSharedCookieOrTheSameApplicationNameTheAppsSignInCountsForNothing(bool sharedCookie, string appApplicationName)
    {
        await using var both = await Both.StartAsync(sharedCookie: sharedCookie, appApplicationName: appApplicationName);
        await both.AgentSignedInToTheAppAsync();

        var response = await both.IssuerTab.GetAsync(JwtIssuerApplication.JwtUrl(JwtIssuerApplication.Comm100Url));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login", response.Headers.Location!.AbsolutePath);
    }

    [Fact]
    public async Task ASignInMadeHereKeepsItsSecurityStampCheck()
    {
        await using var both = await Both.StartAsync();
        await both.Issuer.CreateUserAsync(Agent);
        var login = await JwtIssuerApplication.PostLoginAsync(both.IssuerTab, Agent, JwtIssuerApplication.DefaultPassword);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await both.IssuerTab.GetAsync(JwtIssuerApplication.JwtUrl(JwtIssuerApplication.Comm100Url))).StatusCode);

        // A new password elsewhere: this session's stamp is stale, though its email is still an active agent's.
        await using (var scope = both.Issuer.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<JwtIssuer.Server.Users.User>>();
            await users.UpdateSecurityStampAsync(await users.FindByEmailAsync(Agent) ?? throw new InvalidOperationException());
        }

        both.Issuer.Time.Advance(UserStatusSnapshot.MaxAge);

        var response = await both.IssuerTab.GetAsync(JwtIssuerApplication.JwtUrl(JwtIssuerApplication.Comm100Url));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login", response.Headers.Location!.AbsolutePath);
    }

    [Fact]
    public async Task WithACookieDomainTheSessionReachesTheAppOnASiblingSubdomain()
    {
        await using var issuer = new JwtIssuerApplication();
        issuer.Settings["Session:CookieDomain"] = "example.test";
        await issuer.CreateUserAsync(Agent);
        var cookies = new CookieContainer();
        var browser = issuer.CreateDefaultClient(new Uri("https://sso.example.test"), new CookieContainerHandler(cookies));

        var login = await JwtIssuerApplication.PostLoginAsync(browser, Agent, JwtIssuerApplication.DefaultPassword);

        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var session = Assert.Single(login.Headers.GetValues("Set-Cookie"), cookie => cookie.StartsWith("jwtissuer=", StringComparison.Ordinal));
        Assert.Contains("domain=example.test", session, StringComparison.OrdinalIgnoreCase);
        var sent = cookies.GetCookies(new Uri("https://app.example.test/")).Select(cookie => cookie.Name);
        Assert.Contains("jwtissuer", sent);
        // The antiforgery cookie stays this host's own.
        Assert.DoesNotContain("jwtissuer.af", sent);
    }

    /// <summary>The server and the app, one browser's cookie jar for both, one tab on each.</summary>
    private sealed class Both : IAsyncDisposable
    {
        private readonly CookieContainer _cookies = new();

        private Both(JwtIssuerApplication issuer, ExistingApp app)
        {
            Issuer = issuer;
            App = app;
            IssuerTab = issuer.CreateBrowserClient(_cookies);
            AppTab = app.CreateClient(_cookies);
        }

        public JwtIssuerApplication Issuer { get; }

        public ExistingApp App { get; }

        public HttpClient IssuerTab { get; }

        public HttpClient AppTab { get; }

        public static async Task<Both> StartAsync(
            string provider = TestDatabase.Sqlite,
            bool sharedCookie = true,
            string appApplicationName = ApplicationName,
            AppSignIn appSignIn = AppSignIn.Identity)
        {
            var issuer = new JwtIssuerApplication(provider);
            issuer.Settings["DataProtection:ApplicationName"] = ApplicationName;
            issuer.Settings["Session:CookieName"] = CookieName;
            issuer.Settings["Session:SharedCookie"] = sharedCookie ? "true" : "false";
            _ = issuer.Services; // started: the database (and with PostgreSQL the key ring's table) exists

            Action<IDataProtectionBuilder> keyRing = provider == TestDatabase.Sqlite
                ? dataProtection => dataProtection.PersistKeysToFileSystem(new DirectoryInfo(issuer.Settings["DataProtection:KeysPath"]!))
                : dataProtection =>
                {
                    dataProtection.Services.AddDbContext<IssuerKeyRingContext>(options => options.UseNpgsql(issuer.Database.ConnectionString));
                    dataProtection.PersistKeysToDbContext<IssuerKeyRingContext>();
                };
            var app = await ExistingApp.StartAsync(issuer.DataDirectory, appApplicationName, CookieName, keyRing, appSignIn);
            return new Both(issuer, app);
        }

        /// <summary>The agent is a user here and in the app, and signed in to the app.</summary>
        public async Task AgentSignedInToTheAppAsync()
        {
            await Issuer.CreateUserAsync(Agent);
            await App.CreateUserAsync(Agent);
            await SignInToTheAppAsync(Agent);
        }

        public async Task SignInToTheAppAsync(string email)
        {
            var response = await AppTab.PostAsync($"/account/sign-in?email={Uri.EscapeDataString(email)}", content: null);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await AppTab.GetAsync("/me")).StatusCode);
        }

        public async ValueTask DisposeAsync()
        {
            IssuerTab.Dispose();
            AppTab.Dispose();
            await App.DisposeAsync();
            await Issuer.DisposeAsync();
        }
    }
}
