using JwtIssuer.Diagnostics;

namespace JwtIssuer.Server.Audit;

/// <summary>The library's token audit, kept in the database: the token's answer waits for its event's commit.</summary>
internal sealed class StoredTokenAudit(AuditLog log, ILoggerFactory loggers) : TokenAudit(loggers)
{
    public override ValueTask TokenIssuedAsync(TokenIssued issued, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(issued);
        // The log line, for those who turn the JwtIssuer.Audit category on, comes from the trail once committed. A client
        // that goes away still waits for the commit (a millisecond or so): the token exists, so its event must too.
        return new ValueTask(log.RecordAsync(new AuditEvent
        {
            Type = AuditEventTypes.Token,
            Outcome = AuditOutcomes.Issued,
            UserId = issued.Subject.UserId,
            Email = issued.Subject.Email,
            Consumer = issued.Consumer,
            KeyId = issued.Token.KeyId,
            TokenId = issued.Token.Id,
            RedirectHost = issued.RedirectHost,
            ClientAddress = issued.ClientAddress?.ToString(),
        }));
    }
}
