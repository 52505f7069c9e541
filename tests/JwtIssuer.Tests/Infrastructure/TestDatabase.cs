using Npgsql;

namespace JwtIssuer.Tests.Infrastructure;

/// <summary>
/// A fresh database for one test: a SQLite file, or a new database on the PostgreSQL server named by
/// JWTISSUER_TEST_POSTGRES (dropped afterwards). Without that server the PostgreSQL tests are a
/// <see cref="Requirement"/> missing.
/// </summary>
public sealed class TestDatabase : IDisposable
{
    public const string Sqlite = "Sqlite";
    public const string Postgres = "Postgres";
    public const string PostgresVariable = "JWTISSUER_TEST_POSTGRES";

    private readonly string? _postgresName;

    public TestDatabase(string provider, string dataDirectory)
    {
        Provider = provider;
        if (provider == Sqlite)
        {
            ConnectionString = $"Data Source={Path.Combine(dataDirectory, "jwt-issuer.db")}";
            return;
        }

        var server = RequirePostgres();
        _postgresName = $"jwt_test_{Guid.NewGuid():N}";
        ConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = _postgresName }.ConnectionString;
    }

    public string Provider { get; }

    public string ConnectionString { get; }

    public static string RequirePostgres()
    {
        if (Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } server)
        {
            return server;
        }

        const string message = $"PostgreSQL tests need a server: set {PostgresVariable}, for example " +
            "\"Host=127.0.0.1;Username=jwtissuer;Password=...\" for a role with CREATEDB (.ci/run shows how to start one).";
        Requirement.Missing(message);
        return string.Empty;
    }

    public void Dispose()
    {
        if (_postgresName is null)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString) { Database = "postgres", Pooling = false }.ConnectionString);
        connection.Open();
        using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_postgresName}\" WITH (FORCE)", connection);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                drop.ExecuteNonQuery();
                return;
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InsufficientPrivilege && attempt < 10)
            {
                // FORCE cannot end a backend of another role (such as an autovacuum worker) without pg_signal_backend,
                // which .ci/run grants; without it,
                // wait for that backend to finish and drop again.
                Thread.Sleep(TimeSpan.FromMilliseconds(200));
            }
        }
    }
}
