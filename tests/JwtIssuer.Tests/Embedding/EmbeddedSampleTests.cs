using System.Net;
using System.Net.Http.Headers;
using EmbeddedApp;
using JwtIssuer.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;

namespace JwtIssuer.Tests.Embedding;

/// <summary>
/// samples/EmbeddedApp, the whole Comm100 redirect flow through it: the app's own sign-in, then a token from the
/// library with no second login, signed as configured and carrying the claims the app's policy adds.
/// </summary>
public sealed class EmbeddedSampleTests : IAsyncLifetime
{
    private const string Consumer = EmbeddedSample.Consumer;
    private const string Password = EmbeddedSample.Password;
    private WebApplication _app = null!;

    public async ValueTask InitializeAsync()
    {
        _app = SampleApp.Build([], builder =>
        {
            builder.WebHost.UseTestServer();
            var settings = EmbeddedSample.Settings();
            settings["JwtIssuer:Consumers:comm100:Claims:name"] = "{name}";
            settings["People:1:Email"] = "accounts@example.com";
            settings["People:1:Name"] = "Bob Books";
            settings["People:1:PasswordHash"] = AgentDirectory.Hash(Password);
            settings["People:1:IsAgent"] = "false";
            builder.Configuration.AddInMemoryCollection(settings);
        });
        await _app.StartAsync();
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task AnAgentSignsInToTheAppOnceAndComm100GetsATokenWithoutASecondLogin()
    {
        var browser = Browser();
        var jwtPath = $"/api/jwt?redirect_url={Uri.EscapeDataString(Consumer + "?relayState=abc")}";

        // Comm100 sends the browser here; not signed in yet, so the app's own login page.
        var challenge = await browser.GetAsync(jwtPath);
        Assert.Equal(HttpStatusCode.Redirect, challenge.StatusCode);
        Assert.Equal("/login", challenge.Headers.Location!.AbsolutePath);
        var returnUrl = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(challenge.Headers.Location.Query)["ReturnUrl"].ToString();
        Assert.Equal(jwtPath, returnUrl);

        var signedIn = await EmbeddedSample.SignInAsync(browser, "agent@example.com", returnUrl);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal(jwtPath, signedIn.Headers.Location!.OriginalString);

        var issued = await browser.GetAsync(jwtPath);
        Assert.Equal(HttpStatusCode.Redirect, issued.StatusCode);
        Assert.StartsWith(Consumer + "?relayState=abc&jwt=", issued.Headers.Location!.OriginalString, StringComparison.Ordinal);
        var token = await TokenAssert.VerifiedAsync(TokenAssert.TokenFrom(issued.Headers.Location), TokenAssert.Hs256Key, "Comm100", DateTimeOffset.UtcNow);
        Assert.Equal("agent@example.com", token.GetClaim("email").Value);
        Assert.Equal("Ann Agent", token.GetClaim("name").Value);
        Assert.Equal("agent", token.GetClaim(AgentsOnlyPolicy.RoleClaim).Value);
        Assert.Equal("comm100", token.Subject);
        Assert.Equal("comm100", token.GetHeaderValue<string>("kid"));

        // Later visits need no login at all.
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync(jwtPath)).StatusCode);
    }

    [Fact]
    public async Task TheAppsPolicyRefusesSomeoneWhoIsNotAnAgent()
    {
        var browser = Browser();
        await EmbeddedSample.SignInAsync(browser, "accounts@example.com", "/");

        var response = await browser.GetAsync($"/api/jwt?redirect_url={Uri.EscapeDataString(Consumer)}");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("Only agents can open the Comm100 console.", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Null(response.Headers.Location);
    }

    private HttpClient Browser()
    {
        var client = new HttpClient(new CookieContainerHandler { InnerHandler = _app.GetTestServer().CreateHandler() })
        {
            BaseAddress = new Uri("https://localhost"),
        };
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        return client;
    }
}
