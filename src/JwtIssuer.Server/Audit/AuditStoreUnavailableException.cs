namespace JwtIssuer.Server.Audit;

/// <summary>
/// The audit trail could not be written. What waited for it (a token's answer) does not go ahead: the server answers
/// 503, as for a database outage, rather than issue a token it has not recorded.
/// </summary>
public sealed class AuditStoreUnavailableException : Exception
{
    public AuditStoreUnavailableException()
    {
    }

    public AuditStoreUnavailableException(string message)
        : base(message)
    {
    }

    public AuditStoreUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
