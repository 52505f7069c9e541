using JwtIssuer.BrowserTests.Infrastructure;
using Microsoft.Playwright;

namespace JwtIssuer.BrowserTests;

/// <summary>
/// Agents signing in through the company's OpenID Connect provider (a real OpenIddict server on its own site,
/// 127.0.0.4), inside the Comm100 iframe and at top level.
/// </summary>
public sealed class UpstreamSignInFlowTests
{
    [Fact]
    public async Task AnAgentSignsInThroughTheProviderInsideTheIframeAndEndsSignedInAtTheConsumer()
    {
        await using var world = await SsoWorld.StartAsync(Sites.IssuerHost, crossSite: false, Upstream.AllowsFraming);
        await world.Page.GotoAsync(world.Embedding.AppUrl);

        // Our login page in the iframe; the provider's button takes the frame to the provider and back.
        await world.Console.GetByRole(AriaRole.Button, new() { Name = $"Sign in with {SsoWorld.ProviderName}" }).ClickAsync();

        // Seven hops, the provider's metadata and a code redemption: more than the default five seconds on a slow machine.
        await Assertions.Expect(world.Console.GetByText($"Signed in as {SsoWorld.Email}")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        Assert.Single(world.Consumer.ReceivedTokens);
    }

    [Fact]
    public async Task WithCrossSiteAnAgentSignsInThroughTheProviderInsideTheThirdPartyIframe()
    {
        // The issuer on another site than the embedding app: the provider round trip's cookies are partitioned too.
        await using var world = await SsoWorld.StartAsync(Sites.ThirdHost, crossSite: true, Upstream.AllowsFraming);
        await world.Page.GotoAsync(world.Embedding.AppUrl);

        await world.Console.GetByRole(AriaRole.Button, new() { Name = $"Sign in with {SsoWorld.ProviderName}" }).ClickAsync();

        await Assertions.Expect(world.Console.GetByText($"Signed in as {SsoWorld.Email}")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        Assert.Single(world.Consumer.ReceivedTokens);
    }

    [Fact]
    public async Task AProviderThatRefusesFramingCannotSignInInsideTheIframeButATopLevelSignInCarriesIntoIt()
    {
        await using var world = await SsoWorld.StartAsync(Sites.IssuerHost, crossSite: false, Upstream.RefusesFraming);
        await world.Page.GotoAsync(world.Embedding.AppUrl);

        await world.Console.GetByRole(AriaRole.Button, new() { Name = $"Sign in with {SsoWorld.ProviderName}" }).ClickAsync();

        // Chromium replaces the provider's framed page with its own error page, as it would Entra ID's or Google's.
        var frame = world.Page.Frames.Single(frame => frame != world.Page.MainFrame);
        await world.Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await WaitForAsync(() => frame.Url.StartsWith("chrome-error://", StringComparison.Ordinal));
        Assert.Empty(world.Consumer.ReceivedTokens);

        // Signed in once at top level, on the issuer's own page, the agent needs no prompt in the iframe.
        await world.SignInThroughTheProviderAtTopLevelAsync();
        await world.Page.GotoAsync(world.Embedding.AppUrl);

        await Assertions.Expect(world.Console.GetByText($"Signed in as {SsoWorld.Email}")).ToBeVisibleAsync();
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
