using System.Net;
using System.Net.Http.Headers;
using JwtIssuer.Server.Users;
using JwtIssuer.Tests.Infrastructure;
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

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);

        var page = await GetAsync(client, JwtUrl(Comm100Url), "text/html");
        await AssertUnavailableAsync(page, "text/html");
        Assert.Contains("frame-ancestors", Assert.Single(page.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);

        await AssertUnavailableAsync(await GetAsync(client, JwtUrl(Comm100Url), "application/json"), "application/problem+json");
        var browser = _app.CreateBrowserClient();
        browser.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        await AssertUnavailableAsync(await PostLoginAsync(browser, Agent, DefaultPassword), "text/html");

        await SetConnectionsAllowedAsync(true);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync(JwtUrl(Comm100Url))).StatusCode);
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
