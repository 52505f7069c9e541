using System.Net;
using System.Net.Http.Headers;
using System.Text;
using JwtIssuer.BrowserTests.Infrastructure;
using JwtIssuer.Server.Scim;
using JwtIssuer.Server.Users;
using JwtIssuer.Tests.Upstream;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace JwtIssuer.BrowserTests;

/// <summary>
/// The leaver, in Chromium: Entra ID provisions an agent through SCIM, the agent signs in through the provider and
/// works in the console; the provider deactivates them (as its default mapping sends it, <c>"False"</c>), and with the
/// browser session still open their next token is refused once the status bound has passed.
/// </summary>
public sealed class ScimLeaverFlowTests
{
    private const string Leaver = "leaver@example.com";

    [Fact]
    public async Task ADeactivationThroughScimStopsTheTokensOfAnOpenBrowserSession()
    {
        await using var world = await SsoWorld.StartAsync(Sites.IssuerHost, crossSite: false, Upstream.RefusesFraming);
        string token;
        await using (var scope = world.Issuer.Services.CreateAsyncScope())
        {
            token = await scope.ServiceProvider.GetRequiredService<ScimTokens>().CreateAsync("entra", "test");
        }

        using var entra = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator })
        {
            BaseAddress = new Uri(world.Issuer.Origin + "/scim/v2/"),
        };
        entra.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var created = await entra.PostAsync("Users", Json($$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"leaver@corp.example","emails":[{"value":"{{Leaver}}","type":"work","primary":true}],"displayName":"Lee Ver","active":true}"""));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = System.Text.Json.JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString();

        // The provisioned agent signs in through the provider from /console, and the console gets a token.
        world.Provider!.NextUser = new UpstreamUser("upstream-leaver", Leaver);
        await world.Page.GotoAsync(world.AppUrl);
        await world.Page.GetByRole(AriaRole.Button, new() { Name = $"Sign in with {SsoWorld.ProviderName}" }).ClickAsync();
        await Assertions.Expect(world.Console.GetByText($"Signed in as {Leaver}")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        var tokens = world.Consumer.ReceivedTokens.Count;
        Assert.True(tokens >= 1);

        // The leaver is deactivated at the provider.
        var deactivated = await entra.PatchAsync($"Users/{id}", Json("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"active","value":"False"}]}"""));
        Assert.Equal(HttpStatusCode.OK, deactivated.StatusCode);

        // The browser still holds its session cookie; once the status bound has passed, no token comes out of it.
        Assert.Contains(await world.Page.Context.CookiesAsync([world.Issuer.Origin]), cookie => cookie.Name == "jwtissuer");
        await Task.Delay(UserStatusSnapshot.MaxAge);
        var refused = await world.Page.GotoAsync($"{world.Issuer.Origin}/api/jwt?redirect_url={Uri.EscapeDataString(world.Consumer.ConsumerUrl)}");
        Assert.Equal(403, refused!.Status);
        Assert.Equal(tokens, world.Consumer.ReceivedTokens.Count);
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/scim+json");
}
