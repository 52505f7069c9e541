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
using SQLitePCL;

namespace JwtIssuer.Server.Audit;

/// <summary>
/// Writes the audit trail with group commit: each event waits in a queue, one writer takes every event waiting, writes
/// them in one transaction and commits, and only then completes each event's task. A token's answer waits for its task,
/// so no token leaves unrecorded, yet many requests share one commit (one fsync), off the request path. If the store
/// cannot be written, the tasks fail with <see cref="AuditStoreUnavailableException"/> and nothing goes ahead.
/// </summary>
/// <remarks>
/// Rows are written without EF Core, one prepared statement per provider (SQLite: an INSERT run per row in one
/// transaction; PostgreSQL: one INSERT ... SELECT FROM unnest of arrays): EF Core's change tracking would cost more per
/// token than everything else the token endpoint does. Queries (the CLI, the admin pages) read the same table with EF
/// Core.
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
    private Thread? _writer;
    private DbConnection? _connection;
    private DbCommand? _insert;
    private sqlite3_stmt? _sqliteInsert;

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

    /// <summary>Records that a SCIM token was made or revoked, and by whom; never the token.</summary>
    public Task ScimTokenChangedAsync(string change, string name, string actor) =>
        RecordAsync(new AuditEvent { Type = AuditEventTypes.ScimToken, Outcome = change, Actor = actor, Reason = $"token {name}" });

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
            if (_writer is null)
            {
                // A thread of its own: the commits wait on the disk (fsync) or the network, and a pool thread blocked
                // there is one fewer serving requests; with one core the pool has one or two.
                var writer = new Thread(WriteLoop) { IsBackground = true, Name = "JwtIssuer audit writer" };
                writer.Start();
                _writer = writer;
            }
        }
    }

    private void WriteLoop()
    {
        var batch = new List<Pending>(MaxBatch);
        while (WaitForEvents())
        {
            // Everything waiting now shares this commit; what arrives meanwhile shares the next.
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            try
            {
                Write(batch);
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
                Reset();
                var failure = new AuditStoreUnavailableException("The audit trail could not be written.", ex);
                foreach (var pending in batch)
                {
                    pending.Committed.TrySetException(failure);
                }
            }

            batch.Clear();
        }

        Reset();
    }

    /// <summary>Blocks the writer's thread until an event waits (true) or the trail is closed and drained (false).</summary>
    private bool WaitForEvents()
    {
        var ready = _queue.Reader.WaitToReadAsync();
        return ready.IsCompletedSuccessfully ? ready.Result : ready.AsTask().GetAwaiter().GetResult();
    }

    /// <summary>
    /// Writes the batch on the writer's connection; if that fails, once more on a new one. A connection the database
    /// ended (a restart, a failover) is found broken only when used, and its requests should not pay for that.
    /// </summary>
    private void Write(List<Pending> batch)
    {
        var fresh = _connection is null;
        try
        {
            WriteOnce(batch);
        }
        catch (Exception ex) when (!fresh)
        {
            LogRetrying(_logger, ex.Message);
            Reset();
            WriteOnce(batch);
        }
    }

    private void WriteOnce(List<Pending> batch)
    {
        if (_connection is null)
        {
            Open();
        }

        if (_connection is NpgsqlConnection)
        {
            WritePostgres(batch);
        }
        else
        {
            WriteSqlite(batch);
        }
    }

    /// <summary>
    /// One transaction, one prepared statement run per row, one commit (with WAL and synchronous=FULL: one fsync).
    /// The statement is SQLite's own (SQLitePCLRaw, which Microsoft.Data.Sqlite is built on): each value is bound
    /// from the string as it is, where the ADO.NET parameters cost more per row than SQLite's insert itself.
    /// </summary>
    private void WriteSqlite(List<Pending> batch)
    {
        var connection = (SqliteConnection)_connection!;
        using var transaction = connection.BeginTransaction();
        var statement = _sqliteInsert!;
        var db = connection.Handle!;
        Span<char> time = stackalloc char[SqliteTime.Length];
        foreach (var pending in batch)
        {
            var entry = pending.Entry;
            SqliteException.ThrowExceptionForRC(raw.sqlite3_bind_text16(statement, 1, SqliteTime.Format(entry.Time, time)), db);
            Bind(statement, 2, entry.Type, db);
            Bind(statement, 3, entry.Outcome, db);
            Bind(statement, 4, entry.UserId, db);
            Bind(statement, 5, entry.Email, db);
            Bind(statement, 6, entry.Consumer, db);
            Bind(statement, 7, entry.KeyId, db);
            Bind(statement, 8, entry.TokenId, db);
            Bind(statement, 9, entry.RedirectHost, db);
            Bind(statement, 10, entry.ClientAddress, db);
            Bind(statement, 11, entry.Reason, db);
            Bind(statement, 12, entry.Actor, db);
            var rc = raw.sqlite3_step(statement);
            raw.sqlite3_reset(statement);
            if (rc != raw.SQLITE_DONE)
            {
                SqliteException.ThrowExceptionForRC(rc, db);
            }
        }

        transaction.Commit();
    }

    private static void Bind(sqlite3_stmt statement, int index, string? value, sqlite3 db) =>
        SqliteException.ThrowExceptionForRC(value is null ? raw.sqlite3_bind_null(statement, index) : raw.sqlite3_bind_text16(statement, index, value), db);

    /// <summary>One statement for the whole batch, its columns as arrays; PostgreSQL commits it at once.</summary>
    private void WritePostgres(List<Pending> batch)
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
        _insert.ExecuteNonQuery();
    }

    private void Open()
    {
        string connectionString;
        using (var scope = _scopes.CreateScope())
        {
            connectionString = scope.ServiceProvider.GetRequiredService<JwtIssuerDbContext>().Database.GetConnectionString()!;
        }

        if (_database.IsPostgres)
        {
            var connection = new NpgsqlConnection(connectionString);
            connection.Open();
            var insert = new NpgsqlCommand(
                $"INSERT INTO \"AuditEvents\" ({Columns}) SELECT * FROM unnest(@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9, @p10, @p11)", connection);
            insert.Parameters.Add(new NpgsqlParameter("p0", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz));
            for (var i = 1; i <= 11; i++)
            {
                insert.Parameters.Add(new NpgsqlParameter($"p{i}", NpgsqlDbType.Array | NpgsqlDbType.Text));
            }

            insert.Prepare();
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

            var rc = raw.sqlite3_prepare_v2(connection.Handle, $"INSERT INTO \"AuditEvents\" ({Columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", out sqlite3_stmt insert);
            SqliteException.ThrowExceptionForRC(rc, connection.Handle);
            (_connection, _sqliteInsert) = (connection, insert);
        }
    }

    private void Reset()
    {
        _insert?.Dispose();
        _sqliteInsert?.Dispose();
        _connection?.Dispose();
        (_insert, _sqliteInsert, _connection) = (null, null, null);
    }

    /// <summary>Writes what is queued, then stops: a graceful stop loses nothing.</summary>
    public ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        Thread? writer;
        lock (_startLock)
        {
            writer = _writer;
        }

        writer?.Join();
        return ValueTask.CompletedTask;
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
