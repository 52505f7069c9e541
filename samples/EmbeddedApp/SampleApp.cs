using JwtIssuer.Access;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace EmbeddedApp;

/// <summary>
/// An app that already has signed-in users (here: a cookie sign-in against <see cref="AgentDirectory"/>) and gives
/// them Comm100 SSO with three lines, marked below. Its agents never sign in twice.
/// </summary>
public static class SampleApp
{
    /// <summary>Builds the app; <paramref name="configure"/> lets a test add configuration or a test server first.</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);

        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(options => options.LoginPath = "/login");
        builder.Services.AddAntiforgery();
        builder.Services.AddSingleton<AgentDirectory>();

        builder.Services.AddJwtIssuer(builder.Configuration);                  // 1. the issuer, from the JwtIssuer section
        builder.Services.AddSingleton<ITokenAccessPolicy, AgentsOnlyPolicy>(); // 2. (optional) who may have a token

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAntiforgery();
        app.MapLoginPages();                                                   // this app's own sign-in
        app.MapJwtIssuer();                                                    // 3. GET /api/jwt, for Comm100
        app.Services.GetRequiredService<AgentDirectory>();                     // reads the people now (and prints the demo password)
        return app;
    }
}
