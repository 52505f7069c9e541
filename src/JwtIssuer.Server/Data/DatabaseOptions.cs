using System.ComponentModel.DataAnnotations;

namespace JwtIssuer.Server.Data;

/// <summary>The <c>Database</c> configuration section.</summary>
public sealed class DatabaseOptions
{
    public const string SectionName = "Database";

    public const string Sqlite = "Sqlite";
    public const string Postgres = "Postgres";

    /// <summary><c>Sqlite</c> (the embedded default) or <c>Postgres</c> (several instances on one database).</summary>
    [Required]
    [AllowedValues(Sqlite, Postgres, ErrorMessage = "Database:Provider must be Sqlite or Postgres.")]
    public string Provider { get; set; } = Sqlite;

    public bool IsPostgres => string.Equals(Provider, Postgres, StringComparison.Ordinal);

    /// <summary>The ADO.NET connection string; by default a <c>jwt-issuer.db</c> SQLite file in the content root.</summary>
    [Required(ErrorMessage = "Database:ConnectionString is empty. Set it, for example to \"Data Source=jwt-issuer.db\".")]
    public string ConnectionString { get; set; } = "Data Source=jwt-issuer.db";
}
