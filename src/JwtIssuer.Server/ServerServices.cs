using JwtIssuer.Server.Admin;
using JwtIssuer.Server.AgentConsole;
using JwtIssuer.Server.Audit;
using JwtIssuer.Server.Configuration;
using JwtIssuer.Server.Data;
using JwtIssuer.Server.Development;
using JwtIssuer.Server.Forms;
using JwtIssuer.Server.Health;
using JwtIssuer.Server.Layout;
using JwtIssuer.Server.Scim;
using JwtIssuer.Server.Security;
using JwtIssuer.Server.Sessions;
using JwtIssuer.Server.SignIn;
using JwtIssuer.Server.Telemetry;
using JwtIssuer.Server.Users;

namespace JwtIssuer.Server;

/// <summary>The server's services, shared by <c>serve</c> and the command-line verbs. One line per feature folder.</summary>
internal static class ServerServices
{
    public static WebApplicationBuilder AddServerServices(this WebApplicationBuilder builder)
    {
        builder.AddShippedDefaults();                  // logging levels, beneath appsettings.json wherever the content root is
        builder.AddDevelopmentDefaults();              // Development only: a local HS256 key, before options bind
        builder.Services.AddJwtIssuer(builder.Configuration);  // JwtIssuer:*: consumers, keys, /api/jwt (the library)
        builder.AddDatabase();                         // Database:*: SQLite or PostgreSQL, the 503 on an outage
        builder.AddAudit();                            // Audit:*: the trail in the database, group-committed, pruned
        builder.AddUsers();                            // Identity: PBKDF2 210k, lockout after 5, disabled flag, token access
        builder.AddSessions();                         // Session:*, DataProtection:*: the sign-in cookie and its key ring
        builder.AddSignIn();                           // Authentication:*, SignInLimits:*: passwords, an OpenID Connect provider
        builder.AddAgentConsole();                     // Console:*: the /console page that shows Comm100's console
        builder.AddSecurityHeaders();                  // CSP, framing and HSTS, per endpoint by metadata
        builder.AddPages();                            // Razor Pages in feature folders, one layout, forms that expire alike
        builder.AddAdmin();                            // Admin:*: /admin (agents, audit, Comm100 setup), set-password links; after AddPages, whose options it extends
        builder.AddScim();                             // Scim:*: /scim/v2 for Entra ID and Okta, bearer tokens stored hashed
        builder.AddHealth();                           // /health/live, /health/ready
        builder.AddTelemetry();                        // Metrics:*, the JwtIssuer meter for Prometheus
        return builder;
    }
}
