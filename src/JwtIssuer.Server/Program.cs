using JwtIssuer.Endpoints;
using JwtIssuer.Server;
using JwtIssuer.Server.Commands;
using JwtIssuer.Server.Configuration;
using JwtIssuer.Server.Data;
using JwtIssuer.Server.Development;
using JwtIssuer.Server.Health;
using JwtIssuer.Server.Security;
using JwtIssuer.Server.Telemetry;

// A verb (users, config, ...) runs the command line against the same configuration and exits; no verb serves.
if (CommandLine.IsCommand(args))
{
    return await CommandLine.InvokeAsync(args);
}

var builder = WebApplication.CreateBuilder(args);
builder.AddServerServices();
builder.AddJsonConsoleOutsideDevelopment();

var app = builder.Build();

// Bad configuration stops here, one line per problem and no stack trace, before the database is touched.
if (ConfigurationCheck.Failures(app.Services) is { Count: > 0 } failures)
{
    foreach (var failure in failures)
    {
        await Console.Error.WriteLineAsync($"error: {failure}");
    }

    return CommandLine.Failure;
}

// Migrate before listening, so no request ever meets an old schema.
await app.Services.MigrateDatabaseAsync();
await app.SeedDevelopmentUserAsync();

app.UseMetrics();                   // /metrics, or only on Metrics:Port when that is set
app.UseSecurityHeaders();           // CSP with frame-ancestors, nosniff, no referrer; HSTS outside Development

if (!app.Environment.IsDevelopment())
{
    // Problem details or a plain status, never a stack trace; a database that does not answer is a 503.
    app.UseExceptionHandler();
}

app.UseStaticFiles();
app.UseAuthentication();
app.UseAuthorization();

app.MapRazorPages();                // /login, /logout, /
app.MapJwtIssuer();                 // GET /api/jwt: the JWT Authentication URL Comm100 redirects to
app.MapHealth();                    // /health/live, /health/ready

if (app.Environment.IsDevelopment())
{
    app.MapDevelopmentConsumer();   // /dev/consumer: a stand-in Comm100 that verifies and shows the token
}

await app.RunAsync();
return 0;
