using System.Security.Cryptography;
using JwtIssuer.BrowserTests.Apps;
using JwtIssuer.Server.Users;
using JwtIssuer.Tests.Upstream;
using Microsoft.Playwright;

namespace JwtIssuer.BrowserTests.Infrastructure;

/// <summary>Whether agents may also sign in through an OpenID Connect provider, and whether it lets itself be framed.</summary>
public enum Upstream
{
    None,

    /// <summary>A provider whose pages may be framed (the test provider's default).</summary>
    AllowsFraming,

    /// <summary>A provider that forbids framing, as Entra ID, Google and Okta do.</summary>
    RefusesFraming,
}

/// <summary>
/// One deployment of the flow: the issuer on localhost, the reference consumer on 127.0.0.1, and a fresh Chromium
/// profile. The page that embeds the console is the issuer's own <c>/console</c> (same site), or a test app on
/// 127.0.0.2 (a third site, which <c>/console</c> cannot be).
/// </summary>
public sealed class SsoWorld : IAsyncDisposable
{
    public const string Email = "agent@example.com";
    public const string Password = "a long test passphrase";

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public const string ProviderName = "Example SSO";

    /// <summary>The app id and site id the issuer's <c>/console</c> gives Comm100's SDK, in SDK mode.</summary>
    public const string SdkAppId = "vincall-agent-console";

    public const long SdkSiteId = 10000;

    private readonly bool _sdk;

    private SsoWorld(ReferenceConsumer consumer, EmbeddingApp? embedding, EmbeddingApp stranger, IssuerApplication issuer, TestIdentityProvider? provider, bool sdk)
    {
        _sdk = sdk;
        Consumer = consumer;
        Embedding = embedding;
        Stranger = stranger;
        Issuer = issuer;
        Provider = provider;
    }

    /// <summary>The OpenID Connect provider on <see cref="Sites.ProviderHost"/>, if the world has one.</summary>
    public TestIdentityProvider? Provider { get; }

    public ReferenceConsumer Consumer { get; }

    /// <summary>On a third site: the app that embeds the console and is listed in Session:FrameAncestors; else none.</summary>
    public EmbeddingApp? Embedding { get; }

    /// <summary>The page an agent opens to work: the issuer's <c>/console</c>, or the third-site app's page.</summary>
    public string AppUrl => Embedding?.AppUrl ?? Issuer.Origin + "/console";

    /// <summary>A page on a site that is not allowed to frame the issuer.</summary>
    public EmbeddingApp Stranger { get; }

    public IssuerApplication Issuer { get; }

    public IPage Page { get; private set; } = null!;

    /// <summary>The consumer's agent console inside the embedding app's iframe, or inside the one Comm100's SDK made.</summary>
    public IFrameLocator Console => Page.FrameLocator(_sdk ? "#comm100-agentconsole iframe" : "#console");

    /// <param name="embeddingHost"><see cref="Sites.IssuerHost"/> (same site: <c>/console</c>) or <see cref="Sites.ThirdHost"/> (cross site).</param>
    /// <param name="crossSite">The issuer's Session:CrossSite setting.</param>
    /// <param name="upstream">Whether an OpenID Connect provider signs agents in too (as <see cref="Email"/>).</param>
    /// <param name="sdk">Whether <c>/console</c> shows the console through Comm100's embedded SDK instead of a bare iframe.</param>
    public static async Task<SsoWorld> StartAsync(string embeddingHost, bool crossSite, Upstream upstream = Upstream.None, bool sdk = false)
    {
        var (playwright, browser) = await Chromium.LaunchAsync();
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var consumer = await ReferenceConsumer.StartAsync(secret);
        var embedding = embeddingHost == Sites.IssuerHost ? null : await EmbeddingApp.StartAsync(embeddingHost, () => consumer.ConsoleUrl);
        var stranger = await EmbeddingApp.StartAsync(embeddingHost == Sites.ThirdHost ? "127.0.0.3" : Sites.ThirdHost, () => consumer.ConsoleUrl);
        var issuer = new IssuerApplication(new Dictionary<string, string?>
        {
            ["JwtIssuer:Consumers:comm100:RedirectUrls:0"] = consumer.ConsumerUrl,
            ["JwtIssuer:Consumers:comm100:SigningKey"] = "comm100",
            ["JwtIssuer:SigningKeys:comm100:Algorithm"] = "HS256",
            ["JwtIssuer:SigningKeys:comm100:Secret"] = secret,
            ["Session:CrossSite"] = crossSite ? "true" : "false",
        });
        if (sdk)
        {
            issuer.Settings["Console:Sdk:BaseUrl"] = consumer.Origin;
            issuer.Settings["Console:Sdk:AppId"] = SdkAppId;
            issuer.Settings["Console:Sdk:SiteId"] = SdkSiteId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        else
        {
            issuer.Settings["Console:Url"] = consumer.ConsoleUrl;
        }

        if (embedding is not null)
        {
            issuer.Settings["Session:FrameAncestors:0"] = embedding.Origin;
        }

        TestIdentityProvider? provider = null;
        if (upstream != Upstream.None)
        {
            provider = await TestIdentityProvider.StartAsync(
                new Uri(issuer.Origin + "/signin-oidc"), issuer.DataDirectory, host: Sites.ProviderHost, refuseFraming: upstream == Upstream.RefusesFraming);
            provider.NextUser = new UpstreamUser("upstream-agent", Email);
            provider.ConfigureIssuer(issuer.Settings, ProviderName);
        }

        issuer.StartServer();
        consumer.IssuerOrigin = issuer.Origin;
        await issuer.CreateUserAsync(Email, Password);

        var context = await browser.NewContextAsync(new BrowserNewContextOptions { IgnoreHTTPSErrors = true, ViewportSize = new() { Width = 900, Height = 520 } });
        return new SsoWorld(consumer, embedding, stranger, issuer, provider, sdk)
        {
            _playwright = playwright,
            _browser = browser,
            Page = await context.NewPageAsync(),
        };
    }

    /// <summary>A second person at another computer: a fresh browser context, no cookies shared with <see cref="Page"/>.</summary>
    public async Task<IPage> NewPersonAsync()
    {
        var context = await _browser!.NewContextAsync(new BrowserNewContextOptions { IgnoreHTTPSErrors = true, ViewportSize = new() { Width = 900, Height = 520 } });
        return await context.NewPageAsync();
    }

    /// <summary>Signs in on the issuer's own login page, at top level.</summary>
    public async Task SignInAtTopLevelAsync()
    {
        await Page.GotoAsync($"{Issuer.Origin}/login");
        await SignInOnThePageAsync();
        await Assertions.Expect(Page.GetByText($"Signed in as {Email}")).ToBeVisibleAsync();
    }

    /// <summary>
    /// Signs in through the provider on the issuer's login page (the consumer keeps no session of its own yet), then
    /// makes the session stale (a new security stamp) and opens <c>/console</c>: its iframe shows the login page.
    /// </summary>
    public async Task ExpireTheSessionAfterAProviderSignInAsync()
    {
        await Page.GotoAsync($"{Issuer.Origin}/login");
        await Page.GetByRole(AriaRole.Button, new() { Name = $"Sign in with {ProviderName}" }).ClickAsync();
        await Assertions.Expect(Page.GetByText($"Signed in as {Email}")).ToBeVisibleAsync(new() { Timeout = 20_000 });

        await Issuer.EndSessionsAsync(Email);
        await Task.Delay(UserStatusSnapshot.MaxAge); // until the issuer reads user status again (on the system clock, which the browser's cookies need)
        await Page.GotoAsync(AppUrl);
        await Assertions.Expect(Console.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
    }

    /// <summary>Fills in the issuer's login form shown as the page itself.</summary>
    public Task SignInOnThePageAsync() =>
        SignInAsync(Page.GetByLabel("Email"), Page.GetByLabel("Password"), Page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }));

    /// <summary>Fills in the issuer's login form shown inside the console iframe.</summary>
    public Task SignInInsideTheIframeAsync() =>
        SignInAsync(Console.GetByLabel("Email"), Console.GetByLabel("Password"), Console.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }));

    private static async Task SignInAsync(ILocator email, ILocator password, ILocator button)
    {
        await email.FillAsync(Email);
        await password.FillAsync(Password);
        await button.ClickAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        await Issuer.DisposeAsync();
        if (Embedding is not null)
        {
            await Embedding.DisposeAsync();
        }

        if (Provider is not null)
        {
            await Provider.DisposeAsync();
        }

        await Stranger.DisposeAsync();
        await Consumer.DisposeAsync();
    }
}
