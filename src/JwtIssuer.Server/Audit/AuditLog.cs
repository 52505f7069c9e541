using System.Data.Common;
using System.Net;
using System.Threading.Channels;
using JwtIssuer.Diagnostics;
using JwtIssuer.Server.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace JwtIssuer.Server.Audit;

/// <summary>
/// Writes the audit trail with group commit: each event waits in a queue, one writer takes every event waiting, writes
/// them in one transaction and commits, and only then completes each event's task. A token's answer waits for its task,
/// so no token leaves unrecorded, yet many requests share one commit (one fsync), off the request path. If the store
/// cannot be written, the tasks fail with <see cref="AuditStoreUnavailableException"/> and nothing goes ahead.
/// </summary>
/// <remarks>
/// Rows are written with plain ADO.NET, one prepared statement per provider (SQLite: a prepared INSERT in a transaction;
/// PostgreSQL: one INSERT ... SELECT FROM unnest of arrays): EF Core's change tracking would cost more per token than
/// everything else the token endpoint does. Queries (the CLI, the admin pages) read the same table with EF Core.
/// </remarks>
public sealed partial class AuditLog : IAsyncDisposable
{
    private const int MaxBatch = 1024;

    private const string Columns = "\"Time\", \"Type\", \"Outcome\", \"UserId\", \"Email\", \"Consumer\", \"KeyId\", \"TokenId\", \"RedirectHost\", \"ClientAddress\", \"Reason\", \"Actor\"";

    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IServiceScopeFactory _scopes;
    private readonly DatabaseOptions _database;
    private readonly TimeProvider _time;
    private readonly ILogger<AuditLog> _logger;
    private readonly ILogger _auditLogger;
    private readonly Lock _startLock = new();
    private Task? _writer;
    private DbConnection? _connection;
    private DbCommand? _insert;

    public AuditLog(IServiceScopeFactory scopes, IOptions<DatabaseOptions> database, TimeProvider time, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(loggers);
        _scopes = scopes;
        _database = database.Value;
        _time = time;
        _logger = loggers.CreateLogger<AuditLog>();
        _auditLogger = loggers.CreateLogger(JwtIssuerDiagnostics.AuditCategory);
    }

    /// <summary>Records a sign-in attempt: <c>succeeded</c>, <c>failed</c>, <c>throttled</c> or <c>refused</c>.</summary>
    public Task SignInAsync(string outcome, string? userId, string? email, IPAddress? client, string? reason) =>
        RecordAsync(new AuditEvent { Type = AuditEventTypes.SignIn, Outcome = outcome, UserId = userId, Email = email, ClientAddress = client?.ToString(), Reason = reason });

    /// <summary>Records a session ended, and which way.</summary>
    public Task SignOutAsync(string way, string? userId, string? email, IPAddress? client) =>
        RecordAsync(new AuditEvent { Type = AuditEventTypes.SignOut, Outcome = way, UserId = userId, Email = email, ClientAddress = client?.ToString() });

    /// <summary>Records a change to a user, and who made it.</summary>
    public Task UserChangedAsync(string change, string? userId, string? email, string actor, string? reason = null) =>
        RecordAsync(new AuditEvent { Type = AuditEventTypes.User, Outcome = change, UserId = userId, Email = email, Actor = actor, Reason = reason });

    /// <summary>Queues the event; the task completes once it is committed, or fails if it cannot be.</summary>
    public Task RecordAsync(AuditEvent entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        entry.Time = _time.GetUtcNow().UtcDateTime;
        entry.Email = AuditEvent.NormalizeEmail(entry.Email);
        entry.Fit();
        var pending = new Pending(entry);
        if (!_queue.Writer.TryWrite(pending))
        {
            return Task.FromException(new AuditStoreUnavailableException("The audit trail is closed: the server is stopping."));
        }

        EnsureWriter();
        return pending.Committed.Task;
    }

    private void EnsureWriter()
    {
        if (Volatile.Read(ref _writer) is not null)
        {
            return;
        }

        lock (_startLock)
        {
            _writer ??= Task.Run(WriteLoopAsync);
        }
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<Pending>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            // Everything waiting now shares this commit; what arrives meanwhile shares the next.
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            try
            {
                await WriteAsync(batch);
                LogCommitted(batch);
                foreach (var pending in batch)
                {
                    pending.Committed.TrySetResult();
                }
            }
            catch (Exception ex)
            {
                // Whatever went wrong, the loop goes on: these requests fail, the next batch tries a new connection.
                LogWriteFailed(_logger, batch.Count, ex);
                await ResetAsync();
                var failure = new AuditStoreUnavailableException("The audit trail could not be written.", ex);
                foreach (var pending in batch)
                {
                    pending.Committed.TrySetException(failure);
                }
            }

            batch.Clear();
        }
    }

    /// <summary>
    /// Writes the batch on the writer's connection; if that fails, once more on a new one. A connection the database
    /// ended (a restart, a failover) is found broken only when used, and its requests should not pay for that.
    /// </summary>
    private async Task WriteAsync(List<Pending> batch)
    {
        var fresh = _connection is null;
        try
        {
            await WriteOnceAsync(batch);
        }
        catch (Exception ex) when (!fresh)
        {
            LogRetrying(_logger, ex.Message);
            await ResetAsync();
            await WriteOnceAsync(batch);
        }
    }

    private async Task WriteOnceAsync(List<Pending> batch)
    {
        if (_connection is null)
        {
            await OpenAsync();
        }

        if (_connection is NpgsqlConnection)
        {
            await WritePostgresAsync(batch);
        }
        else
        {
            WriteSqlite(batch);
        }
    }

    /// <summary>One transaction, one prepared statement run per row, one commit (with WAL and synchronous=FULL: one fsync).</summary>
    private void WriteSqlite(List<Pending> batch)
    {
        using var transaction = _connection!.BeginTransaction();
        _insert!.Transaction = transaction;
        var parameters = _insert.Parameters;
        foreach (var pending in batch)
        {
            var entry = pending.Entry;
            parameters[0].Value = entry.Time;
            parameters[1].Value = entry.Type;
            parameters[2].Value = entry.Outcome;
            parameters[3].Value = (object?)entry.UserId ?? DBNull.Value;
            parameters[4].Value = (object?)entry.Email ?? DBNull.Value;
            parameters[5].Value = (object?)entry.Consumer ?? DBNull.Value;
            parameters[6].Value = (object?)entry.KeyId ?? DBNull.Value;
            parameters[7].Value = (object?)entry.TokenId ?? DBNull.Value;
            parameters[8].Value = (object?)entry.RedirectHost ?? DBNull.Value;
            parameters[9].Value = (object?)entry.ClientAddress ?? DBNull.Value;
            parameters[10].Value = (object?)entry.Reason ?? DBNull.Value;
            parameters[11].Value = (object?)entry.Actor ?? DBNull.Value;
            _insert.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    /// <summary>One statement for the whole batch, its columns as arrays; PostgreSQL commits it at once.</summary>
    private async Task WritePostgresAsync(List<Pending> batch)
    {
        var parameters = _insert!.Parameters;
        parameters[0].Value = batch.Select(p => p.Entry.Time).ToArray();
        parameters[1].Value = batch.Select(p => p.Entry.Type).ToArray();
        parameters[2].Value = batch.Select(p => p.Entry.Outcome).ToArray();
        parameters[3].Value = batch.Select(p => p.Entry.UserId).ToArray();
        parameters[4].Value = batch.Select(p => p.Entry.Email).ToArray();
        parameters[5].Value = batch.Select(p => p.Entry.Consumer).ToArray();
        parameters[6].Value = batch.Select(p => p.Entry.KeyId).ToArray();
        parameters[7].Value = batch.Select(p => p.Entry.TokenId).ToArray();
        parameters[8].Value = batch.Select(p => p.Entry.RedirectHost).ToArray();
        parameters[9].Value = batch.Select(p => p.Entry.ClientAddress).ToArray();
        parameters[10].Value = batch.Select(p => p.Entry.Reason).ToArray();
        parameters[11].Value = batch.Select(p => p.Entry.Actor).ToArray();
        await _insert.ExecuteNonQueryAsync();
    }

    private async Task OpenAsync()
    {
        string connectionString;
        await using (var scope = _scopes.CreateAsyncScope())
        {
            connectionString = scope.ServiceProvider.GetRequiredService<JwtIssuerDbContext>().Database.GetConnectionString()!;
        }

        if (_database.IsPostgres)
        {
            var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            var insert = new NpgsqlCommand(
                $"INSERT INTO \"AuditEvents\" ({Columns}) SELECT * FROM unnest(@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9, @p10, @p11)", connection);
            insert.Parameters.Add(new NpgsqlParameter("p0", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz));
            for (var i = 1; i <= 11; i++)
            {
                insert.Parameters.Add(new NpgsqlParameter($"p{i}", NpgsqlDbType.Array | NpgsqlDbType.Text));
            }

            await insert.PrepareAsync();
            (_connection, _insert) = (connection, insert);
        }
        else
        {
            var connection = new SqliteConnection(connectionString);
            connection.Open();
            // The trail's commits must survive the machine, not only the process: fsync the WAL at every commit.
            using (var pragma = connection.CreateCommand())
            {
                pragma.CommandText = "PRAGMA synchronous=FULL;";
                pragma.ExecuteNonQuery();
            }

            var insert = connection.CreateCommand();
            insert.CommandText = $"INSERT INTO \"AuditEvents\" ({Columns}) VALUES ($p0, $p1, $p2, $p3, $p4, $p5, $p6, $p7, $p8, $p9, $p10, $p11)";
            for (var i = 0; i <= 11; i++)
            {
                insert.Parameters.Add(new SqliteParameter($"$p{i}", DBNull.Value));
            }

            insert.Prepare();
            (_connection, _insert) = (connection, insert);
        }
    }

    private async Task ResetAsync()
    {
        if (_insert is not null)
        {
            await _insert.DisposeAsync();
        }

        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }

        (_insert, _connection) = (null, null);
    }

    /// <summary>Writes what is queued, then stops: a graceful stop loses nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (Volatile.Read(ref _writer) is { } writer)
        {
            await writer;
        }

        await ResetAsync();
    }

    /// <summary>
    /// The committed events on the <c>JwtIssuer.Audit</c> log category, for those who ship logs; off by default (the
    /// shipped <c>Logging:LogLevel:JwtIssuer.Audit</c> is <c>Warning</c>). Written before the waiting requests go on,
    /// so a line is never missing for an answer already sent.
    /// </summary>
    private void LogCommitted(List<Pending> batch)
    {
        if (!_auditLogger.IsEnabled(LogLevel.Information))
        {
            return;
        }

        foreach (var pending in batch)
        {
            var e = pending.Entry;
            switch (e.Type)
            {
                case AuditEventTypes.Token:
                    LogTokenIssued(_auditLogger, e.TokenId, e.UserId, e.Email, e.Consumer, e.KeyId, e.RedirectHost, e.ClientAddress);
                    break;
                case AuditEventTypes.SignIn:
                    LogSignIn(_auditLogger, e.Outcome, e.Email, e.UserId, e.ClientAddress, e.Reason);
                    break;
                case AuditEventTypes.SignOut:
                    LogSignedOut(_auditLogger, e.UserId, e.Email, e.Outcome, e.ClientAddress);
                    break;
                default:
                    LogUserChanged(_auditLogger, e.UserId, e.Email, e.Outcome, e.Actor, e.Reason);
                    break;
            }
        }
    }

    // The library's event (id 1, TokenIssued) with the client's address added.
    [LoggerMessage(EventId = 1, EventName = "TokenIssued", Level = LogLevel.Information,
        Message = "Issued token {TokenId} to user {UserId} <{Email}> for consumer {Consumer}, key {KeyId}, redirect host {RedirectHost}, client {ClientAddress}")]
    private static partial void LogTokenIssued(ILogger logger, string? tokenId, string? userId, string? email, string? consumer, string? keyId, string? redirectHost, string? clientAddress);

    [LoggerMessage(EventId = 2, EventName = "SignedOut", Level = LogLevel.Information,
        Message = "User {UserId} <{Email}> signed out ({Way}), client {ClientAddress}")]
    private static partial void LogSignedOut(ILogger logger, string? userId, string? email, string way, string? clientAddress);

    [LoggerMessage(EventId = 3, EventName = "SignIn", Level = LogLevel.Information,
        Message = "Sign-in {Outcome} for <{Email}> (user {UserId}), client {ClientAddress}: {Reason}")]
    private static partial void LogSignIn(ILogger logger, string outcome, string? email, string? userId, string? clientAddress, string? reason);

    [LoggerMessage(EventId = 4, EventName = "UserChanged", Level = LogLevel.Information,
        Message = "User {UserId} <{Email}> {Change} by {Actor}: {Reason}")]
    private static partial void LogUserChanged(ILogger logger, string? userId, string? email, string change, string? actor, string? reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The audit trail's connection failed ({Reason}); writing again on a new one")]
    private static partial void LogRetrying(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not write {Count} audit events; their requests fail")]
    private static partial void LogWriteFailed(ILogger logger, int count, Exception exception);

    private sealed class Pending(AuditEvent entry)
    {
        public AuditEvent Entry { get; } = entry;

        // The requests waiting for the commit go on on their own threads, not on the writer's.
        public TaskCompletionSource Committed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
