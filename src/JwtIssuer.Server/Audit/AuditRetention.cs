using JwtIssuer.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace JwtIssuer.Server.Audit;

/// <summary>
/// Deletes events older than <c>Audit:Retention</c>, soon after start-up and then every hour, a chunk at a time so the
/// writer is never held up long. Several instances on one PostgreSQL database take turns: an advisory lock lets one
/// prune while the others skip the round.
/// </summary>
internal sealed partial class AuditRetention(
    IServiceScopeFactory scopes,
    IOptions<AuditOptions> options,
    IOptions<DatabaseOptions> database,
    TimeProvider time,
    ILogger<AuditRetention> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);
    private static readonly TimeSpan FirstRound = TimeSpan.FromMinutes(1);
    private const int Chunk = 5000;

    // Any fixed number, the same on every instance: the name of the lock "pruning the audit trail".
    internal const long LockKey = 0x4A57_4941_7564_6974;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(FirstRound, time, stoppingToken);
            using var timer = new PeriodicTimer(Interval, time);
            do
            {
                try
                {
                    var deleted = await PruneAsync(stoppingToken);
                    if (deleted > 0)
                    {
                        LogPruned(logger, deleted, options.Value.Retention);
                    }
                }
                catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException)
                {
                    LogPruneFailed(logger, ex);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Deletes the events past retention; how many, or 0 when another instance holds the turn.</summary>
    public async Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var context = scope.ServiceProvider.GetRequiredService<JwtIssuerDbContext>();
        var cutoff = (time.GetUtcNow() - options.Value.Retention).UtcDateTime;
        if (!database.Value.IsPostgres)
        {
            return await DeleteAsync(context, cutoff, cancellationToken);
        }

        // The lock lives on one connection: open it once for the lock, the deletes and the unlock.
        await context.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var connection = (NpgsqlConnection)context.Database.GetDbConnection();
            await using var take = new NpgsqlCommand($"SELECT pg_try_advisory_lock({LockKey})", connection);
            if ((bool?)await take.ExecuteScalarAsync(cancellationToken) != true)
            {
                return 0;
            }

            try
            {
                return await DeleteAsync(context, cutoff, cancellationToken);
            }
            finally
            {
                await using var release = new NpgsqlCommand($"SELECT pg_advisory_unlock({LockKey})", connection);
                await release.ExecuteScalarAsync(CancellationToken.None);
            }
        }
        finally
        {
            await context.Database.CloseConnectionAsync();
        }
    }

    private static async Task<int> DeleteAsync(JwtIssuerDbContext context, DateTime cutoff, CancellationToken cancellationToken)
    {
        var total = 0;
        while (true)
        {
            // Events arrive in time order, so the ids of the oldest ones are the lowest: a chunk is "up to this id".
            var old = context.AuditEvents.Where(entry => entry.Time < cutoff);
            var bound = await old.OrderBy(entry => entry.Id).Select(entry => (long?)entry.Id).Skip(Chunk - 1).FirstOrDefaultAsync(cancellationToken);
            if (bound is null)
            {
                return total + await old.ExecuteDeleteAsync(cancellationToken);
            }

            total += await old.Where(entry => entry.Id <= bound).ExecuteDeleteAsync(cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} audit events older than {Retention}")]
    private static partial void LogPruned(ILogger logger, int count, TimeSpan retention);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not prune the audit trail; the next round tries again")]
    private static partial void LogPruneFailed(ILogger logger, Exception exception);
}
