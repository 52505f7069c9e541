using System.Net;
using JwtIssuer.Server.Audit;
using JwtIssuer.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Npgsql;
using static JwtIssuer.Tests.Infrastructure.JwtIssuerApplication;

namespace JwtIssuer.Tests.Audit;

/// <summary>The audit trail in the database: what each event records, and that no token goes out unrecorded.</summary>
public abstract class AuditTrailTests(string provider) : IDisposable
{
    private const string Agent = "agent@example.com";
    private readonly JwtIssuerApplication _app = new(provider);

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task ATokenIsRecordedWithWhoForWhomWhichKeyAndFromWhereButNeverTheToken()
    {
        var user = await _app.CreateUserAsync(Agent);
        var client = await _app.CreateSignedInClientAsync(Agent);

        var hs = TokenAssert.TokenFrom((await client.GetAsync(JwtUrl(Comm100Url + "?relayState=1"))).Headers.Location!);
        var ec = TokenAssert.TokenFrom((await client.GetAsync(JwtUrl(EcConsumerUrl))).Headers.Location!);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync(JwtUrl("https://evil.example/"))).StatusCode);

        var events = await _app.AuditEventsAsync(AuditEventTypes.Token);
        Assert.Equal(2, events.Count);
        foreach (var (entry, token, consumer, key, host) in new[]
        {
            (events[0], hs, "comm100", "comm100-hs256", "dash11.comm100.io"),
            (events[1], ec, "ec", "ec-test", "ec.consumer.test"),
        })
        {
            Assert.Equal(AuditOutcomes.Issued, entry.Outcome);
            Assert.Equal(new JsonWebToken(token).Id, entry.TokenId);
            Assert.Equal((user.Id, Agent, consumer, key, host), (entry.UserId, entry.Email, entry.Consumer, entry.KeyId, entry.RedirectHost));
            Assert.Equal(_app.Time.GetUtcNow().UtcDateTime, DateTime.SpecifyKind(entry.Time, DateTimeKind.Utc), TimeSpan.FromMilliseconds(1));
            AssertHoldsNo(entry, token.Split('.')[2], DefaultPassword);
        }
    }

    [Fact]
    public async Task EverySignInIsRecordedWithTheAccountNameAsTypedNormalizedAndWhy()
    {
        _app.Settings["SignInLimits:PerAccount:PermitLimit"] = "4";
        _app.Settings["SignInLimits:PerAccount:Window"] = "01:00:00";
        var user = await _app.CreateUserAsync(Agent);
        await _app.CreateUserAsync("disabled@example.com");
        await _app.UpdateUserAsync("disabled@example.com", disabled => disabled.IsDisabled = true);
        var client = _app.CreateBrowserClient();

        await PostLoginAsync(client, "Agent@Example.COM", DefaultPassword);
        await PostLoginAsync(client, Agent, "wrong password");
        await PostLoginAsync(client, "nobody@example.com", DefaultPassword);
        await PostLoginAsync(client, "disabled@example.com", DefaultPassword);
        await PostLoginAsync(client, Agent, "wrong again");
        await PostLoginAsync(client, Agent, "wrong once more");
        Assert.Equal(HttpStatusCode.TooManyRequests, (await PostLoginAsync(client, Agent, DefaultPassword)).StatusCode);
        // A post without its antiforgery token: the form is refused before anything is read.
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["Email"] = Agent }))).StatusCode);

        var events = (await _app.AuditEventsAsync(AuditEventTypes.SignIn)).Select(entry => (entry.Outcome, entry.Email, entry.UserId, entry.Reason)).ToList();
        var disabled = (await _app.FindUserAsync("disabled@example.com")).Id;
        Assert.Equal(
        [
            ("succeeded", Agent, user.Id, "password"),
            ("failed", Agent, user.Id, "wrong password"),
            ("failed", "nobody@example.com", null, "no such account"),
            ("refused", "disabled@example.com", disabled, "disabled"),
            ("failed", Agent, user.Id, "wrong password"),
            ("failed", Agent, user.Id, "wrong password"),
            ("throttled", Agent, null, "too many attempts from this address or for this account"),
            ("refused", null, null, "antiforgery token missing or stale"),
        ], events);
        Assert.All(await _app.AuditEventsAsync(AuditEventTypes.SignIn), entry => AssertHoldsNo(entry, DefaultPassword, "wrong password once more"));
    }

    [Fact]
    public async Task ValuesThatCannotBeStoredAsTheyAreAreMadeStorableAndFailNobodyElse()
    {
        await _app.CreateUserAsync(Agent);
        var agent = await _app.CreateSignedInClientAsync(Agent);
        var trail = _app.Services.GetRequiredService<AuditLog>();

        // An identity provider's claims reach the trail as they are (the login form refuses such names itself). PostgreSQL
        // refuses a NUL or half a surrogate pair in text, and these events share commits with other agents' tokens.
        var hostile = Enumerable.Range(0, 20).Select(i => trail.SignInAsync(
            AuditOutcomes.Refused, null, $"nul\0{i}\uD800@example.com{new string('x', 300)}", null, $"OpenID Connect: NotProvisioned\u001b[31m{new string('r', 600)}"));
        var tokens = Enumerable.Range(0, 20).Select(_ => agent.GetAsync(JwtUrl(Comm100Url)));
        await Task.WhenAll(hostile);
        Assert.All(await Task.WhenAll(tokens), response => Assert.Equal(HttpStatusCode.Redirect, response.StatusCode));

        var stored = (await _app.AuditEventsAsync(AuditEventTypes.SignIn)).Where(entry => entry.Outcome == AuditOutcomes.Refused).ToList();
        Assert.Equal(20, stored.Count);
        Assert.Contains(stored, entry => entry.Email == "nul\uFFFD7\uFFFD@example.com" + new string('x', 256 - 18));
        Assert.All(stored, entry => Assert.StartsWith("OpenID Connect: NotProvisioned\uFFFD[31mrrr", entry.Reason, StringComparison.Ordinal));
        Assert.All(stored, entry => Assert.Equal(512, entry.Reason!.Length));
        Assert.Equal(20, (await _app.AuditEventsAsync(AuditEventTypes.Token)).Count);
    }

    [Fact]
    public async Task TheLoginFormRefusesAnAccountNameWithControlCharactersAndRecordsThat()
    {
        var response = await PostLoginAsync(_app.CreateBrowserClient(), "nul\0@example.com", DefaultPassword);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var refused = Assert.Single(await _app.AuditEventsAsync(AuditEventTypes.SignIn));
        Assert.Equal((AuditOutcomes.Refused, "form unreadable (400)"), (refused.Outcome, refused.Reason));
    }

    [Fact]
    public async Task NoTokenGoesOutWhenItsEventCannotBeStoredAndTokensResumeWhenItCan()
    {
        await _app.CreateUserAsync(Agent);
        var client = await _app.CreateSignedInClientAsync(Agent);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync(JwtUrl(Comm100Url))).StatusCode);

        // The rest of the database works; only the trail refuses writes.
        await ExecuteAsync(provider == TestDatabase.Sqlite
            ? "CREATE TRIGGER refuse_audit BEFORE INSERT ON \"AuditEvents\" BEGIN SELECT RAISE(ABORT, 'the trail is read-only'); END;"
            : "ALTER TABLE \"AuditEvents\" ADD CONSTRAINT refuse_audit CHECK (false) NOT VALID;");

        var refused = await client.GetAsync(JwtUrl(Comm100Url));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Null(refused.Headers.Location);
        Assert.DoesNotContain("eyJ", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("30", Assert.Single(refused.Headers.GetValues("Retry-After")));
        Assert.Contains(_app.Logs.GetSnapshot(), record => record.Message.StartsWith("Could not write 1 audit events", StringComparison.Ordinal));

        await ExecuteAsync(provider == TestDatabase.Sqlite ? "DROP TRIGGER refuse_audit;" : "ALTER TABLE \"AuditEvents\" DROP CONSTRAINT refuse_audit;");

        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync(JwtUrl(Comm100Url))).StatusCode);
        Assert.Equal(2, (await _app.AuditEventsAsync(AuditEventTypes.Token)).Count);
    }

    [Fact]
    public async Task SignOutsAreRecordedEachWay()
    {
        var user = await _app.CreateUserAsync(Agent);
        var first = await _app.CreateSignedInClientAsync(Agent);
        await first.PostAsync("/logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = await AntiforgeryTokenAsync(first, "/logout") }));
        var second = await _app.CreateSignedInClientAsync(Agent);
        await second.GetAsync("/api/jwt/logout");
        // Nobody was signed in: nothing ended, nothing to record.
        await _app.CreateBrowserClient().GetAsync("/api/jwt/logout");

        Assert.Equal(
            [("form", user.Id, Agent), ("logout-url", user.Id, Agent)],
            (await _app.AuditEventsAsync(AuditEventTypes.SignOut)).Select(entry => (entry.Outcome, entry.UserId, entry.Email)));
    }

    private async Task ExecuteAsync(string sql)
    {
        if (provider == TestDatabase.Sqlite)
        {
            await using var connection = new SqliteConnection(_app.Database.ConnectionString);
            await connection.OpenAsync();
            await using var command = new SqliteCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }
        else
        {
            await using var connection = new NpgsqlConnection(_app.Database.ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }
    }

    private static void AssertHoldsNo(AuditEvent entry, params string[] secrets)
    {
        string?[] values = [entry.Type, entry.Outcome, entry.UserId, entry.Email, entry.Consumer, entry.KeyId, entry.TokenId, entry.RedirectHost, entry.ClientAddress, entry.Reason, entry.Actor];
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(values, value => value?.Contains(secret, StringComparison.Ordinal) == true);
        }
    }
}

/// <summary>The same tests on the embedded SQLite file.</summary>
public sealed class AuditTrailTestsOnSqlite() : AuditTrailTests(TestDatabase.Sqlite);

/// <summary>The same tests on PostgreSQL.</summary>
public sealed class AuditTrailTestsOnPostgres() : AuditTrailTests(TestDatabase.Postgres);

/// <summary>How a value the trail cannot store as it is becomes one it can.</summary>
public sealed class AuditEventCleaningTests
{
    [Fact]
    public void ControlCharactersAndLoneSurrogatesAreReplacedAndLongValuesCut()
    {
        // Built in code: a lone surrogate does not survive a test case's serialization.
        foreach (var (value, length, expected) in new[]
        {
            ("agent@example.com", 256, "agent@example.com"),
            ("a\0b", 256, "a\uFFFDb"),
            ("tab\there", 256, "tab\uFFFDhere"),
            ("lone \uD800 high", 256, "lone \uFFFD high"),
            ("lone \uDC00 low", 256, "lone \uFFFD low"),
            ("ends high \uD800", 256, "ends high \uFFFD"),
            ("pair \uD83D\uDE00 kept", 256, "pair \uD83D\uDE00 kept"),
            ("abcdef", 4, "abcd"),
            ("abc\uD83D\uDE00", 4, "abc"),
        })
        {
            Assert.Equal(expected, AuditEvent.Clean(value, length));
        }
    }

    [Fact]
    public void EveryValueIsFittedToItsColumn()
    {
        var entry = new AuditEvent { Type = "token", Outcome = "issued", Email = new string('e', 1000), Reason = new string('r', 1000) };
        entry.Fit();
        Assert.Equal((256, 512), (entry.Email!.Length, entry.Reason!.Length));
    }
}

/// <summary>The trail's own time format for SQLite is EF Core's, so rows written either way compare and sort alike.</summary>
public sealed class SqliteTimeTests
{
    [Fact]
    public void WritesTimesExactlyAsEfCoreDoes()
    {
        var random = new Random(19);
        var times = new List<DateTime>
        {
            new(2026, 12, 1, 9, 5, 3, DateTimeKind.Utc),
            new(2026, 12, 1, 9, 5, 3, 500, DateTimeKind.Utc),
            new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc).AddTicks(1),
            new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc).AddTicks(1_234_560),
            DateTime.MinValue,
            DateTime.MaxValue,
        };
        times.AddRange(Enumerable.Range(0, 10_000).Select(_ => new DateTime(random.NextInt64(DateTime.MinValue.Ticks, DateTime.MaxValue.Ticks), DateTimeKind.Utc)));
        Span<char> buffer = stackalloc char[SqliteTime.Length];

        foreach (var time in times)
        {
            // Microsoft.EntityFrameworkCore.Sqlite's DateTime mapping writes this format (SqliteDateTimeTypeMapping).
            Assert.Equal(time.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", System.Globalization.CultureInfo.InvariantCulture), SqliteTime.Format(time, buffer).ToString());
        }
    }
}
