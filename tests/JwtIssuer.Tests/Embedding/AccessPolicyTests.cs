using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using JwtIssuer.Access;
using JwtIssuer.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;

namespace JwtIssuer.Tests.Embedding;

/// <summary>
/// The library in a host of its own: the host's cookie scheme, its principal's claims, and its
/// <see cref="ITokenAccessPolicy"/> deciding each request. No database, no server code.
/// </summary>
public sealed class AccessPolicyTests
{
    private const string Consumer = "https://dash11.comm100.io/api/agentSSO/jwt/Consumer";

    [Fact]
    public async Task ThePolicySeesTheRequestAndItsClaimsGoIntoTheToken()
    {
        TokenRequest? seen = null;
        await using var host = await Host.StartAsync(request =>
        {
            seen = request;
            return TokenAccess.AllowWithClaims(new Dictionary<string, string> { ["team"] = "blue" });
        });
        var client = await host.SignedInClientAsync(KeyValuePair.Create("sub", "u-1"), KeyValuePair.Create("email", "agent@example.com"), KeyValuePair.Create("name", "Ann Agent"));

        var token = await Host.TokenAsync(client);

        Assert.Equal("blue", token.GetClaim("team").Value);
        Assert.Equal("agent@example.com", token.GetClaim("email").Value);
        Assert.NotNull(seen);
        Assert.Equal("comm100", seen.Consumer);
        Assert.Equal(new JwtIssuer.Tokens.TokenSubject("u-1", "agent@example.com", "Ann Agent"), seen.Subject);
        Assert.Equal("agent@example.com", seen.User.FindFirstValue("email"));
    }

    [Fact]
    public async Task ADeniedUserGetsA403WithThePolicysMessageAndNoToken()
    {
        await using var host = await Host.StartAsync(_ => TokenAccess.Deny("Only agents may open the console."));
        var client = await host.SignedInClientAsync(KeyValuePair.Create("sub", "u-1"), KeyValuePair.Create("email", "agent@example.com"));

        var response = await client.GetAsync(Host.JwtPath);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Null(response.Headers.Location);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Only agents may open the console.", problem.RootElement.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task ABrowserGetsTheLibrarysOwnPageWithAPolicyThatRefusesEverythingElse()
    {
        await using var host = await Host.StartAsync(_ => TokenAccess.Deny("Only agents may open the console."));
        var client = await host.SignedInClientAsync(KeyValuePair.Create("sub", "u-1"), KeyValuePair.Create("email", "agent@example.com"));
        client.DefaultRequestHeaders.Accept.Clear();
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));

        var response = await client.GetAsync(Host.JwtPath);

        // The host has no layout the library knows of: a page that stands alone, with nothing to load.
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<h1>Access denied</h1>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.StartsWith("default-src 'none'; ", Assert.Single(response.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AStaleSessionIsSentToTheHostsSignIn()
    {
        await using var host = await Host.StartAsync(_ => TokenAccess.SignInAgain);
        var client = await host.SignedInClientAsync(KeyValuePair.Create("sub", "u-1"), KeyValuePair.Create("email", "agent@example.com"));

        var response = await client.GetAsync(Host.JwtPath);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/signin", response.Headers.Location!.AbsolutePath);
    }

    [Fact]
    public async Task ConfiguredClaimTypesNameTheUser()
    {
        await using var host = await Host.StartAsync(_ => TokenAccess.Allow, new()
        {
            ["JwtIssuer:UserClaims:UserId"] = "oid",
            ["JwtIssuer:UserClaims:Email"] = "upn",
            ["JwtIssuer:UserClaims:Name"] = "display_name",
            ["JwtIssuer:Consumers:comm100:Subject"] = "{userId}",
            ["JwtIssuer:Consumers:comm100:Claims:name"] = "{name}",
        });
        // The default claim types are present too, with other values: only the configured ones count.
        var client = await host.SignedInClientAsync(
            KeyValuePair.Create("oid", "object-7"), KeyValuePair.Create("upn", "agent@corp.example"), KeyValuePair.Create("display_name", "Ann Agent"),
            KeyValuePair.Create("sub", "ignored"), KeyValuePair.Create("email", "ignored@example.com"), KeyValuePair.Create("name", "Ignored"));

        var token = await Host.TokenAsync(client);

        Assert.Equal("object-7", token.Subject);
        Assert.Equal("agent@corp.example", token.GetClaim("email").Value);
        Assert.Equal("Ann Agent", token.GetClaim("name").Value);
    }

    [Fact]
    public async Task IdentityStyleClaimsWorkWithNoConfiguration()
    {
        await using var host = await Host.StartAsync(_ => TokenAccess.Allow, new() { ["JwtIssuer:Consumers:comm100:Subject"] = "{userId}" });
        var client = await host.SignedInClientAsync(KeyValuePair.Create(ClaimTypes.NameIdentifier, "id-3"), KeyValuePair.Create(ClaimTypes.Email, "agent@example.com"));

        var token = await Host.TokenAsync(client);

        Assert.Equal("id-3", token.Subject);
        Assert.Equal("agent@example.com", token.GetClaim("email").Value);
    }

    [Fact]
    public async Task ThePrincipalsValuesAreDataNeverTemplates()
    {
        // The host's principal supplies all three values; each holds another's placeholder, or braces.
        await using var host = await Host.StartAsync(_ => TokenAccess.Allow, new()
        {
            ["JwtIssuer:Consumers:comm100:Subject"] = "{email}",
            ["JwtIssuer:Consumers:comm100:Claims:name"] = "{name}",
            ["JwtIssuer:Consumers:comm100:Claims:user"] = "{userId}",
            ["JwtIssuer:Consumers:comm100:Claims:all"] = "{userId}|{email}|{name}",
        });
        var client = await host.SignedInClientAsync(
            KeyValuePair.Create("sub", "{email}"), KeyValuePair.Create("email", "{name}@corp.example"), KeyValuePair.Create("name", "{userId}{}{"));

        var token = await Host.TokenAsync(client);

        Assert.Equal("{name}@corp.example", token.Subject);
        Assert.Equal("{name}@corp.example", token.GetClaim("email").Value);
        Assert.Equal("{userId}{}{", token.GetClaim("name").Value);
        Assert.Equal("{email}", token.GetClaim("user").Value);
        Assert.Equal("{email}|{name}@corp.example|{userId}{}{", token.GetClaim("all").Value);
    }

    [Fact]
    public async Task APrincipalWithoutAnEmailGetsA403()
    {
        await using var host = await Host.StartAsync(_ => TokenAccess.Allow);
        var client = await host.SignedInClientAsync(KeyValuePair.Create("sub", "u-1"));

        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync(Host.JwtPath)).StatusCode);
    }

    [Fact]
    public async Task AnEmbeddersRequireAuthorizationCoversTheTokenEndpointButNeverTheKeySet()
    {
        await using var host = await Host.StartAsync(_ => TokenAccess.Allow, map: app => app.MapJwtIssuer().RequireAuthorization());
        var anonymous = host.AnonymousClient();

        // Consumers fetch the key set without a session, whatever the host puts on the token endpoint.
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/.well-known/jwks.json")).StatusCode);
        var token = await anonymous.GetAsync(Host.JwtPath);
        Assert.Equal(HttpStatusCode.Redirect, token.StatusCode);
        Assert.Equal("/signin", token.Headers.Location!.AbsolutePath);

        var client = await host.SignedInClientAsync(KeyValuePair.Create("sub", "u-1"), KeyValuePair.Create("email", "agent@example.com"));
        Assert.Equal("agent@example.com", (await Host.TokenAsync(client)).GetClaim("email").Value);
    }

    [Fact]
    public async Task UnderAPrefixTheIssuerWorksAndItsEndpointStillSaysWhatItIs()
    {
        await using var host = await Host.StartAsync(_ => TokenAccess.Allow, map: app => app.MapGroup("/sso").RequireAuthorization().MapJwtIssuer());
        var client = await host.SignedInClientAsync(KeyValuePair.Create("sub", "u-1"), KeyValuePair.Create("email", "agent@example.com"));

        var issued = await client.GetAsync("/sso" + Host.JwtPath);
        Assert.Equal(HttpStatusCode.Redirect, issued.StatusCode);
        Assert.Equal("agent@example.com", new JsonWebToken(TokenAssert.TokenFrom(issued.Headers.Location!)).GetClaim("email").Value);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(Host.JwtPath)).StatusCode);
        // The group's authorization does not reach the key set either.
        Assert.Equal(HttpStatusCode.OK, (await host.AnonymousClient().GetAsync("/sso/.well-known/jwks.json")).StatusCode);
        // What the server's session handling keys on: metadata, never the path, so it holds under a prefix.
        var endpoint = Assert.Single(host.Endpoints, endpoint => endpoint.RoutePattern.RawText == "/sso/api/jwt");
        Assert.NotNull(endpoint.Metadata.GetMetadata<JwtIssuer.Endpoints.TokenEndpointMetadata>());
    }

    [Theory]
    [InlineData("email")]
    [InlineData("sub")]
    [InlineData("exp")]
    public void APolicyCannotOverrideTheIssuersOwnClaims(string claim) =>
        Assert.Throws<ArgumentException>(() => TokenAccess.AllowWithClaims(new Dictionary<string, string> { [claim] = "x" }));

    /// <summary>A minimal host app: cookie sign-in at <c>/signin-as</c> with the claims given, and the library.</summary>
    private sealed class Host(WebApplication app) : IAsyncDisposable
    {
        public static readonly string JwtPath = $"/api/jwt?redirect_url={Uri.EscapeDataString(Consumer)}";

        public static async Task<Host> StartAsync(Func<TokenRequest, TokenAccess> decide, Dictionary<string, string?>? settings = null, Action<WebApplication>? map = null)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseTestServer();
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["JwtIssuer:Issuer"] = "https://app.example.test",
                ["JwtIssuer:Consumers:comm100:RedirectUrls:0"] = Consumer,
                ["JwtIssuer:Consumers:comm100:SigningKey"] = "hs",
                ["JwtIssuer:SigningKeys:hs:Algorithm"] = "HS256",
                ["JwtIssuer:SigningKeys:hs:Secret"] = TestKeys.HsSecret,
            });
            builder.Configuration.AddInMemoryCollection(settings ?? []);
            builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
                .AddCookie(options => options.LoginPath = "/signin");
            builder.Services.AddAuthorization();
            builder.Services.AddSingleton<ITokenAccessPolicy>(new DelegatePolicy(decide));
            builder.Services.AddJwtIssuer(builder.Configuration);
            var app = builder.Build();
            app.UseAuthentication();
            app.MapPost("/signin-as", (HttpContext context, Dictionary<string, string> claims) => context.SignInAsync(
                new ClaimsPrincipal(new ClaimsIdentity(claims.Select(claim => new Claim(claim.Key, claim.Value)), CookieAuthenticationDefaults.AuthenticationScheme))));
            if (map is null)
            {
                app.MapJwtIssuer();
            }
            else
            {
                app.UseAuthorization();
                map(app);
            }

            await app.StartAsync();
            return new Host(app);
        }

        public async Task<HttpClient> SignedInClientAsync(params KeyValuePair<string, string>[] claims)
        {
            var client = new HttpClient(new CookieContainerHandler { InnerHandler = app.GetTestServer().CreateHandler() })
            {
                BaseAddress = new Uri("https://localhost"),
            };
            client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            var response = await client.PostAsJsonAsync("/signin-as", claims.ToDictionary());
            response.EnsureSuccessStatusCode();
            return client;
        }

        public static async Task<JsonWebToken> TokenAsync(HttpClient client)
        {
            var response = await client.GetAsync(JwtPath);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            return new JsonWebToken(TokenAssert.TokenFrom(response.Headers.Location!));
        }

        public HttpClient AnonymousClient() =>
            new(new CookieContainerHandler { InnerHandler = app.GetTestServer().CreateHandler() }) { BaseAddress = new Uri("https://localhost") };

        public IEnumerable<RouteEndpoint> Endpoints => ((IEndpointRouteBuilder)app).DataSources.SelectMany(source => source.Endpoints).OfType<RouteEndpoint>();

        public ValueTask DisposeAsync() => app.DisposeAsync();
    }

    private sealed class DelegatePolicy(Func<TokenRequest, TokenAccess> decide) : ITokenAccessPolicy
    {
        public ValueTask<TokenAccess> CheckAsync(TokenRequest request, CancellationToken cancellationToken) => ValueTask.FromResult(decide(request));
    }
}
