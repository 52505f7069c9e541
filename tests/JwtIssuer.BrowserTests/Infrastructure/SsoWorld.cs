using System.Security.Cryptography;
using JwtIssuer.BrowserTests.Apps;
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
/// One deployment of the flow: the issuer on localhost, the reference consumer on 127.0.0.1, the embedding app
/// on localhost (same site as the issuer) or on 127.0.0.2 (a third site), and a fresh Chromium profile.
/// </summary>
public sealed class SsoWorld : IAsyncDisposable
{
    public const string Email = "agent@example.com";
    public const string Password = "a long test passphrase";

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public const string ProviderName = "Example SSO";

    private SsoWorld(ReferenceConsumer consumer, EmbeddingApp embedding, EmbeddingApp stranger, IssuerApplication issuer, TestIdentityProvider? provider)
    {
        Consumer = consumer;
        Embedding = embedding;
        Stranger = stranger;
        Issuer = issuer;
        Provider = provider;
    }

    /// <summary>The OpenID Connect provider on <see cref="Sites.ProviderHost"/>, if the world has one.</summary>
    public TestIdentityProvider? Provider { get; }

    public ReferenceConsumer Consumer { get; }

    /// <summary>The app that embeds the console and is listed in Session:FrameAncestors.</summary>
    public EmbeddingApp Embedding { get; }

    /// <summary>A page on a site that is not allowed to frame the issuer.</summary>
    public EmbeddingApp Stranger { get; }

    public IssuerApplication Issuer { get; }

    public IPage Page { get; private set; } = null!;

    /// <summary>The consumer's agent console inside the embedding app's iframe.</summary>
    public IFrameLocator Console => Page.FrameLocator("#console");

    /// <param name="embeddingHost"><see cref="Sites.IssuerHost"/> (same site) or <see cref="Sites.ThirdHost"/> (cross site).</param>
    /// <param name="crossSite">The issuer's Session:CrossSite setting.</param>
    /// <param name="upstream">Whether an OpenID Connect provider signs agents in too (as <see cref="Email"/>).</param>
    public static async Task<SsoWorld> StartAsync(string embeddingHost, bool crossSite, Upstream upstream = Upstream.None)
    {
        var (playwright, browser) = await Chromium.LaunchAsync();
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var consumer = await ReferenceConsumer.StartAsync(secret);
        var embedding = await EmbeddingApp.StartAsync(embeddingHost, () => consumer.ConsoleUrl);
        var stranger = await EmbeddingApp.StartAsync(embeddingHost == Sites.ThirdHost ? "127.0.0.3" : Sites.ThirdHost, () => consumer.ConsoleUrl);
        var issuer = new IssuerApplication(new Dictionary<string, string?>
        {
            ["JwtIssuer:Consumers:comm100:RedirectUrls:0"] = consumer.ConsumerUrl,
            ["JwtIssuer:Consumers:comm100:SigningKey"] = "comm100",
            ["JwtIssuer:SigningKeys:comm100:Algorithm"] = "HS256",
            ["JwtIssuer:SigningKeys:comm100:Secret"] = secret,
            ["Session:FrameAncestors:0"] = embedding.Origin,
            ["Session:CrossSite"] = crossSite ? "true" : "false",
        });
        TestIdentityProvider? provider = null;
        if (upstream != Upstream.None)
        {
            provider = await TestIdentityProvider.StartAsync(
                new Uri(issuer.Origin + "/signin-oidc"), issuer.DataDirectory, host: Sites.ProviderHost, refuseFraming: upstream == Upstream.RefusesFraming);
            provider.NextUser = new UpstreamUser("upstream-agent", Email);
            issuer.Settings["Authentication:OpenIdConnect:Authority"] = provider.Authority.ToString();
            issuer.Settings["Authentication:OpenIdConnect:ClientId"] = TestIdentityProvider.ClientId;
            issuer.Settings["Authentication:OpenIdConnect:ClientSecret"] = TestIdentityProvider.ClientSecret;
            issuer.Settings["Authentication:OpenIdConnect:DisplayName"] = ProviderName;
        }

        issuer.StartServer();
        consumer.IssuerOrigin = issuer.Origin;
        await issuer.CreateUserAsync(Email, Password);

        var context = await browser.NewContextAsync(new BrowserNewContextOptions { IgnoreHTTPSErrors = true, ViewportSize = new() { Width = 900, Height = 520 } });
        return new SsoWorld(consumer, embedding, stranger, issuer, provider)
        {
            _playwright = playwright,
            _browser = browser,
            Page = await context.NewPageAsync(),
        };
    }

    /// <summary>Signs in on the issuer's own login page, at top level.</summary>
    public async Task SignInAtTopLevelAsync()
    {
        await Page.GotoAsync($"{Issuer.Origin}/login");
        await SignInAsync(Page.GetByLabel("Email"), Page.GetByLabel("Password"), Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }));
        await Assertions.Expect(Page.GetByText($"Signed in as {Email}")).ToBeVisibleAsync();
    }

    /// <summary>On the issuer's own login page at top level, "Sign in with ..." and the provider's round trip.</summary>
    public async Task SignInThroughTheProviderAtTopLevelAsync()
    {
        await Page.GotoAsync($"{Issuer.Origin}/login");
        await Page.GetByRole(AriaRole.Button, new() { Name = $"Sign in with {ProviderName}" }).ClickAsync();
        await Assertions.Expect(Page.GetByText($"Signed in as {Email}")).ToBeVisibleAsync();
    }

    /// <summary>Fills in the issuer's login form shown inside the console iframe.</summary>
    public Task SignInInsideTheIframeAsync() =>
        SignInAsync(Console.GetByLabel("Email"), Console.GetByLabel("Password"), Console.GetByRole(AriaRole.Button, new() { Name = "Sign in" }));

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
        if (Provider is not null)
        {
            await Provider.DisposeAsync();
        }

        await Embedding.DisposeAsync();
        await Stranger.DisposeAsync();
        await Consumer.DisposeAsync();
    }
}
