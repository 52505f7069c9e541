using System.Net;
using System.Net.Http.Headers;
using JwtIssuer.Server.Data;
using JwtIssuer.Server.Users;
using JwtIssuer.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.Data.Sqlite;
using Npgsql;
using static JwtIssuer.Tests.Infrastructure.JwtIssuerApplication;

namespace JwtIssuer.Tests.Faults;

/// <summary>
/// A real PostgreSQL database that stops taking connections while the server runs (what a failover, a network
/// partition or a full connection table looks like from here), then comes back.
/// </summary>
public sealed class DatabaseFaultTests : IDisposable
{
    private const string Agent = "agent@example.com";
    private readonly JwtIssuerApplication _app = new(TestDatabase.Postgres);

    public void Dispose()
    {
        // Let the fixture drop the database even if a test stopped halfway.
        SetConnectionsAllowedAsync(true).GetAwaiter().GetResult();
        _app.Dispose();
    }

    [Fact]
    public async Task AnUnreachableDatabaseGivesClear503sNeverAStackTraceAndServiceResumesWhenItReturns()
    {
        await _app.CreateUserAsync(Agent);
        var client = await _app.CreateSignedInClientAsync(Agent);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync(JwtUrl(Comm100Url))).StatusCode);

        await SetConnectionsAllowedAsync(false);
        // Past the user status snapshot, so the next token request has to ask the database.
        _app.Time.Advance(UserStatusSnapshot.MaxAge + TimeSpan.FromSeconds(1));

        var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("""{"status":"Unhealthy","checks":{"database":"Unhealthy"}}""", await ready.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);

        var page = await GetAsync(client, JwtUrl(Comm100Url), "text/html");
        await AssertUnavailableAsync(page, "text/html");
        Assert.Contains("frame-ancestors", Assert.Single(page.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);

        await AssertUnavailableAsync(await GetAsync(client, JwtUrl(Comm100Url), "application/json"), "application/problem+json");
        // Under the public host name, so HSTS applies: the error page keeps it too.
        var browser = _app.CreateDefaultClient(new Uri("https://sso.example.test"), new CookieContainerHandler());
        browser.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        var login = await PostLoginAsync(browser, Agent, DefaultPassword);
        await AssertUnavailableAsync(login, "text/html");
        Assert.Equal("max-age=31536000", Assert.Single(login.Headers.GetValues("Strict-Transport-Security")));
        Assert.Contains(_app.Logs.GetSnapshot(), record => record.Message.StartsWith("The database is unavailable", StringComparison.Ordinal));

        await SetConnectionsAllowedAsync(true);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync(JwtUrl(Comm100Url))).StatusCode);
    }

    [Fact]
    public async Task TheAdminAreasOutagePageIsNeverFramedEither()
    {
        await _app.CreateUserAsync(Agent);
        await _app.UpdateUserAsync(Agent, user => user.IsAdmin = true);
        var client = await _app.CreateSignedInClientAsync(Agent);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/admin")).StatusCode);

        // The exception handler writes this page after clearing the endpoint: it still answers for the admin area.
        await SetConnectionsAllowedAsync(false);
        var page = await GetAsync(client, "/admin", "text/html");
        await AssertUnavailableAsync(page, "text/html");
        Assert.Contains("frame-ancestors 'none'", Assert.Single(page.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
        Assert.Equal("DENY", Assert.Single(page.Headers.GetValues("X-Frame-Options")));
    }

    private static async Task<HttpResponseMessage> GetAsync(HttpClient client, string path, string accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        return await client.SendAsync(request);
    }

    private static async Task AssertUnavailableAsync(HttpResponseMessage response, string mediaType)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)response.StatusCode}: {body}");
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("30", Assert.Single(response.Headers.GetValues("Retry-After")));
        Assert.Contains("cannot reach its database", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Npgsql", body, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", body, StringComparison.Ordinal);
    }

    /// <summary>Closes (or opens) the database to new connections and ends the server's open ones.</summary>
    private async Task SetConnectionsAllowedAsync(bool allowed)
    {
        var target = new NpgsqlConnectionStringBuilder(_app.Database.ConnectionString);
        var admin = new NpgsqlConnectionStringBuilder(target.ConnectionString) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(admin.ConnectionString);
        await connection.OpenAsync();
        var name = target.Database!.Replace("\"", "\"\"", StringComparison.Ordinal);
        await using (var alter = new NpgsqlCommand($"ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS {(allowed ? "true" : "false")}", connection))
        {
            await alter.ExecuteNonQueryAsync();
        }

        if (!allowed)
        {
            await using var terminate = new NpgsqlCommand("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = @name", connection);
            terminate.Parameters.AddWithValue("name", target.Database!);
            await terminate.ExecuteNonQueryAsync();
        }
    }
}

/// <summary>Which database errors are an outage (503) and which are bugs that must stay 500s.</summary>
public sealed class DatabaseUnavailableClassificationTests
{
    public static TheoryData<Exception, bool> Errors => new()
    {
        // Out of reach: the socket, a timeout, a shutdown, no connections left, a closed or missing database.
        { new NpgsqlException("Failed to connect to 10.0.0.5:5432", new System.Net.Sockets.SocketException()), true },
        { new NpgsqlException("Exception while reading from stream", new TimeoutException()), true },
        { Postgres("57P01", "terminating connection due to administrator command"), true },
        { Postgres("53300", "sorry, too many clients already"), true },
        { Postgres("08006", "connection failure"), true },
        { Postgres("55000", "database \"jwt\" is not currently accepting connections"), true },
        { Postgres("3D000", "database \"jwt\" does not exist"), true },
        { new SqliteException("unable to open database file", 14), true },
        { new SqliteException("database is locked", 5), true },
        { new SqliteException("disk I/O error", 10), true },
        // EF Core's wrapping does not hide it.
        { new InvalidOperationException("An exception has been raised that is likely due to a transient failure.", Postgres("57P03", "the database system is starting up")), true },
        // Bugs, not outages.
        { Postgres("23505", "duplicate key value violates unique constraint"), false },
        { Postgres("42P01", "relation \"AspNetUsers\" does not exist"), false },
        { new SqliteException("no such table: AspNetUsers", 1), false },
        { new SqliteException("UNIQUE constraint failed", 19), false },
        { new InvalidOperationException("Sequence contains no elements"), false },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public void TellsAnOutageFromABug(Exception error, bool unavailable) =>
        Assert.Equal(unavailable, DatabaseUnavailableHandler.IsDatabaseUnavailable(error));

    private static PostgresException Postgres(string sqlState, string message) => new(message, "FATAL", "FATAL", sqlState);
}
