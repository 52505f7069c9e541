using JwtIssuer.Server.Users;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace JwtIssuer.BrowserTests.Infrastructure;

/// <summary>The real issuer, in Production, listening with Kestrel over HTTPS on the localhost site.</summary>
public sealed class IssuerApplication : WebApplicationFactory<Program>
{

    public IssuerApplication(IReadOnlyDictionary<string, string?> settings)
    {
        var port = Sites.FreePort();
        Origin = $"https://{Sites.IssuerHost}:{port}";
        DataDirectory = Directory.CreateTempSubdirectory("jwt-issuer-browser-").FullName;
        Settings = new Dictionary<string, string?>(settings)
        {
            ["JwtIssuer:Issuer"] = Origin,
            ["Database:ConnectionString"] = $"Data Source={Path.Combine(DataDirectory, "jwt-issuer.db")}",
            ["DataProtection:KeysPath"] = Path.Combine(DataDirectory, "dataprotection"),
        };
        UseKestrel(kestrel => kestrel.ListenLocalhost(port, listen => listen.UseHttps(TestCertificate.Instance)));
    }

    public string Origin { get; }

    /// <summary>The configuration the server starts with; change it before <c>StartServer</c>.</summary>
    public Dictionary<string, string?> Settings { get; }

    public string DataDirectory { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.ConfigureAppConfiguration(configuration => configuration.AddInMemoryCollection(Settings));
    }

    public async Task CreateUserAsync(string email, string password)
    {
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<User>>();
        var result = await users.CreateAsync(new User { UserName = email, Email = email, EmailConfirmed = true, CreatedAt = DateTimeOffset.UtcNow }, password);
        Assert.True(result.Succeeded, string.Join(" ", result.Errors.Select(error => error.Description)));
    }

    /// <summary>A new security stamp, as a password change elsewhere makes: the agent's sessions go stale.</summary>
    public async Task EndSessionsAsync(string email)
    {
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<User>>();
        Assert.True((await users.UpdateSecurityStampAsync(await users.FindByEmailAsync(email) ?? throw new InvalidOperationException(email))).Succeeded);
    }

    public async Task DisableUserAsync(string email)
    {
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<User>>();
        var user = await users.FindByEmailAsync(email) ?? throw new InvalidOperationException(email);
        user.IsDisabled = true;
        Assert.True((await users.UpdateAsync(user)).Succeeded);
    }

    /// <summary>Gives the user the admin area, as <c>users grant-admin</c> does.</summary>
    public async Task MakeAdminAsync(string email)
    {
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<User>>();
        var user = await users.FindByEmailAsync(email) ?? throw new InvalidOperationException(email);
        user.IsAdmin = true;
        Assert.True((await users.UpdateAsync(user)).Succeeded);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(DataDirectory, recursive: true);
        }
    }
}
