using System.Globalization;
using System.Text.Json;
using JwtIssuer.Server.Audit;
using JwtIssuer.Server.Data;
using JwtIssuer.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static JwtIssuer.Tests.Infrastructure.JwtIssuerApplication;

namespace JwtIssuer.Tests.Audit;

/// <summary>
/// <c>jwt-issuer audit</c>, the real executable, against a trail written partly by the running server (sign-in, token,
/// sign-out, now) and partly planted with older times.
/// </summary>
public abstract class AuditCommandTests(string provider) : IAsyncLifetime
{
    private const string Agent = "agent@example.com";
    private readonly JwtIssuerApplication _app = new(provider);
    private DateTime _now;
    private string _userId = string.Empty;
    private string _jti = string.Empty;

    public async ValueTask InitializeAsync()
    {
        _now = _app.Time.GetUtcNow().UtcDateTime;
        _userId = (await _app.CreateUserAsync(Agent)).Id;
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var database = scope.ServiceProvider.GetRequiredService<JwtIssuerDbContext>();
            database.AuditEvents.AddRange(
                new AuditEvent { Time = _now.AddDays(-10), Type = "token", Outcome = "issued", UserId = _userId, Email = Agent, Consumer = "comm100", KeyId = "old-key", TokenId = "old-jti", RedirectHost = "dash11.comm100.io", ClientAddress = "192.0.2.10" },
                new AuditEvent { Time = _now.AddDays(-3), Type = "sign-in", Outcome = "failed", Email = "=hyperlink(\"evil\")@example.com", ClientAddress = "2001:db8::1", Reason = "no such account, \"typed\"" },
                new AuditEvent { Time = _now.AddHours(-2), Type = "user", Outcome = "added", UserId = _userId, Email = Agent, Actor = "cli (operator)" });
            await database.SaveChangesAsync();
        }

        // Written by the server itself, a second apart: sign-in, token, sign-out.
        var agent = await _app.CreateSignedInClientAsync(Agent);
        _app.Time.Advance(TimeSpan.FromSeconds(1));
        _jti = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(TokenAssert.TokenFrom((await agent.GetAsync(JwtUrl(Comm100Url))).Headers.Location!)).Id;
        _app.Time.Advance(TimeSpan.FromSeconds(1));
        await agent.GetAsync("/api/jwt/logout");
    }

    public ValueTask DisposeAsync()
    {
        _app.Dispose();
        return ValueTask.CompletedTask;
    }

    private Task<Cli.Result> AuditAsync(params string[] args) => Cli.RunAsync(_app.Settings, null, ["audit", .. args]);

    /// <summary>The events a JSON listing names, as (type, outcome) pairs, newest first.</summary>
    private async Task<List<(string Type, string Outcome)>> ListAsync(params string[] args)
    {
        var result = await AuditAsync([.. args, "--format", "json"]);
        Assert.True(result.ExitCode == 0, result.Stderr);
        using var json = JsonDocument.Parse(result.Stdout);
        return [.. json.RootElement.EnumerateArray().Select(e => (e.GetProperty("type").GetString()!, e.GetProperty("outcome").GetString()!))];
    }

    [Fact]
    public async Task TheTableShowsEveryEventNewestFirst()
    {
        var result = await AuditAsync();

        Assert.Equal((0, ""), (result.ExitCode, result.Stderr));
        var lines = result.Stdout.TrimEnd().Split('\n').Select(line => line.TrimEnd()).ToList();
        Assert.Matches(@"^TIME \(UTC\)\s+TYPE\s+OUTCOME\s+EMAIL\s+CLIENT\s+DETAILS$", lines[0]);
        Assert.Equal(7, lines.Count);
        Assert.Matches(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+sign-out\s+logout-url\s+agent@example\.com\s+", lines[1]);
        Assert.Matches($@"\s+token\s+issued\s+agent@example\.com\s+.*consumer comm100; kid comm100-hs256; jti {_jti}; to dash11\.comm100\.io$", lines[2]);
        Assert.Matches(@"\s+sign-in\s+succeeded\s+agent@example\.com\s+.*password$", lines[3]);
        Assert.Matches(@"\s+user\s+added\s+agent@example\.com\s+-\s+by cli \(operator\)$", lines[4]);
        Assert.Matches(@"\s+sign-in\s+failed\s+=hyperlink\(""evil""\)@example\.com\s+2001:db8::1\s+no such account, ""typed""$", lines[5]);
        Assert.StartsWith(_now.AddDays(-10).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), lines[6], StringComparison.Ordinal);
        Assert.Matches(@"192\.0\.2\.10\s+consumer comm100; kid old-key; jti old-jti", lines[6]);
    }

    [Theory]
    [InlineData("token", 2)]
    [InlineData("sign-in", 2)]
    [InlineData("sign-out", 1)]
    [InlineData("user", 1)]
    public async Task TypeKeepsOnlyThatType(string type, int count)
    {
        var events = await ListAsync("--type", type);

        Assert.Equal(count, events.Count);
        Assert.All(events, e => Assert.Equal(type, e.Type));
    }

    [Fact]
    public async Task UserKeepsOnlyThatAgentsEventsWhateverTheCase()
    {
        Assert.Equal(
            [("sign-out", "logout-url"), ("token", "issued"), ("sign-in", "succeeded"), ("user", "added"), ("token", "issued")],
            await ListAsync("--user", "Agent@EXAMPLE.com"));
        Assert.Empty(await ListAsync("--user", "nobody@example.com"));
    }

    [Fact]
    public async Task SinceAndUntilTakeRelativeSpansAndIsoTimes()
    {
        // The last day: the user added two hours ago and the three events of now.
        Assert.Equal(4, (await ListAsync("--since", "1d")).Count);
        Assert.Equal(3, (await ListAsync("--since", "30m")).Count);
        Assert.Equal(5, (await ListAsync("--since", "4d")).Count);

        // An ISO window around the failed sign-in three days ago, as a date and as a time with an offset.
        var from = _now.AddDays(-4).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var to = new DateTimeOffset(_now.AddDays(-1)).ToOffset(TimeSpan.FromHours(2)).ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture);
        Assert.Equal([("sign-in", "failed")], await ListAsync("--since", from, "--until", to));

        // Until is exclusive; the events of now are written by the server at the fake clock's times.
        var signOut = _now.AddSeconds(2).ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture);
        Assert.Equal([("token", "issued"), ("sign-in", "succeeded")], await ListAsync("--since", "1h", "--until", signOut));
    }

    [Fact]
    public async Task LimitKeepsTheNewestAndSaysSo()
    {
        Assert.Equal([("sign-out", "logout-url"), ("token", "issued")], await ListAsync("--limit", "2"));

        var table = await AuditAsync("--limit", "2");
        Assert.Equal(3, table.Stdout.TrimEnd().Split('\n').Length);
        Assert.Contains("The newest 2 shown; --limit for more.", table.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task JsonHasEveryFieldAndNoNulls()
    {
        var result = await AuditAsync("--format", "json", "--type", "token", "--limit", "1");

        using var json = JsonDocument.Parse(result.Stdout);
        var token = Assert.Single(json.RootElement.EnumerateArray());
        Assert.Equal(
            ["time", "type", "outcome", "userId", "email", "consumer", "keyId", "tokenId", "redirectHost"],
            token.EnumerateObject().Select(property => property.Name));
        Assert.Equal(_now.AddSeconds(1), token.GetProperty("time").GetDateTime().ToUniversalTime());
        Assert.Equal((_userId, _jti, "comm100-hs256"), (token.GetProperty("userId").GetString(), token.GetProperty("tokenId").GetString(), token.GetProperty("keyId").GetString()));
        // In process, the test client has no address; the old event shows the field when there is one.
        Assert.Equal("192.0.2.10", JsonDocument.Parse((await AuditAsync("--format", "json", "--since", "11d", "--until", "9d")).Stdout).RootElement[0].GetProperty("clientAddress").GetString());
    }

    [Fact]
    public async Task CsvIsRfc4180AndKeepsFormulasText()
    {
        var result = await AuditAsync("--format", "csv", "--type", "sign-in");

        var lines = result.Stdout.Split("\r\n");
        Assert.Equal("time,type,outcome,userId,email,consumer,keyId,tokenId,redirectHost,clientAddress,reason,actor", lines[0]);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z,sign-in,succeeded," + _userId + @",agent@example\.com,,,,,,password,$", lines[1]);
        // The name typed at the form is anyone's: a spreadsheet must show it, not run it.
        Assert.EndsWith(@",sign-in,failed,,""'=hyperlink(""""evil"""")@example.com"",,,,,2001:db8::1,""no such account, """"typed"""""",", lines[2], StringComparison.Ordinal);
        Assert.Equal("", lines[3]);
    }

    [Theory]
    [InlineData("--type", "tokens")]
    [InlineData("--since", "yesterday")]
    [InlineData("--since", "5w")]
    [InlineData("--until", "24/11/2026")]
    [InlineData("--limit", "0")]
    [InlineData("--limit", "100001")]
    [InlineData("--format", "xml")]
    [InlineData("--since", "1d", "--until", "2d")]
    public async Task BadOptionsAreUsageErrors(params string[] args)
    {
        var result = await AuditAsync(args);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.NotEqual("", result.Stderr.Trim());
    }

    [Fact]
    public async Task NothingMatchingIsNotAnError()
    {
        var table = await AuditAsync("--user", "nobody@example.com");
        Assert.Equal((0, "", "No audit events match."), (table.ExitCode, table.Stdout, table.Stderr.Trim()));
        Assert.Equal("[]", (await AuditAsync("--user", "nobody@example.com", "--format", "json")).Stdout.Trim());
        Assert.Equal("time,type,outcome,userId,email,consumer,keyId,tokenId,redirectHost,clientAddress,reason,actor", (await AuditAsync("--user", "nobody@example.com", "--format", "csv")).Stdout.Trim());
    }
}

/// <summary>The same tests on the embedded SQLite file.</summary>
public sealed class AuditCommandTestsOnSqlite() : AuditCommandTests(TestDatabase.Sqlite);

/// <summary>The same tests on PostgreSQL.</summary>
public sealed class AuditCommandTestsOnPostgres() : AuditCommandTests(TestDatabase.Postgres);
