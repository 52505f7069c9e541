using JwtIssuer.Endpoints;
using JwtIssuer.Server.AgentConsole;
using JwtIssuer.Server.Configuration;
using JwtIssuer.Server.Data;
using JwtIssuer.Server.Development;
using JwtIssuer.Server.Health;
using JwtIssuer.Server.Pages;
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
        builder.AddShippedDefaults();                  // logging levels, beneath appsettings.json wherever the content root is
        builder.AddDevelopmentDefaults();              // Development only: a local HS256 key, before options bind
        builder.AddDatabase();                         // Database:Provider, Database:ConnectionString
        builder.AddUsers();                            // Identity: PBKDF2 210k, lockout after 5, disabled flag
        builder.AddSessions();                         // Session:*, DataProtection:*, antiforgery
        builder.AddUpstreamSignIn();                   // Authentication:*: password sign-in, an OpenID Connect provider
        builder.AddAgentConsole();                     // Console:Url: the /console page that frames Comm100
        builder.AddSecurity();                         // SignInLimits:*
        builder.Services.AddJwtIssuer(builder.Configuration);
        builder.Services.AddSingleton<HttpsRequiredFilter>();
        builder.Services.AddRazorPages(options =>
        {
            // First of all filters, so it answers before antiforgery validation can throw.
            options.Conventions.ConfigureFilter(new ServiceFilterAttribute(typeof(HttpsRequiredFilter)) { IsReusable = true, Order = int.MinValue });
            if (!builder.Environment.IsDevelopment())
            {
                // The stand-ins for Comm100 exist in Development only; anywhere else their pages have no route at all.
                options.Conventions.AddFolderRouteModelConvention(DevelopmentConsumer.PagesFolder, model => model.Selectors.Clear());
            }
        });
        builder.Services.AddSingleton<ErrorPage, LayoutErrorPage>();   // error pages in the site's layout
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<DatabaseUnavailableHandler>();
        builder.AddHealth();
        builder.AddTelemetry();                        // Metrics:*, the JwtIssuer meter for Prometheus
        return builder;
    }
}
