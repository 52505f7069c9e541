using System.Net;
using System.Text.RegularExpressions;
using JwtIssuer.Server.Audit;
using JwtIssuer.Server.Data;
using JwtIssuer.Server.Users;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace JwtIssuer.Tests.Infrastructure;

/// <summary>
/// The real server in process, in the Production environment, on a real SQLite file and a real Data Protection
/// key folder in a fresh temporary directory, with a fake clock and every log line captured.
/// </summary>
public sealed partial class JwtIssuerApplication : WebApplicationFactory<Program>
{
    public const string Comm100Url = "https://dash11.comm100.io/api/agentSSO/jwt/Consumer";
    public const string RsaConsumerUrl = "https://rsa.consumer.test/sso";
    public const string EcConsumerUrl = "https://ec.consumer.test/sso";
    public const string Issuer = "https://sso.example.test";
    public const string DefaultPassword = "correct horse battery staple";

    /// <param name="provider"><see cref="TestDatabase.Sqlite"/> or <see cref="TestDatabase.Postgres"/>.</param>
    public JwtIssuerApplication(string provider = TestDatabase.Sqlite)
    {
        DataDirectory = Directory.CreateTempSubdirectory("jwt-issuer-tests-").FullName;
        Database = new TestDatabase(provider, DataDirectory);
        Settings = DefaultSettings(DataDirectory);
        Settings["Database:Provider"] = Database.Provider;
        Settings["Database:ConnectionString"] = Database.ConnectionString;
    }

    /// <summary>A second instance on the same database and key ring: a restart, or a scale-out.</summary>
    public JwtIssuerApplication(JwtIssuerApplication sibling)
    {
        ArgumentNullException.ThrowIfNull(sibling);
        DataDirectory = sibling.DataDirectory;
        Database = sibling.Database;
        Settings = new Dictionary<string, string?>(sibling.Settings);
        OwnsData = false;
    }

    public TestDatabase Database { get; }

    /// <summary>A valid configuration with three consumers (HS256, RS256, ES256) and everything kept under <paramref name="dataDirectory"/>.</summary>
    public static Dictionary<string, string?> DefaultSettings(string dataDirectory) => new()
    {
        ["JwtIssuer:Issuer"] = Issuer,
        ["JwtIssuer:Consumers:comm100:RedirectUrls:0"] = Comm100Url,
        ["JwtIssuer:Consumers:comm100:SigningKey"] = "comm100-hs256",
        ["JwtIssuer:Consumers:comm100:Claims:name"] = "{name}",
        ["JwtIssuer:Consumers:rsa:RedirectUrls:0"] = RsaConsumerUrl,
        ["JwtIssuer:Consumers:rsa:SigningKey"] = "rsa-test",
        ["JwtIssuer:Consumers:rsa:Subject"] = "{userId}",
        ["JwtIssuer:Consumers:ec:RedirectUrls:0"] = EcConsumerUrl,
        ["JwtIssuer:Consumers:ec:SigningKey"] = "ec-test",
        ["JwtIssuer:Consumers:ec:Subject"] = "{email}",
        ["JwtIssuer:Consumers:ec:TokenLifetime"] = "00:02:00",
        ["JwtIssuer:SigningKeys:comm100-hs256:Algorithm"] = "HS256",
        ["JwtIssuer:SigningKeys:comm100-hs256:Secret"] = TestKeys.HsSecret,
        ["JwtIssuer:SigningKeys:rsa-test:Algorithm"] = "RS256",
        ["JwtIssuer:SigningKeys:rsa-test:PrivateKeyPem"] = TestKeys.RsaPrivatePem,
        ["JwtIssuer:SigningKeys:ec-test:Algorithm"] = "ES256",
        ["JwtIssuer:SigningKeys:ec-test:PrivateKeyPem"] = TestKeys.EcPrivatePem,
        ["Database:ConnectionString"] = $"Data Source={Path.Combine(dataDirectory, "jwt-issuer.db")}",
        ["DataProtection:KeysPath"] = Path.Combine(dataDirectory, "dataprotection"),
        ["Logging:LogLevel:Default"] = "Trace",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
        ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Trace",
        ["Logging:LogLevel:JwtIssuer.Audit"] = "Trace",
    };

    public string DataDirectory { get; }

    /// <summary>The configuration the server starts with; change it before the first request.</summary>
    public Dictionary<string, string?> Settings { get; }

    /// <summary>
    /// The clock the issuer and cookies read. It starts at the real time, whole seconds, because Identity's
    /// lockout reads the system clock.
    /// </summary>
    public FakeTimeProvider Time { get; } = new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));

    /// <summary>How many times a password was checked against a PBKDF2 hash.</summary>
    public PasswordVerificationCounter PasswordVerifications { get; } = new();

    public FakeLogCollector Logs => Services.GetRequiredService<FakeLogCollector>();

    private bool _started;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        _started = true;
        builder.UseEnvironment("Production");
        builder.ConfigureAppConfiguration(configuration => configuration.AddInMemoryCollection(Settings));
        builder.ConfigureLogging(logging => logging.ClearProviders().AddFakeLogging().SetMinimumLevel(LogLevel.Trace));
        builder.ConfigureServices(services =>
        {
            services.AddSingleton<TimeProvider>(Time);
            services.AddSingleton(PasswordVerifications);
            services.AddScoped<IPasswordHasher<User>, CountingPasswordHasher>();
        });
    }

    /// <summary>A client that keeps cookies (in <paramref name="cookies"/>, if given) and shows every redirect instead of following it.</summary>
    public HttpClient CreateBrowserClient(CookieContainer? cookies = null) =>
        CreateDefaultClient(new Uri("https://localhost"), new CookieContainerHandler(cookies ?? new CookieContainer()));

    public async Task<User> CreateUserAsync(string email, string password = DefaultPassword, string? name = "Test Agent")
    {
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<User>>();
        var user = new User { UserName = email, Email = email, EmailConfirmed = true, DisplayName = name, CreatedAt = Time.GetUtcNow() };
        var result = await users.CreateAsync(user, password);
        Assert.True(result.Succeeded, string.Join(" ", result.Errors.Select(error => error.Description)));
        return user;
    }

    public async Task UpdateUserAsync(string email, Action<User> change)
    {
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<User>>();
        var user = await users.FindByEmailAsync(email) ?? throw new InvalidOperationException($"no user {email}");
        change(user);
        Assert.True((await users.UpdateAsync(user)).Succeeded);
    }

    public async Task<User> FindUserAsync(string email)
    {
        await using var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<UserManager<User>>().FindByEmailAsync(email)
            ?? throw new InvalidOperationException($"no user {email}");
    }

    /// <summary>The audit trail as stored, oldest first.</summary>
    public async Task<List<AuditEvent>> AuditEventsAsync(string? type = null)
    {
        await using var scope = Services.CreateAsyncScope();
        var events = scope.ServiceProvider.GetRequiredService<JwtIssuerDbContext>().AuditEvents.AsNoTracking();
        return await (type is null ? events : events.Where(entry => entry.Type == type)).OrderBy(entry => entry.Id).ToListAsync();
    }

    /// <summary>Loads a page with a form and returns its antiforgery token (the client keeps the cookie).</summary>
    public static async Task<string> AntiforgeryTokenAsync(HttpClient client, string path = "/login")
    {
        var page = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var token = AntiforgeryField().Match(await page.Content.ReadAsStringAsync()).Groups[1].Value;
        Assert.NotEmpty(token);
        return WebUtility.HtmlDecode(token);
    }

    /// <summary>Posts the login form as a browser would (antiforgery token and cookie included).</summary>
    public static async Task<HttpResponseMessage> PostLoginAsync(HttpClient client, string email, string password, string? returnUrl = null)
    {
        var form = new Dictionary<string, string>
        {
            ["Email"] = email,
            ["Password"] = password,
            ["__RequestVerificationToken"] = await AntiforgeryTokenAsync(client, returnUrl is null ? "/login" : $"/login?ReturnUrl={Uri.EscapeDataString(returnUrl)}"),
        };
        if (returnUrl is not null)
        {
            form["ReturnUrl"] = returnUrl;
        }

        return await client.PostAsync("/login", new FormUrlEncodedContent(form));
    }

    public async Task<HttpClient> CreateSignedInClientAsync(string email, string password = DefaultPassword, CookieContainer? cookies = null)
    {
        var client = CreateBrowserClient(cookies);
        var response = await PostLoginAsync(client, email, password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return client;
    }

    /// <summary>The response started no session: no <c>jwtissuer</c> cookie was set.</summary>
    public static void AssertNoSessionCookie(HttpResponseMessage response) =>
        Assert.DoesNotContain(response.Headers, header => header.Key == "Set-Cookie" && header.Value.Any(value => value.StartsWith("jwtissuer=", StringComparison.Ordinal)));

    public static string JwtUrl(string redirectUrl) => $"/api/jwt?redirect_url={Uri.EscapeDataString(redirectUrl)}";

    protected override void Dispose(bool disposing)
    {
        var webRoot = disposing ? TakeWebRoot() : null;
        base.Dispose(disposing);
        webRoot?.Dispose();
        if (disposing && OwnsData)
        {
            Database.Dispose();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    public override async ValueTask DisposeAsync()
    {
        var webRoot = TakeWebRoot();
        await base.DisposeAsync();
        webRoot?.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// The host never disposes the web root's file provider, and Razor's asp-append-version watches site.css
    /// through it: without this, one inotify instance stays behind per app that rendered a page, and a few
    /// hundred reach Linux's per-user limit (128), after which hosts fail to start. Taken once, while the
    /// services are alive (the base class's Dispose and DisposeAsync call each other).
    /// </summary>
    private IDisposable? TakeWebRoot()
    {
        if (!_started)
        {
            return null;
        }

        _started = false;
        return Services.GetService<IWebHostEnvironment>()?.WebRootFileProvider as IDisposable;
    }

    /// <summary>Whether disposing drops the database and deletes the data directory (a sibling instance does not).</summary>
    public bool OwnsData { get; set; } = true;

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    internal static partial Regex AntiforgeryField();
}
