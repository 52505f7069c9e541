using JwtIssuer.Configuration;
using Microsoft.Data.Sqlite;
using Npgsql;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
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

    // Any fixed number, the same on every instance: the name of the lock "migrating this database".
    private const long MigrationLockKey = 0x4A57_4941_4D69_6772;

    /// <summary>
    /// Creates the database or applies pending migrations before the first request. On PostgreSQL, instances that
    /// start at the same moment take turns under an advisory lock held for all the migrations: EF Core's own lock is
    /// released at each migration's commit there, and an instance that slipped in between two migrations of another
    /// applied the second one twice ("relation already exists").
    /// </summary>
    public static async Task MigrateDatabaseAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var database = scope.ServiceProvider.GetRequiredService<JwtIssuerDbContext>().Database;
        if (database.IsNpgsql())
        {
            await MigratePostgresAsync(database, cancellationToken);
        }
        else
        {
            await database.MigrateAsync(cancellationToken);
        }

        if (database.IsSqlite())
        {
            // Write-ahead logging, kept in the file: readers (sign-ins, the user status snapshot) never wait for the
            // audit trail's writer, and a commit is one append and one fsync rather than a rollback journal's several.
            await database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
    }

    private static async Task MigratePostgresAsync(DatabaseFacade database, CancellationToken cancellationToken)
    {
        // The lock lives inside the database, so the database comes first; of instances racing to create it, one does.
        var creator = database.GetService<IRelationalDatabaseCreator>();
        if (!await creator.ExistsAsync(cancellationToken))
        {
            try
            {
                await creator.CreateAsync(cancellationToken);
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.DuplicateDatabase)
            {
            }
        }

        // A session lock on a connection of its own (unpooled, so closing it ends the session and releases the lock,
        // also when this process dies).
        var connection = new NpgsqlConnectionStringBuilder(database.GetConnectionString()) { Pooling = false };
        await using var session = new NpgsqlConnection(connection.ConnectionString);
        await session.OpenAsync(cancellationToken);
        await using (var take = new NpgsqlCommand($"SELECT pg_advisory_lock({MigrationLockKey})", session))
        {
            await take.ExecuteNonQueryAsync(cancellationToken);
        }

        await database.MigrateAsync(cancellationToken);
    }
}
