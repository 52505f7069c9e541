using JwtIssuer.Server;
using JwtIssuer.Server.Commands;
using JwtIssuer.Server.Configuration;
using JwtIssuer.Server.Data;
using JwtIssuer.Server.Development;
using JwtIssuer.Server.Health;
using JwtIssuer.Server.Scim;
using JwtIssuer.Server.Security;
using JwtIssuer.Server.Telemetry;

// A verb (users, config, ...) runs the command line on this same server, without listening, and exits; no verb serves.
if (CommandLine.IsCommand(args))
{
    return await CommandLine.InvokeAsync(args, BuildServer);
}

await using var app = BuildServer(args, adjust: null);

// Bad configuration stops here, one line per problem and no stack trace, before the database is touched.
if (ConfigurationCheck.Failures(app) is { Count: > 0 } failures)
{
    foreach (var failure in failures)
    {
        await Console.Error.WriteLineAsync($"error: {failure}");
    }

    return CommandLine.Failure;
}

app.LogConfigurationSources();      // which files were read: the content root decides, and it is easy to get wrong

// Migrate before listening, so no request ever meets an old schema.
await app.Services.MigrateDatabaseAsync();
await app.SeedDevelopmentUserAsync();

await app.RunAsync();
return 0;

// The whole server: services, then the request pipeline. Settings are read once it runs, so the check above reports
// every problem at once; `config check` checks the very same application.
static WebApplication BuildServer(string[] args, Action<WebApplicationBuilder>? adjust)
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddServerServices();
    builder.AddJsonConsoleOutsideDevelopment();
    adjust?.Invoke(builder);

    var app = builder.Build();

    app.UseMetricsPortAlone();          // with Metrics:Port, that port answers the metrics path and nothing else
    app.UseSecurityHeaderPolicies();    // CSP, framing, nosniff, HSTS: each endpoint's policy (Security/SecurityHeadersSetup)

    if (!app.Environment.IsDevelopment())
    {
        // Problem details or a plain status, never a stack trace; a database that does not answer is a 503.
        app.UseExceptionHandler();
    }

    app.UseStaticFiles();
    app.UseAuthentication();
    app.UseAuthorization();
    app.UseMetrics();                   // Metrics:Path; start-up refuses one that an endpoint or page below uses

    app.MapRazorPages();                // /login, /logout, /console, / (each page in its feature folder)
    app.MapJwtIssuer();                 // GET /api/jwt: the JWT Authentication URL Comm100 redirects to
    app.MapScim();                      // /scim/v2: SCIM 2.0 Users for Entra ID and Okta, once a token exists
    app.MapHealth();                    // /health/live, /health/ready

    if (app.Environment.IsDevelopment())
    {
        app.MapDevelopmentConsole();    // /dev/console: a stand-in Comm100 console that sends its frame through /api/jwt
    }

    return app;
}
