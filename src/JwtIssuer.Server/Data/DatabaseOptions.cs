using System.ComponentModel.DataAnnotations;

namespace JwtIssuer.Server.Data;

/// <summary>The <c>Database</c> configuration section.</summary>
public sealed class DatabaseOptions
{
    public const string SectionName = "Database";

    /// <summary><c>Sqlite</c> (the embedded default).</summary>
    [Required]
    [AllowedValues("Sqlite", ErrorMessage = "Database:Provider must be Sqlite.")]
    public string Provider { get; set; } = "Sqlite";

    /// <summary>The ADO.NET connection string; by default a <c>jwt-issuer.db</c> file in the working directory.</summary>
    [Required(ErrorMessage = "Database:ConnectionString is empty. Set it, for example to \"Data Source=jwt-issuer.db\".")]
    public string ConnectionString { get; set; } = "Data Source=jwt-issuer.db";
}
