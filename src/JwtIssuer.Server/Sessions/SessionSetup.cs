using JwtIssuer.Server.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace JwtIssuer.Server.Sessions;

internal static class SessionSetup
{
    public const string LoginPath = "/login";
    public const string LogoutPath = "/logout";

    /// <summary>The sign-in cookie, antiforgery, and a persisted Data Protection key ring so restarts sign nobody out.</summary>
    public static IHostApplicationBuilder AddSessions(this IHostApplicationBuilder builder)
    {
        var session = builder.Configuration.GetSection(AgentSessionOptions.SectionName).Get<AgentSessionOptions>() ?? new AgentSessionOptions();
        builder.Services.AddOptions<AgentSessionOptions>()
            .Bind(builder.Configuration.GetSection(AgentSessionOptions.SectionName))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<AgentSessionOptions>, AgentSessionOptionsValidator>();
        builder.Services.AddSingleton<FrameAncestors>();

        // Plain-http cookies only for local development; a partitioned cookie must be Secure in any case.
        var securePolicy = builder.Environment.IsDevelopment() && !session.CrossSite ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
        var sameSite = session.CrossSite ? SameSiteMode.None : SameSiteMode.Lax;

        builder.Services.AddAuthentication(IdentityConstants.ApplicationScheme).AddIdentityCookies();
        builder.Services.ConfigureApplicationCookie(options =>
        {
            Apply(options.Cookie, session.CookieName, securePolicy, sameSite, session.CrossSite);
            options.ExpireTimeSpan = session.Lifetime;
            options.SlidingExpiration = false;
            options.LoginPath = LoginPath;
            options.LogoutPath = LogoutPath;
            options.AccessDeniedPath = LoginPath;
        });
        // A changed password or a disabled account ends other sessions within this interval.
        builder.Services.Configure<SecurityStampValidatorOptions>(options => options.ValidationInterval = TimeSpan.FromSeconds(30));

        builder.Services.AddAntiforgery(options =>
        {
            Apply(options.Cookie, session.CookieName + ".af", securePolicy, sameSite, session.CrossSite);
            // Antiforgery's X-Frame-Options: SAMEORIGIN would stop /login inside Comm100's iframe;
            // CSP frame-ancestors (see FrameAncestors) decides who may frame us instead.
            options.SuppressXFrameOptionsHeader = true;
        });

        var dataProtection = builder.Configuration.GetSection("DataProtection");
        var database = builder.Configuration.GetSection(DatabaseOptions.SectionName).Get<DatabaseOptions>() ?? new DatabaseOptions();
        var keysPath = dataProtection["KeysPath"] is { Length: > 0 } configured
            ? Path.GetFullPath(configured, builder.Environment.ContentRootPath)
            : Path.Combine(DatabaseSetup.DataDirectory(database, builder.Environment.ContentRootPath), "keys", "dataprotection");
        builder.Services.AddDataProtection()
            .SetApplicationName(dataProtection["ApplicationName"] is { Length: > 0 } name ? name : "JwtIssuer")
            .PersistKeysToFileSystem(new DirectoryInfo(keysPath));
        return builder;
    }

    private static void Apply(CookieBuilder cookie, string name, CookieSecurePolicy securePolicy, SameSiteMode sameSite, bool partitioned)
    {
        cookie.Name = name;
        cookie.HttpOnly = true;
        cookie.SecurePolicy = securePolicy;
        cookie.SameSite = sameSite;
        if (partitioned)
        {
            // CHIPS: a cross-site iframe gets this cookie in a jar keyed by the embedding site.
            cookie.Extensions.Add("Partitioned");
        }
    }
}
