using JwtIssuer.BrowserTests.Infrastructure;
using Microsoft.Playwright;

namespace JwtIssuer.BrowserTests;

/// <summary>
/// The issuer on another site than the embedding app (127.0.0.2): its cookies are third-party cookies inside
/// the iframe, which Chromium keeps only when they are partitioned (Session:CrossSite = true).
/// </summary>
public sealed class CrossSiteFlowTests
{
    [Fact]
    public async Task WithCrossSiteTheAgentSignsInInsideTheIframeOnceAndEndsSignedIn()
    {
        await using var world = await SsoWorld.StartAsync(Sites.ThirdHost, crossSite: true);
        await world.Page.GotoAsync(world.AppUrl);
        await Assertions.Expect(world.Console.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();

        await world.SignInInsideTheIframeAsync();

        await Assertions.Expect(world.Console.GetByText($"Signed in as {SsoWorld.Email}")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task WithDefaultSettingsACrossSiteIframeSignInFailsAndSaysWhy()
    {
        // The limitation the README documents: Chromium withholds the issuer's Lax cookies from a third-party
        // iframe, so the login form's antiforgery cookie never comes back and no session can start.
        await using var world = await SsoWorld.StartAsync(Sites.ThirdHost, crossSite: false);
        await world.Page.GotoAsync(world.AppUrl);
        await Assertions.Expect(world.Console.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();

        await world.SignInInsideTheIframeAsync();

        await Assertions.Expect(world.Console.GetByText("Your browser did not send this site's cookies")).ToBeVisibleAsync();
        await Assertions.Expect(world.Console.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        Assert.Empty(world.Consumer.ReceivedTokens);
    }

    [Fact]
    public async Task WithCrossSiteATopLevelSignInDoesNotCarryIntoTheIframe()
    {
        // A partitioned cookie lives in a jar keyed by the embedding site: signing in at top level fills
        // another jar, so the agent is asked once more inside the iframe.
        await using var world = await SsoWorld.StartAsync(Sites.ThirdHost, crossSite: true);
        await world.SignInAtTopLevelAsync();

        await world.Page.GotoAsync(world.AppUrl);

        await Assertions.Expect(world.Console.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        Assert.Empty(world.Consumer.ReceivedTokens);
    }
}
