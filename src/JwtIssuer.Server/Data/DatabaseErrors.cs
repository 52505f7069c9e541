using Microsoft.EntityFrameworkCore;

namespace JwtIssuer.Server.Data;

/// <summary>What a failed save means, on either database.</summary>
internal static class DatabaseErrors
{
    /// <summary>
    /// A unique index refused the row: another request took the name a moment before. SQLite: SQLITE_CONSTRAINT_UNIQUE
    /// (2067) or _PRIMARYKEY (1555); PostgreSQL: unique_violation. Anything else (a value too long, a busy file) is not.
    /// </summary>
    public static bool IsUniqueViolation(DbUpdateException ex) => ex.InnerException switch
    {
        Microsoft.Data.Sqlite.SqliteException sqlite => sqlite.SqliteExtendedErrorCode is 2067 or 1555,
        Npgsql.PostgresException postgres => postgres.SqlState == Npgsql.PostgresErrorCodes.UniqueViolation,
        _ => false,
    };
}
