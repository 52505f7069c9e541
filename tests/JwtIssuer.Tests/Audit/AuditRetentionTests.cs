using JwtIssuer.Server.Audit;
using JwtIssuer.Server.Data;
using JwtIssuer.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace JwtIssuer.Tests.Audit;

/// <summary><c>Audit:Retention</c>: events past it are deleted in the background, on the server's (fake) clock.</summary>
public abstract class AuditRetentionTests(string provider) : IDisposable
{
    private readonly JwtIssuerApplication _app = new(provider);

    public void Dispose() => _app.Dispose();

    private async Task PlantAsync(TimeSpan age, int count = 1)
    {
        var time = (_app.Time.GetUtcNow() - age).UtcDateTime;
        await using var scope = _app.Services.CreateAsyncScope();
        var database = scope.ServiceProvider.GetRequiredService<JwtIssuerDbContext>();
        database.AuditEvents.AddRange(Enumerable.Range(0, count).Select(i => new AuditEvent { Time = time, Type = "token", Outcome = "issued", TokenId = $"{age.TotalDays}-{i}" }));
        await database.SaveChangesAsync();
    }

    private async Task<List<double>> AgesInDaysAsync()
    {
        var now = _app.Time.GetUtcNow().UtcDateTime;
        return [.. (await _app.AuditEventsAsync()).Select(entry => Math.Round((now - entry.Time).TotalDays, 1)).Distinct().Order()];
    }

    [Fact]
    public async Task TheDefaultKeepsNinetyDaysAndDeletesInChunks()
    {
        await PlantAsync(TimeSpan.FromDays(120), count: 12_000);
        await PlantAsync(TimeSpan.FromDays(90.5));
        await PlantAsync(TimeSpan.FromDays(89.5));
        await PlantAsync(TimeSpan.FromDays(1));

        var deleted = await _app.Services.GetRequiredService<AuditRetention>().PruneAsync(CancellationToken.None);

        Assert.Equal(12_001, deleted);
        Assert.Equal([1, 89.5], await AgesInDaysAsync());
    }

    [Fact]
    public async Task TheServerPrunesByItselfAMinuteAfterStartAndThenEveryHour()
    {
        _app.Settings["Audit:Retention"] = "7.00:00:00";
        await PlantAsync(TimeSpan.FromDays(8));
        await PlantAsync(TimeSpan.FromDays(6.99));

        await AdvanceUntilAsync(TimeSpan.FromSeconds(10), async () => (await AgesInDaysAsync()).Count == 1);
        Assert.Equal([7], await AgesInDaysAsync());

        // An hour on, the one planted a day short of retention is still young; a day and an hour on, it is gone.
        await AdvanceUntilAsync(TimeSpan.FromMinutes(10), async () => (await AgesInDaysAsync()).Count == 0, limit: TimeSpan.FromDays(1.1));
        Assert.Contains(_app.Logs.GetSnapshot(), record => record.Message == "Deleted 1 audit events older than 7.00:00:00");
    }

    /// <summary>Moves the fake clock on a step at a time until <paramref name="done"/>, as the background service sees it.</summary>
    private async Task AdvanceUntilAsync(TimeSpan step, Func<Task<bool>> done, TimeSpan? limit = null)
    {
        var moved = TimeSpan.Zero;
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!await done())
        {
            Assert.True(moved <= (limit ?? TimeSpan.FromHours(2)) && waited.Elapsed < TimeSpan.FromSeconds(30), $"not pruned after {moved} of fake time");
            _app.Time.Advance(step);
            moved += step;
            await Task.Delay(50);
        }
    }
}

/// <summary>The same tests on the embedded SQLite file.</summary>
public sealed class AuditRetentionTestsOnSqlite() : AuditRetentionTests(TestDatabase.Sqlite);

/// <summary>The same tests on PostgreSQL, and there one instance at a time.</summary>
public sealed class AuditRetentionTestsOnPostgres() : AuditRetentionTests(TestDatabase.Postgres)
{
    [Fact]
    public async Task OneInstanceAtATimePrunesASharedDatabase()
    {
        await using var first = new JwtIssuerApplication(TestDatabase.Postgres);
        await using var second = new JwtIssuerApplication(first);
        var retention = first.Services.GetRequiredService<AuditRetention>();
        var other = second.Services.GetRequiredService<AuditRetention>();
        await using (var scope = first.Services.CreateAsyncScope())
        {
            var database = scope.ServiceProvider.GetRequiredService<JwtIssuerDbContext>();
            database.AuditEvents.Add(new AuditEvent { Time = first.Time.GetUtcNow().UtcDateTime.AddDays(-100), Type = "token", Outcome = "issued" });
            await database.SaveChangesAsync();
        }

        // While one instance holds the turn (here, a session holding its lock), the other skips its round.
        await using (var holder = new NpgsqlConnection(first.Database.ConnectionString))
        {
            await holder.OpenAsync();
            await using (var take = new NpgsqlCommand($"SELECT pg_advisory_lock({AuditRetention.LockKey})", holder))
            {
                await take.ExecuteScalarAsync();
            }

            Assert.Equal(0, await other.PruneAsync(CancellationToken.None));
            Assert.Single(await first.AuditEventsAsync());

            // Released explicitly: a closed connection's backend ends (and lets go) a moment later, not at once.
            await using var release = new NpgsqlCommand($"SELECT pg_advisory_unlock({AuditRetention.LockKey})", holder);
            await release.ExecuteScalarAsync();
        }

        Assert.Equal(1, await other.PruneAsync(CancellationToken.None));
        Assert.Equal(0, await retention.PruneAsync(CancellationToken.None));
        Assert.Empty(await first.AuditEventsAsync());
    }
}
