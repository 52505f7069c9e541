using JwtIssuer.BrowserTests.Infrastructure;
using Microsoft.Playwright;

namespace JwtIssuer.BrowserTests;

/// <summary>
/// Agents signing in through the company's OpenID Connect provider (a real OpenIddict server on its own site,
/// 127.0.0.4): at top level from <c>/console</c>, and inside the Comm100 iframe when a session has expired.
/// </summary>
public sealed class UpstreamSignInFlowTests
{
    // Seven hops, the provider's metadata and a code redemption: more than the default five seconds on a slow machine.
    private static readonly LocatorAssertionsToBeVisibleOptions Patiently = new() { Timeout = 20_000 };

    [Fact]
    public async Task AnAgentOpensTheConsoleAndSignsInThroughAProviderThatRefusesFraming()
    {
        // Like Entra ID, Google and Okta: the provider's pages may not be framed, and need not be, since /console
        // sends an agent without a session to sign in at top level.
        await using var world = await SsoWorld.StartAsync(Sites.IssuerHost, crossSite: false, Upstream.RefusesFraming);
        await world.Page.GotoAsync(world.AppUrl);

        await world.Page.GetByRole(AriaRole.Button, new() { Name = $"Sign in with {SsoWorld.ProviderName}" }).ClickAsync();

        await Assertions.Expect(world.Console.GetByText($"Signed in as {SsoWorld.Email}")).ToBeVisibleAsync(Patiently);
        await Assertions.Expect(world.Page).ToHaveURLAsync(world.AppUrl);
        Assert.Single(world.Consumer.ReceivedTokens);
    }

    [Fact]
    public async Task AfterTheSessionExpiresTheProvidersPageSignsTheAgentInAgainInsideTheIframe()
    {
        await using var world = await SsoWorld.StartAsync(Sites.IssuerHost, crossSite: false, Upstream.AllowsFraming);
        await world.ExpireTheSessionAfterAProviderSignInAsync();

        await world.Console.GetByRole(AriaRole.Button, new() { Name = $"Sign in with {SsoWorld.ProviderName}" }).ClickAsync();

        await Assertions.Expect(world.Console.GetByText($"Signed in as {SsoWorld.Email}")).ToBeVisibleAsync(Patiently);
    }

    [Fact]
    public async Task AProviderThatRefusesFramingCannotSignInAgainInsideTheIframe()
    {
        await using var world = await SsoWorld.StartAsync(Sites.IssuerHost, crossSite: false, Upstream.RefusesFraming);
        await world.ExpireTheSessionAfterAProviderSignInAsync();
        var tokens = world.Consumer.ReceivedTokens.Count;

        await world.Console.GetByRole(AriaRole.Button, new() { Name = $"Sign in with {SsoWorld.ProviderName}" }).ClickAsync();

        // Chromium replaces the provider's framed page with its own error page, as it would Entra ID's or Google's.
        var frame = world.Page.Frames.Single(frame => frame != world.Page.MainFrame);
        await world.Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await WaitForAsync(() => frame.Url.StartsWith("chrome-error://", StringComparison.Ordinal));
        Assert.Equal(tokens, world.Consumer.ReceivedTokens.Count);
    }

    [Fact]
    public async Task WithCrossSiteAnAgentSignsInThroughTheProviderInsideTheThirdPartyIframe()
    {
        // The issuer on another site than the embedding app: the provider round trip's cookies are partitioned too.
        await using var world = await SsoWorld.StartAsync(Sites.ThirdHost, crossSite: true, Upstream.AllowsFraming);
        await world.Page.GotoAsync(world.AppUrl);

        await world.Console.GetByRole(AriaRole.Button, new() { Name = $"Sign in with {SsoWorld.ProviderName}" }).ClickAsync();

        await Assertions.Expect(world.Console.GetByText($"Signed in as {SsoWorld.Email}")).ToBeVisibleAsync(Patiently);
        Assert.Single(world.Consumer.ReceivedTokens);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (var waited = 0; !condition(); waited += 100)
        {
            Assert.True(waited < 10_000, "timed out");
            await Task.Delay(100);
        }
    }
}
