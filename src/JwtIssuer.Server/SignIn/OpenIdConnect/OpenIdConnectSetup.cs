using JwtIssuer.Endpoints;
using JwtIssuer.Server.Sessions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace JwtIssuer.Server.SignIn.OpenIdConnect;

internal static partial class OpenIdConnectSetup
{
    /// <summary>The authentication scheme, and the login provider name upstream identities are linked under.</summary>
    public const string Scheme = "oidc";

    /// <summary>
    /// Where the handler puts the provider's identity until the callback turns it into a session: a cookie scheme of
    /// our own, not Identity's external one, so that an app's ordinary external sign-in cookie (under a shared key ring,
    /// <c>Session:SharedCookie</c>) is not mistaken for ours. An app holding the key ring can still make any cookie; it
    /// is trusted as this service is.
    /// </summary>
    public const string CookieScheme = "JwtIssuer.Upstream";

    /// <summary>The issuer the settings name, as ID tokens must carry it (without a trailing slash).</summary>
    public static string IssuerOf(OpenIdConnectSettings oidc) => oidc.Authority!.TrimEnd('/');

    /// <summary>
    /// <c>Authentication:OpenIdConnect</c>: when it is configured, sign-in through that provider (authorization code flow
    /// with PKCE, the ID token's claims, nothing stored).
    /// </summary>
    /// <remarks>
    /// The scheme exists only when the provider is configured (an OpenID Connect handler with no settings fails every
    /// request), and that is decided when the schemes are first read, like every other setting, not at registration.
    /// </remarks>
    public static IHostApplicationBuilder AddOpenIdConnectSignIn(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddScoped<OpenIdConnectSignIn>();
        services.AddSingleton<OpenIdConnectClientSecret>();

        services.AddAuthentication().AddCookie(CookieScheme);
        services.AddOptions<CookieAuthenticationOptions>(CookieScheme)
            .Configure<IOptions<AgentSessionOptions>>((options, session) =>
            {
                // Set by a cross-site form post from the provider and read on the redirect that follows, inside the
                // Comm100 iframe too: only SameSite=None reaches it there (partitioned when the issuer is cross-site).
                options.Cookie.Name = session.Value.CookieName + ".upstream";
                options.Cookie.HttpOnly = true;
                options.Cookie.SecurePolicy = CookieSecurePolicy.Always;
                options.Cookie.SameSite = SameSiteMode.None;
                SessionSetup.PartitionWhenCrossSite(options.Cookie, session.Value);
                options.ExpireTimeSpan = TimeSpan.FromMinutes(10);
                options.SlidingExpiration = false;
            });

        // What AddOpenIdConnect registers, less the scheme itself, which follows the settings.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<OpenIdConnectOptions>, OpenIdConnectPostConfigureOptions>());
        services.TryAddTransient<OpenIdConnectHandler>();
        services.AddOptions<AuthenticationOptions>()
            .Configure<IOptions<AuthenticationSettings>>((options, settings) =>
            {
                if (settings.Value.OpenIdConnect is { } oidc)
                {
                    options.AddScheme<OpenIdConnectHandler>(Scheme, oidc.DisplayName);
                }
            });
        services.AddOptions<OpenIdConnectOptions>(Scheme)
            .Validate(options =>
            {
                options.Validate(Scheme);
                return true;
            })
            .Configure<IOptions<AuthenticationSettings>, IOptions<AgentSessionOptions>, OpenIdConnectClientSecret, TimeProvider>((options, settings, session, clientSecret, time) =>
            {
                var oidc = settings.Value.OpenIdConnect;
                if (oidc?.Authority is null || !Uri.TryCreate(oidc.Authority, UriKind.Absolute, out var authority))
                {
                    return; // the validator stops start-up with the reason
                }

                options.Authority = oidc.Authority;
                options.ClientId = oidc.ClientId;
                options.ClientSecret = clientSecret.Get(oidc, out _);
                options.ResponseType = OpenIdConnectResponseType.Code;
                options.UsePkce = true;
                options.CallbackPath = OpenIdConnectSettings.CallbackPath;
                options.SignInScheme = CookieScheme;
                options.TimeProvider = time;
                SessionSetup.PartitionWhenCrossSite(options.CorrelationCookie, session.Value);
                SessionSetup.PartitionWhenCrossSite(options.NonceCookie, session.Value);
                options.Scope.Clear();
                foreach (var scope in oidc.EffectiveScopes)
                {
                    options.Scope.Add(scope);
                }

                // Claims keep their names from the ID token (email, sub, groups), as the settings name them.
                options.MapInboundClaims = false;
                options.GetClaimsFromUserInfoEndpoint = false;
                options.SaveTokens = false;
                options.DisableTelemetry = true;
                options.RequireHttpsMetadata = !authority.IsLoopback;

                // The ID token must come from the configured issuer itself, not merely from whichever issuer the
                // metadata document names (a mix-up defence; the handler would add that one to ValidIssuers), with or
                // without a trailing slash, as providers differ.
                var issuer = IssuerOf(oidc);
                options.TokenValidationParameters.IssuerValidator = (tokenIssuer, _, _) =>
                    string.Equals(tokenIssuer?.TrimEnd('/'), issuer, StringComparison.Ordinal)
                        ? tokenIssuer
                        : throw new SecurityTokenInvalidIssuerException($"The ID token's issuer is not the configured Authority {issuer}.");
                options.TokenValidationParameters.NameClaimType = oidc.NameClaim;

                options.Events.OnRemoteFailure = context => FailAsync(context, context.Failure?.Message);
                options.Events.OnAccessDenied = context => FailAsync(context, "the provider refused or the agent cancelled");
            });
        return builder;
    }

    /// <summary>A sign-in that failed at the provider or on its way back (a forged state, a wrong issuer): a page, never a 500.</summary>
    private static async Task FailAsync(HandleRequestContext<RemoteAuthenticationOptions> context, string? reason)
    {
        var services = context.HttpContext.RequestServices;
        LogFailed(services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(OpenIdConnectSetup)), reason ?? "unknown");
        var provider = services.GetRequiredService<IOptions<AuthenticationSettings>>().Value.OpenIdConnect?.DisplayName;
        context.HandleResponse();
        await new ErrorResult(StatusCodes.Status400BadRequest, "Sign-in failed",
            $"Signing in with {provider} did not complete. Go back and try again; if it keeps failing, tell your administrator.")
            .ExecuteAsync(context.HttpContext);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "OpenID Connect sign-in failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string reason);
}
