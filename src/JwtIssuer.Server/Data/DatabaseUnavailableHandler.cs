using System.Data.Common;
using System.Globalization;
using JwtIssuer.Endpoints;
using Microsoft.AspNetCore.Diagnostics;

namespace JwtIssuer.Server.Data;

/// <summary>
/// A database that does not answer (down, unreachable, refusing connections) becomes a 503 with a page that
/// says so and a <c>Retry-After</c>, instead of a bare 500. The exception is logged by the exception handler
/// middleware; the response never shows it.
/// </summary>
internal sealed class DatabaseUnavailableHandler : IExceptionHandler
{
    public const int RetryAfterSeconds = 30;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!IsDatabaseFailure(exception))
        {
            return false;
        }

        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        await new ErrorResult(StatusCodes.Status503ServiceUnavailable, "Sign-in is unavailable",
            "The sign-in service cannot reach its database right now. Try again in a minute; if this goes on, tell your administrator.")
            .ExecuteAsync(httpContext);
        return true;
    }

    /// <summary>A provider exception (SQLite, Npgsql) anywhere in the chain, also when EF Core has wrapped it.</summary>
    internal static bool IsDatabaseFailure(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is DbException)
            {
                return true;
            }
        }

        return false;
    }
}
