using JwtIssuer.Configuration;
using JwtIssuer.Endpoints;
using JwtIssuer.Server.Data;
using JwtIssuer.Server.Users;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace JwtIssuer.Server.Sessions;

internal static class SessionSetup
{
    public const string LoginPath = "/login";
    public const string LogoutPath = "/logout";

    /// <summary>The sign-in cookie, antiforgery, and a persisted Data Protection key ring so restarts sign nobody out.</summary>
    /// <remarks>Everything reads its settings through options, when first needed, so every configuration source counts.</remarks>
    public static IHostApplicationBuilder AddSessions(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSettings<AgentSessionOptions, AgentSessionOptionsValidator>(builder.Configuration, AgentSessionOptions.SectionName);
        services.AddSettings<DataProtectionSettings>(builder.Configuration, DataProtectionSettings.SectionName);
        services.AddScoped<AgentSignOut>();

        services.AddAuthentication(IdentityConstants.ApplicationScheme).AddIdentityCookies();
        services.AddOptions<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme)
            .Configure<IOptions<AgentSessionOptions>, IHostEnvironment>((options, session, environment) =>
            {
                Apply(options.Cookie, session.Value.CookieName, session.Value, environment);
                options.Cookie.Domain = session.Value.CookieDomain;
                options.ExpireTimeSpan = session.Value.Lifetime;
                options.SlidingExpiration = false;
                options.LoginPath = LoginPath;
                options.LogoutPath = LogoutPath;
                options.AccessDeniedPath = LoginPath;
                // The token endpoint checks the user's status (disabled, security stamp) on every request itself
                // (ActiveUserAccessPolicy). Running the stamp validator there too would add two queries and a
                // cookie re-encryption to most token requests, since agents ask for tokens long after signing in.
                // The endpoint says so in its metadata, so this holds wherever it is mapped.
                // A sign-in the app sharing the cookie made is the app's to check: this validator would find no such
                // user here and sign the agent out of the app as well.
                var shared = session.Value.SharedCookie;
                options.Events.OnValidatePrincipal = context =>
                    context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<TokenEndpointMetadata>() is not null
                    || (shared && !UserClaimsFactory.IsSignedInHere(context.Principal))
                        ? Task.CompletedTask
                        : SecurityStampValidator.ValidatePrincipalAsync(context);
            });
        // A changed password or a disabled account ends the user's other sessions within this interval.
        services.Configure<SecurityStampValidatorOptions>(options =>
        {
            options.ValidationInterval = TimeSpan.FromSeconds(30);
            options.OnRefreshingPrincipal = UserClaimsFactory.KeepSignIn;
        });

        services.AddAntiforgery();
        services.AddOptions<AntiforgeryOptions>()
            .Configure<IOptions<AgentSessionOptions>, IHostEnvironment>((options, session, environment) =>
            {
                Apply(options.Cookie, session.Value.CookieName + ".af", session.Value, environment);
                // Antiforgery's X-Frame-Options: SAMEORIGIN would stop /login inside Comm100's iframe;
                // CSP frame-ancestors (Security/FrameAncestors) decides who may frame us instead.
                options.SuppressXFrameOptionsHeader = true;
            });

        services.AddDataProtection();
        services.AddOptions<DataProtectionOptions>()
            .Configure<IOptions<DataProtectionSettings>>((options, settings) => options.ApplicationDiscriminator = settings.Value.ApplicationName);
        services.AddOptions<KeyManagementOptions>()
            .Configure<IOptions<DataProtectionSettings>, IOptions<DatabaseOptions>, IHostEnvironment, ILoggerFactory, IServiceProvider>((options, settings, database, environment, loggers, provider) =>
            {
                if (database.Value.IsPostgres)
                {
                    // Every instance reads and writes the one key ring, so any instance decrypts any other's cookie.
                    options.XmlRepository = new EntityFrameworkCoreXmlRepository<JwtIssuerDbContext>(provider, loggers);
                    return;
                }

                var root = environment.ContentRootPath;
                var path = settings.Value.KeysPath is { Length: > 0 } configured
                    ? Path.GetFullPath(configured, root)
                    : Path.Combine(DatabaseSetup.DataDirectory(database.Value, root), "keys", "dataprotection");
                options.XmlRepository = new FileSystemXmlRepository(new DirectoryInfo(path), loggers);
            });
        return builder;
    }

    private static void Apply(CookieBuilder cookie, string name, AgentSessionOptions session, IHostEnvironment environment)
    {
        cookie.Name = name;
        cookie.HttpOnly = true;
        // Plain-http cookies only for local development; a partitioned cookie must be Secure in any case.
        cookie.SecurePolicy = environment.IsDevelopment() && !session.CrossSite ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
        cookie.SameSite = session.CrossSite ? SameSiteMode.None : SameSiteMode.Lax;
        PartitionWhenCrossSite(cookie, session);
    }

    /// <summary>CHIPS: with <c>Session:CrossSite</c>, a cross-site iframe gets this cookie in a jar keyed by the embedding site.</summary>
    public static void PartitionWhenCrossSite(CookieBuilder cookie, AgentSessionOptions session)
    {
        if (session.CrossSite && !cookie.Extensions.Contains("Partitioned"))
        {
            cookie.Extensions.Add("Partitioned");
        }
    }
}
