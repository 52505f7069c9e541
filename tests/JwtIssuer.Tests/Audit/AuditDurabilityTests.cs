using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using JwtIssuer.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using static JwtIssuer.Tests.Infrastructure.JwtIssuerApplication;

namespace JwtIssuer.Tests.Audit;

/// <summary>
/// No token leaves unrecorded, even when the server dies: a load client records the <c>jti</c> of every token it
/// receives, the server is killed with SIGKILL in the middle of the load, and once restarted every one of those
/// <c>jti</c>s is in the store.
/// </summary>
public abstract class AuditDurabilityTests(string provider) : IDisposable
{
    private const string Agent = "load@example.com";
    private const int Workers = 16;
    private const int TokensBeforeTheKill = 400;
    private readonly string _directory = Directory.CreateTempSubdirectory("jwt-issuer-kill-").FullName;
    private TestDatabase? _database;

    public void Dispose()
    {
        _database?.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task EveryTokenAClientReceivedBeforeAKillIsInTheStoreAfterTheRestart()
    {
        _database = new TestDatabase(provider, _directory);
        var settings = DefaultSettings(_directory);
        settings["Database:Provider"] = _database.Provider;
        settings["Database:ConnectionString"] = _database.ConnectionString;
        // As deployed: the shipped log levels, behind a proxy that terminated TLS (so the session cookie is Secure).
        foreach (var key in settings.Keys.Where(key => key.StartsWith("Logging:", StringComparison.Ordinal)).ToList())
        {
            settings.Remove(key);
        }

        settings["ASPNETCORE_ENVIRONMENT"] = "Production";
        settings["ASPNETCORE_FORWARDEDHEADERS_ENABLED"] = "true";
        Assert.Equal(0, (await Cli.RunAsync(settings, DefaultPassword, "users", "add", Agent, "--password-stdin")).ExitCode);

        var server = await ServerProcess.StartAsync(_directory, ServerProcess.FreePort(), settings);
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, MaxConnectionsPerServer = Workers });
        http.Timeout = TimeSpan.FromSeconds(30);
        var cookie = await SignInAsync(http, server.BaseAddress);

        // The load: every worker asks for tokens until the server is gone, keeping the jti of each one it receives.
        var received = new ConcurrentBag<string>();
        var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var url = new Uri(server.BaseAddress, JwtUrl(Comm100Url));
        var workers = Enumerable.Range(0, Workers).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                try
                {
                    using var response = await http.SendAsync(Request(url, cookie));
                    Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
                    received.Add(new JsonWebToken(TokenAssert.TokenFrom(response.Headers.Location!)).Id);
                    if (received.Count >= TokensBeforeTheKill)
                    {
                        enough.TrySetResult();
                    }
                }
                catch (HttpRequestException)
                {
                    return; // the server is gone; a request that got no answer got no token
                }
            }
        })).ToList();

        await enough.Task.WaitAsync(TimeSpan.FromMinutes(2));
        await server.DisposeAsync(); // SIGKILL, with requests in flight
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromMinutes(1));
        var tokens = received.ToHashSet();
        Assert.True(tokens.Count >= TokensBeforeTheKill, $"{tokens.Count} tokens");

        await using var restarted = await ServerProcess.StartAsync(_directory, ServerProcess.FreePort(), settings);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri(restarted.BaseAddress, "/health/ready"))).StatusCode);
        var listing = await Cli.RunAsync(settings, null, "audit", "--type", "token", "--format", "json", "--limit", "100000");
        Assert.True(listing.ExitCode == 0, listing.Stderr);
        using var json = JsonDocument.Parse(listing.Stdout);
        var stored = json.RootElement.EnumerateArray().Select(entry => entry.GetProperty("tokenId").GetString()!).ToHashSet();

        var missing = tokens.Except(stored).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} of the {tokens.Count} tokens received are not in the store: {string.Join(", ", missing.Take(5))}");
        // The store may hold a few more: tokens minted and committed whose answers the kill cut off.
        Assert.InRange(stored.Count - tokens.Count, 0, Workers);
    }

    private static async Task<string> SignInAsync(HttpClient http, Uri server)
    {
        using var form = await http.SendAsync(Request(new Uri(server, "/login"), null));
        var antiforgery = WebUtility.HtmlDecode(AntiforgeryField().Match(await form.Content.ReadAsStringAsync()).Groups[1].Value);
        using var post = Request(new Uri(server, "/login"), Cookies(form), HttpMethod.Post);
        post.Content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Email"] = Agent,
            ["Password"] = DefaultPassword,
            ["__RequestVerificationToken"] = antiforgery,
        });
        using var signedIn = await http.SendAsync(post);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return Cookies(signedIn);
    }

    private static HttpRequestMessage Request(Uri url, string? cookie, HttpMethod? method = null)
    {
        var request = new HttpRequestMessage(method ?? HttpMethod.Get, url);
        request.Headers.Add("X-Forwarded-Proto", "https");
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        return request;
    }

    private static string Cookies(HttpResponseMessage response) =>
        string.Join("; ", response.Headers.TryGetValues("Set-Cookie", out var values) ? values.Select(value => value.Split(';')[0]) : []);
}

/// <summary>On the embedded SQLite file (write-ahead log, synchronous=FULL, as shipped).</summary>
public sealed class AuditDurabilityTestsOnSqlite() : AuditDurabilityTests(TestDatabase.Sqlite);

/// <summary>On PostgreSQL.</summary>
public sealed class AuditDurabilityTestsOnPostgres() : AuditDurabilityTests(TestDatabase.Postgres);
