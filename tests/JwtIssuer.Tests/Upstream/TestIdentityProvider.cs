using System.Net;
using System.Net.Sockets;
using System.Security.Claims;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace JwtIssuer.Tests.Upstream;

/// <summary>An agent as the company's identity provider knows them.</summary>
public sealed record UpstreamUser(string Subject, string Email, bool EmailVerified = true, string? Name = "Upstream Agent", params string[] Groups);

/// <summary>
/// A real OpenID Connect provider (OpenIddict) on a loopback port, in the test process: discovery, authorization
/// code flow with PKCE, signed ID tokens, one confidential client. Who signs in is <see cref="NextUser"/>, as if they had
/// just typed their password there; with none set, the provider answers access_denied.
/// </summary>
public sealed class TestIdentityProvider : IAsyncDisposable
{
    public const string ClientId = "jwt-issuer";
    public const string ClientSecret = "test-only-client-secret-not-a-real-one";

    private readonly WebApplication _app;

    private TestIdentityProvider(WebApplication app, Uri authority)
    {
        _app = app;
        Authority = authority;
    }

    /// <summary>Where the provider's metadata is: what <c>Authentication:OpenIdConnect:Authority</c> is set to.</summary>
    public Uri Authority { get; }

    public UpstreamUser? NextUser { get; set; }

    /// <summary>The issuer's <c>Authentication:OpenIdConnect</c> settings for this provider and its client.</summary>
    public void ConfigureIssuer(IDictionary<string, string?> settings, string displayName)
    {
        settings["Authentication:OpenIdConnect:Authority"] = Authority.ToString();
        settings["Authentication:OpenIdConnect:ClientId"] = ClientId;
        settings["Authentication:OpenIdConnect:ClientSecret"] = ClientSecret;
        settings["Authentication:OpenIdConnect:DisplayName"] = displayName;
    }

    /// <param name="redirectUri">The issuer's callback, registered for the client.</param>
    /// <param name="dataDirectory">Where the provider's own SQLite file lives.</param>
    /// <param name="issuerPath">Tokens name this path on the provider as their issuer, instead of the root (a wrong-issuer test).</param>
    /// <param name="host">The loopback address to listen on: its own site, for the browser.</param>
    /// <param name="refuseFraming">Forbid framing its pages, as Entra ID, Google and Okta do.</param>
    public static async Task<TestIdentityProvider> StartAsync(Uri redirectUri, string dataDirectory, string? issuerPath = null, string host = "127.0.0.1", bool refuseFraming = false)
    {
        var port = FreePort(host);
        var root = new Uri($"http://{host}:{port}/");
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        builder.WebHost.UseUrls(root.ToString());
        builder.Logging.ClearProviders();
        builder.Services.AddDbContext<ProviderDbContext>(options =>
        {
            options.UseSqlite($"Data Source={Path.Combine(dataDirectory, "identity-provider.db")}");
            options.UseOpenIddict();
        });
        builder.Services.AddOpenIddict()
            .AddCore(options => options.UseEntityFrameworkCore().UseDbContext<ProviderDbContext>())
            .AddServer(options =>
            {
                if (issuerPath is not null)
                {
                    options.SetIssuer(new Uri(root, issuerPath));
                }

                // Absolute, so that metadata and endpoints stay at the root whatever the issuer says.
                options.SetConfigurationEndpointUris(new Uri(root, ".well-known/openid-configuration"))
                    .SetJsonWebKeySetEndpointUris(new Uri(root, ".well-known/jwks"))
                    .SetAuthorizationEndpointUris(new Uri(root, "connect/authorize"))
                    .SetTokenEndpointUris(new Uri(root, "connect/token"));
                options.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange();
                options.RegisterScopes(Scopes.Email, Scopes.Profile);
                options.AddEphemeralEncryptionKey().AddEphemeralSigningKey();
                options.UseAspNetCore().EnableAuthorizationEndpointPassthrough().DisableTransportSecurityRequirement();
            });

        var app = builder.Build();
        if (refuseFraming)
        {
            app.Use((context, next) =>
            {
                context.Response.Headers.XFrameOptions = "DENY";
                context.Response.Headers.ContentSecurityPolicy = "frame-ancestors 'none'";
                return next(context);
            });
        }

        var provider = new TestIdentityProvider(app, root);
        app.MapMethods("/connect/authorize", [HttpMethods.Get, HttpMethods.Post], provider.AuthorizeAsync);

        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ProviderDbContext>().Database.EnsureCreatedAsync();
            await scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>().CreateAsync(new OpenIddictApplicationDescriptor
            {
                ClientId = ClientId,
                ClientSecret = ClientSecret,
                ClientType = ClientTypes.Confidential,
                RedirectUris = { redirectUri },
                Permissions =
                {
                    Permissions.Endpoints.Authorization,
                    Permissions.Endpoints.Token,
                    Permissions.GrantTypes.AuthorizationCode,
                    Permissions.ResponseTypes.Code,
                    Permissions.Scopes.Email,
                    Permissions.Scopes.Profile,
                },
                Requirements = { Requirements.Features.ProofKeyForCodeExchange },
            });
        }

        await app.StartAsync();
        return provider;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private IResult AuthorizeAsync(HttpContext context)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("not an OpenID Connect request");
        if (NextUser is not { } user)
        {
            return Results.Forbid(authenticationSchemes: [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        }

        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, user.Subject).SetClaim(Claims.Email, user.Email).SetClaim(Claims.Name, user.Name);
        identity.AddClaim(new Claim(Claims.EmailVerified, user.EmailVerified ? "true" : "false", ClaimValueTypes.Boolean));
        foreach (var group in user.Groups)
        {
            identity.AddClaim(new Claim("groups", group));
        }

        identity.SetScopes(request.GetScopes());
        identity.SetDestinations(_ => [Destinations.IdentityToken, Destinations.AccessToken]);
        return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static int FreePort(string host)
    {
        using var listener = new TcpListener(IPAddress.Parse(host), 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>OpenIddict's applications, authorizations, scopes and tokens.</summary>
internal sealed class ProviderDbContext(DbContextOptions<ProviderDbContext> options) : DbContext(options);
