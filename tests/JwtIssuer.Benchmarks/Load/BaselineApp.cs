using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace JwtIssuer.Benchmarks.Load;

/// <summary>
/// The load baseline: the same host, the same sign-in cookie (the server's Data Protection key ring, application
/// name, scheme and cookie name) and a 302 to <c>redirect_url</c> with a token-sized <c>jwt</c>, but no allowlist,
/// no user check and no signature. <c>/api/jwt</c>'s throughput is reported as a ratio of this app's.
/// </summary>
internal static class BaselineApp
{
    // Identity's application scheme: the cookie's protector purpose includes it, so it must match the server's.
    private const string Scheme = "Identity.Application";

    public static async Task<int> RunAsync(string keyRingPath, string applicationName, string cookieName, int tokenLength, string[] hostArgs)
    {
        var builder = WebApplication.CreateBuilder(hostArgs);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddDataProtection()
            .PersistKeysToFileSystem(new DirectoryInfo(keyRingPath))
            .SetApplicationName(applicationName);
        builder.Services.AddAuthentication(Scheme).AddCookie(Scheme, options => options.Cookie.Name = cookieName);

        var app = builder.Build();
        app.UseAuthentication();

        var placeholder = new string('x', tokenLength);
        app.MapGet("/api/jwt", (HttpContext context) =>
            context.User.Identity?.IsAuthenticated == true
                ? Results.Redirect($"{context.Request.Query["redirect_url"]}&jwt={placeholder}")
                : Results.Challenge());
        app.MapGet("/health/ready", () => "Healthy");

        await app.RunAsync();
        return 0;
    }
}
