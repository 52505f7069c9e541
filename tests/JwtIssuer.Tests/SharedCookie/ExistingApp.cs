using System.Collections.Concurrent;
using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace JwtIssuer.Tests.SharedCookie;

/// <summary>How the existing app signs its users in.</summary>
public enum AppSignIn
{
    /// <summary>ASP.NET Core Identity on the app's own database.</summary>
    Identity,

    /// <summary>Plain cookie authentication with claims of the app's making, under Identity's scheme name.</summary>
    CookieOnly,
}

/// <summary>
/// An existing web app set up as Microsoft's guide to sharing authentication cookies says (and the README repeats):
/// the issuer's key ring and application name, and one cookie name. It knows nothing of JwtIssuer. Hosted in memory;
/// its cookies reach the issuer through the test's one cookie jar, as a browser sends them to another service on the
/// same host.
/// </summary>
public sealed class ExistingApp : IAsyncDisposable
{
    public const string Password = "App-password-1";

    /// <summary>The scheme name is part of the cookie's encryption, so a cookie-only app takes Identity's.</summary>
    public const string Scheme = "Identity.Application";

    private readonly WebApplication _app;
    private readonly AppSignIn _signIn;
    private readonly ConcurrentDictionary<string, string> _cookieOnlyUsers = new(StringComparer.OrdinalIgnoreCase);

    private ExistingApp(WebApplication app, AppSignIn signIn)
    {
        _app = app;
        _signIn = signIn;
    }

    /// <param name="dataDirectory">Where the app's own user database lives.</param>
    /// <param name="applicationName">The Data Protection application name both apps set.</param>
    /// <param name="cookieName">The sign-in cookie name both apps set.</param>
    /// <param name="keyRing">Where the key ring is: the issuer's <c>DataProtection:KeysPath</c> folder, or its database.</param>
    /// <param name="signIn">Identity, or plain cookie authentication.</param>
    public static async Task<ExistingApp> StartAsync(string dataDirectory, string applicationName, string cookieName, Action<IDataProtectionBuilder> keyRing, AppSignIn signIn)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddAuthorization();
        keyRing(builder.Services.AddDataProtection().SetApplicationName(applicationName));
        if (signIn == AppSignIn.Identity)
        {
            builder.Services.AddDbContext<AppDbContext>(options => options.UseSqlite($"Data Source={Path.Combine(dataDirectory, "existing-app.db")}"));
            builder.Services.AddIdentity<IdentityUser, IdentityRole>().AddEntityFrameworkStores<AppDbContext>();
            builder.Services.ConfigureApplicationCookie(options => options.Cookie.Name = cookieName);
        }
        else
        {
            builder.Services.AddAuthentication(Scheme).AddCookie(Scheme, options => options.Cookie.Name = cookieName);
        }

        var app = builder.Build();
        var existing = new ExistingApp(app, signIn);
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapPost("/account/sign-in", (Func<HttpContext, Task<IResult>>)existing.SignInAsync);
        app.MapGet("/me", (ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.Email)).RequireAuthorization();

        if (signIn == AppSignIn.Identity)
        {
            await using var scope = app.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<AppDbContext>().Database.EnsureCreatedAsync();
        }

        await app.StartAsync();
        return existing;
    }

    /// <summary>A browser tab on the app, with the cookie jar it shares with the issuer.</summary>
    public HttpClient CreateClient(CookieContainer cookies) =>
        new(new CookieContainerHandler(cookies) { InnerHandler = _app.GetTestServer().CreateHandler() }) { BaseAddress = new Uri("https://localhost") };

    public async Task CreateUserAsync(string email)
    {
        if (_signIn == AppSignIn.CookieOnly)
        {
            _cookieOnlyUsers[email] = $"app-user-{_cookieOnlyUsers.Count + 1}";
            return;
        }

        await using var scope = _app.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>()
            .CreateAsync(new IdentityUser { UserName = email, Email = email, EmailConfirmed = true }, Password);
        Assert.True(result.Succeeded, string.Join(" ", result.Errors.Select(error => error.Description)));
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task<IResult> SignInAsync(HttpContext context)
    {
        var email = context.Request.Query["email"].ToString();
        if (_signIn == AppSignIn.Identity)
        {
            var signIn = context.RequestServices.GetRequiredService<SignInManager<IdentityUser>>();
            var result = await signIn.PasswordSignInAsync(email, Password, isPersistent: false, lockoutOnFailure: false);
            return result.Succeeded ? Results.Ok() : Results.Unauthorized();
        }

        if (!_cookieOnlyUsers.TryGetValue(email, out var id))
        {
            return Results.Unauthorized();
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, id), new Claim(ClaimTypes.Email, email)], Scheme);
        await context.SignInAsync(Scheme, new ClaimsPrincipal(identity));
        return Results.Ok();
    }
}

/// <summary>The app's own users, nothing to do with the issuer's.</summary>
internal sealed class AppDbContext(DbContextOptions<AppDbContext> options) : IdentityDbContext(options);

/// <summary>Only the issuer's key ring table, for an app that shares a PostgreSQL-backed issuer's key ring.</summary>
public sealed class IssuerKeyRingContext(DbContextOptions<IssuerKeyRingContext> options) : DbContext(options), IDataProtectionKeyContext
{
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
}
