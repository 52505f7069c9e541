using JwtIssuer.BrowserTests.Infrastructure;
using Microsoft.Playwright;

namespace JwtIssuer.BrowserTests;

/// <summary>
/// The issuer's <c>/console</c> showing Comm100's console through its embedded agent console SDK (the reference
/// consumer's stand-in of it), as Comm100's tutorial app does; and the sign-out round trip through the JWT Logout URL.
/// </summary>
public sealed class ConsoleSdkFlowTests : IAsyncLifetime
{
    private SsoWorld _world = null!;

    public async ValueTask InitializeAsync() => _world = await SsoWorld.StartAsync(Sites.IssuerHost, crossSite: false, sdk: true);

    public async ValueTask DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task TheSdkFramesTheConsoleWhichSignsTheAgentInAfterOneSignIn()
    {
        await _world.Page.GotoAsync(_world.AppUrl);
        await Assertions.Expect(_world.Page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await _world.SignInOnThePageAsync();

        await Assertions.Expect(_world.Page).ToHaveURLAsync(_world.AppUrl);
        await Assertions.Expect(_world.Page.GetByText($"Signed in as {SsoWorld.Email}")).ToBeVisibleAsync();
        await Assertions.Expect(_world.Console.GetByText($"Signed in as {SsoWorld.Email}")).ToBeVisibleAsync();
        Assert.Single(_world.Consumer.ReceivedTokens);
        // The SDK got exactly what the settings say, as the tutorial passes it.
        Assert.Contains($"appId={SsoWorld.SdkAppId}&siteId={SsoWorld.SdkSiteId}&modules=chat", _world.Consumer.SdkLaunches);
    }

    [Fact]
    public async Task SigningOutOfTheConsoleEndsTheSessionHereThroughTheLogoutUrl()
    {
        await _world.SignInAtTopLevelAsync();
        await _world.Page.GotoAsync(_world.AppUrl);
        await Assertions.Expect(_world.Console.GetByText($"Signed in as {SsoWorld.Email}")).ToBeVisibleAsync();

        // The agent signs out of Comm100: it sends the frame to our JWT Logout URL, which ends our session too.
        await _world.Console.GetByRole(AriaRole.Link, new() { Name = "Sign out of Comm100" }).ClickAsync();
        await Assertions.Expect(_world.Console.GetByRole(AriaRole.Heading, new() { Name = "You have signed out" })).ToBeVisibleAsync();

        // The next visit asks for a sign-in instead of signing the agent straight back in.
        await _world.Page.GotoAsync(_world.AppUrl);
        await Assertions.Expect(_world.Page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        Assert.Single(_world.Consumer.ReceivedTokens);
    }
}
