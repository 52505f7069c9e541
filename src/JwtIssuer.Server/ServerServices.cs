using JwtIssuer.Server.AgentConsole;
using JwtIssuer.Server.Data;
using JwtIssuer.Server.Development;
using JwtIssuer.Server.Health;
using JwtIssuer.Server.Security;
using JwtIssuer.Server.Sessions;
using JwtIssuer.Server.Telemetry;
using JwtIssuer.Server.Upstream;
using JwtIssuer.Server.Users;
using Microsoft.AspNetCore.Mvc;

namespace JwtIssuer.Server;

/// <summary>The server's services, shared by <c>serve</c> and the command-line verbs.</summary>
internal static class ServerServices
{
    public static WebApplicationBuilder AddServerServices(this WebApplicationBuilder builder)
    {
        builder.AddDevelopmentDefaults();              // Development only: a local HS256 key, before options bind
        builder.AddDatabase();                         // Database:Provider, Database:ConnectionString
        builder.AddUsers();                            // Identity: PBKDF2 210k, lockout after 5, disabled flag
        builder.AddSessions();                         // Session:*, DataProtection:*, antiforgery
        builder.AddUpstreamSignIn();                   // Authentication:*: password sign-in, an OpenID Connect provider
        builder.AddAgentConsole();                     // Console:Url: the /console page that frames Comm100
        builder.AddSecurity();                         // SignInLimits:*
        builder.Services.AddJwtIssuer(builder.Configuration);
        builder.Services.AddSingleton<HttpsRequiredFilter>();
        builder.Services.AddRazorPages(options => options.Conventions.ConfigureFilter(
            // First of all filters, so it answers before antiforgery validation can throw.
            new ServiceFilterAttribute(typeof(HttpsRequiredFilter)) { IsReusable = true, Order = int.MinValue }));
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<DatabaseUnavailableHandler>();
        builder.AddHealth();
        builder.AddTelemetry();                        // Metrics:*, the JwtIssuer meter for Prometheus
        return builder;
    }
}
