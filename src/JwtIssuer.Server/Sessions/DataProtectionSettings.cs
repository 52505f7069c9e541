namespace JwtIssuer.Server.Sessions;

/// <summary>The <c>DataProtection</c> configuration section: where the key ring lives and whose it is.</summary>
public sealed class DataProtectionSettings
{
    public const string SectionName = "DataProtection";

    /// <summary>The key ring folder; by default <c>keys/dataprotection</c> beside the database file.</summary>
    public string? KeysPath { get; set; }

    /// <summary>Share it (with the key ring and cookie name) with an app whose sign-in cookie should be accepted here.</summary>
    public string ApplicationName { get; set; } = "JwtIssuer";
}
