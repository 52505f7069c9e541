namespace JwtIssuer.Diagnostics;

/// <summary>The names under which the issuer reports what it does, for hosts that export metrics or route logs.</summary>
public static class JwtIssuerDiagnostics
{
    /// <summary>The meter of every JwtIssuer instrument (tokens issued, redirects refused, and the server's own).</summary>
    public const string MeterName = "JwtIssuer";

    /// <summary>The log category of the audit events: one per token issued, never the token itself.</summary>
    public const string AuditCategory = "JwtIssuer.Audit";
}
