using System.Security.Cryptography;
using JwtIssuer.BrowserTests.Apps;
using JwtIssuer.BrowserTests.Infrastructure;
using Microsoft.Playwright;

namespace JwtIssuer.BrowserTests;

/// <summary>
/// The same issuer serving Zendesk and Freshworks, in Chromium, against stand-ins that verify tokens as each vendor
/// documents (<see cref="ReferenceHelpDesks"/>): an agent who is signed out signs in once and lands where the help desk
/// sent them; signed in, the next help desk lets them straight in. No dialog (no script of anyone's) ever opens.
/// </summary>
public sealed class HelpDeskFlowTests : IAsyncLifetime
{
    private const string Email = "agent@example.com";
    private const string Password = "a long test passphrase";

    private ReferenceHelpDesks _desks = null!;
    private IssuerApplication _issuer = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;
    private IPage _page = null!;
    private readonly List<string> _dialogs = [];

    public async ValueTask InitializeAsync()
    {
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        _desks = await ReferenceHelpDesks.StartAsync(secret);
        using var rsa = RSA.Create(2048);
        _issuer = new IssuerApplication(new Dictionary<string, string?>
        {
            ["JwtIssuer:Consumers:zendesk:Profile"] = "Zendesk",
            ["JwtIssuer:Consumers:zendesk:RedirectUrls:0"] = _desks.ZendeskAccessUrl,
            ["JwtIssuer:Consumers:zendesk:SigningKey"] = "zendesk",
            ["JwtIssuer:Consumers:freshworks:Profile"] = "Freshworks",
            ["JwtIssuer:Consumers:freshworks:RedirectUrls:0"] = _desks.FreshworksRedirectUri,
            ["JwtIssuer:Consumers:freshworks:SigningKey"] = "freshworks",
            ["JwtIssuer:SigningKeys:zendesk:Algorithm"] = "HS256",
            ["JwtIssuer:SigningKeys:zendesk:Secret"] = secret,
            ["JwtIssuer:SigningKeys:freshworks:Algorithm"] = "RS256",
            ["JwtIssuer:SigningKeys:freshworks:PrivateKeyPem"] = rsa.ExportPkcs8PrivateKeyPem(),
        });
        _issuer.StartServer();
        _desks.IssuerOrigin = _issuer.Origin;
        await _issuer.CreateUserAsync(Email, Password);
        (_playwright, _browser) = await Chromium.LaunchAsync();
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { IgnoreHTTPSErrors = true });
        _page = await context.NewPageAsync();
        _page.Dialog += (_, dialog) => _dialogs.Add(dialog.Message);
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        await _issuer.DisposeAsync();
        await _desks.DisposeAsync();
    }

    private async Task SignInAsync()
    {
        await Assertions.Expect(_page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await _page.GetByLabel("Email").FillAsync(Email);
        await _page.GetByLabel("Password").FillAsync(Password);
        await _page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
    }

    [Fact]
    public async Task ASignedOutAgentSignsInOnceForZendeskThenFreshworksLetsThemStraightIn()
    {
        // Zendesk sends the agent here with return_to; they sign in, and the form posts the token to Zendesk by itself.
        await _page.GotoAsync($"{_desks.ZendeskOrigin}/agent/tickets/123");
        await SignInAsync();
        await Assertions.Expect(_page.Locator("#status")).ToHaveTextAsync($"Signed in as {Email}");
        await Assertions.Expect(_page.Locator("#where")).ToHaveTextAsync("/agent/tickets/123");
        Assert.Equal($"{_desks.ZendeskOrigin}/agent/tickets/123", _desks.ReceivedReturnTo.Single());

        // Freshworks next, in the same browser: the session here is reused, no prompt; state and nonce round-trip.
        await _page.GotoAsync($"{_desks.FreshworksOrigin}/support/home");
        await Assertions.Expect(_page.Locator("#status")).ToHaveTextAsync($"Signed in as {Email}");

        Assert.Empty(_desks.Refusals);
        Assert.Equal(2, _desks.ReceivedTokens.Count);
        Assert.Empty(_dialogs);
    }

    [Fact]
    public async Task ASignedInAgentGoesStraightThroughAndAHostileReturnToIsDropped()
    {
        await _page.GotoAsync($"{_issuer.Origin}/login");
        await SignInAsync();
        await Assertions.Expect(_page.GetByText($"Signed in as {Email}")).ToBeVisibleAsync();

        // A link with a return_to off the help desk's host: the token still goes to Zendesk, return_to does not.
        await _page.GotoAsync($"{_issuer.Origin}/sso/zendesk?return_to={Uri.EscapeDataString("https://evil.example/\"><script>alert(1)</script>")}");
        await Assertions.Expect(_page.Locator("#status")).ToHaveTextAsync($"Signed in as {Email}");
        await Assertions.Expect(_page.Locator("#where")).ToHaveTextAsync("/agent/");
        Assert.Equal("", _desks.ReceivedReturnTo.Last());

        await _page.GotoAsync($"{_desks.FreshworksOrigin}/support/home");
        await Assertions.Expect(_page.Locator("#status")).ToHaveTextAsync($"Signed in as {Email}");
        Assert.Empty(_desks.Refusals);
        Assert.Empty(_dialogs);
    }

    [Fact]
    public async Task WhenZendeskRefusesATokenItsMessageIsShownAsText()
    {
        await _page.GotoAsync($"{_issuer.Origin}/login");
        await SignInAsync();

        // Zendesk refuses a token it has seen (a replay), and sends the browser to the remote logout URL with why.
        await _page.GotoAsync($"{_issuer.Origin}/sso/zendesk");
        await Assertions.Expect(_page.Locator("#status")).ToHaveTextAsync($"Signed in as {Email}");
        var token = _desks.ReceivedTokens.Last();
        await _page.SetContentAsync($"""<form method="post" action="{_desks.ZendeskAccessUrl}"><input type="hidden" name="jwt" value="{token}"><button type="submit">Replay</button></form>""");
        await _page.GetByRole(AriaRole.Button, new() { Name = "Replay" }).ClickAsync();

        await Assertions.Expect(_page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Zendesk could not sign you in. It said: “The jti was used before.”");
        await Assertions.Expect(_page.GetByRole(AriaRole.Heading, new() { Name = "You have signed out" })).ToBeVisibleAsync();
    }
}
