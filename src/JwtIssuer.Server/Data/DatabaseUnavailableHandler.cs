using System.Globalization;
using JwtIssuer.Endpoints;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace JwtIssuer.Server.Data;

/// <summary>
/// A database that does not answer (down, unreachable, refusing connections, out of connections) becomes a
/// 503 with a page that says so and a <c>Retry-After</c>, instead of a bare 500. Other database errors (a
/// constraint, a missing table) stay 500s: they are bugs, and must not look like an outage. The exception is
/// logged here, since the exception handler middleware does not log what a handler has handled.
/// </summary>
internal sealed partial class DatabaseUnavailableHandler(ILogger<DatabaseUnavailableHandler> logger) : IExceptionHandler
{
    public const int RetryAfterSeconds = 30;

    // SQLite result codes (https://sqlite.org/rescode.html) that mean the file cannot be used right now.
    private const int SqliteBusy = 5, SqliteLocked = 6, SqliteIoError = 10, SqliteFull = 13, SqliteCantOpen = 14;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!IsDatabaseUnavailable(exception))
        {
            return false;
        }

        LogUnavailable(logger, httpContext.Request.Path, exception);
        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        await new ErrorResult(StatusCodes.Status503ServiceUnavailable, "Sign-in is unavailable",
            "The sign-in service cannot reach its database right now. Try again in a minute; if this goes on, tell your administrator.")
            .ExecuteAsync(httpContext);
        return true;
    }

    /// <summary>Whether the exception, or one it wraps (EF Core wraps provider exceptions), says the database is out of reach.</summary>
    internal static bool IsDatabaseUnavailable(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            switch (exception)
            {
                // The audit trail could not take a token's event: nothing unrecorded goes out.
                case Audit.AuditStoreUnavailableException:
                    return true;
                // A server error names its class: connection (08), insufficient resources (53), operator
                // intervention such as a shutdown (57P), a database that is gone (3D000) or closed to
                // connections (55000, "is not currently accepting connections").
                case PostgresException postgres:
                    return postgres.SqlState.StartsWith("08", StringComparison.Ordinal)
                        || postgres.SqlState.StartsWith("53", StringComparison.Ordinal)
                        || postgres.SqlState.StartsWith("57P", StringComparison.Ordinal)
                        || postgres.SqlState is PostgresErrorCodes.InvalidCatalogName or PostgresErrorCodes.ObjectNotInPrerequisiteState;
                // Npgsql's own errors, not the server's: the socket, the timeout, the pool.
                case NpgsqlException:
                    return true;
                case SqliteException sqlite:
                    return sqlite.SqliteErrorCode is SqliteBusy or SqliteLocked or SqliteIoError or SqliteFull or SqliteCantOpen;
            }
        }

        return false;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The database is unavailable; {Path} answered 503")]
    private static partial void LogUnavailable(ILogger logger, PathString path, Exception exception);
}
