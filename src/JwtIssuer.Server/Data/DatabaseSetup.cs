using JwtIssuer.Configuration;
using Microsoft.Data.Sqlite;
using Npgsql;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace JwtIssuer.Server.Data;

internal static class DatabaseSetup
{
    /// <summary>Registers the user database for the configured provider.</summary>
    public static IHostApplicationBuilder AddDatabase(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSettings<DatabaseOptions>(builder.Configuration, DatabaseOptions.SectionName).ValidateDataAnnotations();
        builder.Services.AddProblemDetails();
        // A database that does not answer is a 503 with a page, not a 500.
        builder.Services.AddExceptionHandler<DatabaseUnavailableHandler>();

        // Pooled: building a context (and its options) per request cost more than the query it ran. Measured with
        // tests/JwtIssuer.Benchmarks when every token request still read the database: 3.7k -> 7.5k requests/s.
        builder.Services.AddDbContextPool<SqliteDbContext>((services, options) =>
            options.UseSqlite(SqliteConnectionString(
                services.GetRequiredService<IOptions<DatabaseOptions>>().Value,
                services.GetRequiredService<IHostEnvironment>().ContentRootPath)));
        builder.Services.AddDbContextPool<PostgresDbContext>((services, options) =>
            options.UseNpgsql(services.GetRequiredService<IOptions<DatabaseOptions>>().Value.ConnectionString));
        // Everything else asks for the provider-neutral context; configuration decides which one it is.
        builder.Services.AddScoped<JwtIssuerDbContext>(services =>
            services.GetRequiredService<IOptions<DatabaseOptions>>().Value.IsPostgres
                ? services.GetRequiredService<PostgresDbContext>()
                : services.GetRequiredService<SqliteDbContext>());
        return builder;
    }

    /// <summary>The connection string with a relative file resolved against the content root, like every other path we read.</summary>
    private static string SqliteConnectionString(DatabaseOptions options, string contentRoot)
    {
        var connection = new SqliteConnectionStringBuilder(options.ConnectionString);
        if (IsFile(connection.DataSource))
        {
            connection.DataSource = Path.GetFullPath(connection.DataSource, contentRoot);
        }

        return connection.ToString();
    }

    private static bool IsFile(string dataSource) =>
        !string.IsNullOrEmpty(dataSource) && dataSource != ":memory:" && !dataSource.StartsWith("file:", StringComparison.Ordinal);

    /// <summary>
    /// The folder the database file lives in, so that state kept beside it (the Data Protection key ring)
    /// moves with <c>Database:ConnectionString</c>.
    /// </summary>
    public static string DataDirectory(DatabaseOptions options, string contentRoot)
    {
        var source = new SqliteConnectionStringBuilder(options.ConnectionString).DataSource;
        return IsFile(source) ? Path.GetDirectoryName(Path.GetFullPath(source, contentRoot)) ?? contentRoot : contentRoot;
    }

    /// <summary>
    /// Creates the database or applies pending migrations before the first request. EF Core takes a database
    /// lock around the migrations, so instances that start at the same moment do not race.
    /// </summary>
    public static async Task MigrateDatabaseAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var database = scope.ServiceProvider.GetRequiredService<JwtIssuerDbContext>().Database;
        try
        {
            await database.MigrateAsync(cancellationToken);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.DuplicateDatabase)
        {
            // The migration lock lives inside the database, so creating the database itself is not covered:
            // an instance that lost that race finds it there now and migrates under the lock.
            await database.MigrateAsync(cancellationToken);
        }

        if (database.IsSqlite())
        {
            // Write-ahead logging, kept in the file: readers (sign-ins, the user status snapshot) never wait for the
            // audit trail's writer, and a commit is one append and one fsync rather than a rollback journal's several.
            await database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
    }
}
