using JwtIssuer.BrowserTests.Infrastructure;
using JwtIssuer.Server.Users;
using Microsoft.Playwright;

namespace JwtIssuer.BrowserTests;

/// <summary>
/// The recommended deployment, with the issuer's own <c>/console</c> page embedding the consumer's agent console:
/// issuer and page on localhost, the consumer on another site (127.0.0.1), default cookie settings (SameSite=Lax).
/// </summary>
public sealed class SameSiteFlowTests : IAsyncLifetime
{
    private SsoWorld _world = null!;

    public async ValueTask InitializeAsync() => _world = await SsoWorld.StartAsync(Sites.IssuerHost, crossSite: false);

    public async ValueTask DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task AgentSignedInAtTopLevelIsSignedInInsideTheIframeWithNoPrompt()
    {
        await _world.SignInAtTopLevelAsync();

        await _world.Page.GotoAsync(_world.AppUrl);

        await Assertions.Expect(_world.Console.GetByText($"Signed in as {SsoWorld.Email}")).ToBeVisibleAsync();
        Assert.Single(_world.Consumer.ReceivedTokens);
        var screenshots = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots"));
        await _world.Page.ScreenshotAsync(new() { Path = Path.Combine(screenshots.FullName, "iframe-signed-in.png") });
    }

    [Fact]
    public async Task AnAgentOpensTheConsoleSignsInOnceAndSeesTheConsoleSignedIn()
    {
        await _world.Page.GotoAsync(_world.AppUrl);

        // Not signed in: the issuer's login page first, at top level, then back to /console.
        await Assertions.Expect(_world.Page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await _world.SignInOnThePageAsync();

        await Assertions.Expect(_world.Page).ToHaveURLAsync(_world.AppUrl);
        await Assertions.Expect(_world.Page.GetByText($"Signed in as {SsoWorld.Email}")).ToBeVisibleAsync();
        await Assertions.Expect(_world.Console.GetByText($"Signed in as {SsoWorld.Email}")).ToBeVisibleAsync();
        Assert.Single(_world.Consumer.ReceivedTokens);
    }

    [Fact]
    public async Task AnExpiredSessionSignsInAgainInsideTheConsolesIframe()
    {
        await _world.SignInAtTopLevelAsync();
        await _world.Issuer.EndSessionsAsync(SsoWorld.Email);
        await Task.Delay(UserStatusSnapshot.MaxAge); // until the issuer reads user status again (on the system clock, which the browser's cookies need)

        // The page still shows (its own session check is due later); the console's token request is sent to sign in.
        await _world.Page.GotoAsync(_world.AppUrl);
        await Assertions.Expect(_world.Console.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await _world.SignInInsideTheIframeAsync();

        await Assertions.Expect(_world.Console.GetByText($"Signed in as {SsoWorld.Email}")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task DisabledAgentSeesAccessDeniedAndNoTokenReachesTheConsumer()
    {
        await _world.SignInAtTopLevelAsync();
        await _world.Issuer.DisableUserAsync(SsoWorld.Email);

        await _world.Page.GotoAsync(_world.AppUrl);

        await Assertions.Expect(_world.Console.GetByRole(AriaRole.Heading, new() { Name = "Access denied" })).ToBeVisibleAsync();
        Assert.Empty(_world.Consumer.ReceivedTokens);
        Assert.Empty(_world.Consumer.Arrivals);
    }

    [Fact]
    public async Task ConsumerUrlOffTheAllowlistShowsOurErrorAndTheConsumerReceivesNothing()
    {
        await _world.SignInAtTopLevelAsync();
        _world.Consumer.RedirectPath = "/not-allowlisted/Consumer";

        await _world.Page.GotoAsync(_world.AppUrl);

        await Assertions.Expect(_world.Console.GetByRole(AriaRole.Heading, new() { Name = "This sign-in link is not valid" })).ToBeVisibleAsync();
        Assert.Empty(_world.Consumer.Arrivals);
    }

    [Fact]
    public async Task ConsumerRefusesTheSameTokenTwice()
    {
        await _world.SignInAtTopLevelAsync();
        await _world.Page.GotoAsync(_world.AppUrl);
        await Assertions.Expect(_world.Console.GetByText($"Signed in as {SsoWorld.Email}")).ToBeVisibleAsync();
        var firstArrival = Assert.Single(_world.Consumer.Arrivals);

        await _world.Page.GotoAsync(_world.Consumer.Origin + firstArrival);

        await Assertions.Expect(_world.Page.GetByText("Sign-in refused: token already used")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task LoginPageRendersInNoOtherSitesFrame()
    {
        var login = $"{_world.Issuer.Origin}/login";

        await _world.Page.GotoAsync(_world.Stranger.FrameUrl(login));
        var frame = _world.Page.Frames.Single(frame => frame != _world.Page.MainFrame);
        await _world.Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        // Chromium replaces a frame that CSP frame-ancestors forbids with its own error page.
        Assert.StartsWith("chrome-error://", frame.Url, StringComparison.Ordinal);
        Assert.Equal(0, await frame.GetByRole(AriaRole.Heading, new() { Name = "Sign in" }).CountAsync());
        Assert.Equal(0, await frame.GetByLabel("Password").CountAsync());
    }
}
