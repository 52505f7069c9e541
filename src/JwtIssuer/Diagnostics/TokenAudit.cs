using JwtIssuer.Tokens;
using Microsoft.Extensions.Logging;

namespace JwtIssuer.Diagnostics;

/// <summary>
/// One structured event per token issued, on its own log category (<see cref="JwtIssuerDiagnostics.AuditCategory"/>) so operators can
/// route or retain the audit trail apart from the rest of the logs. It records who, for whom and with which
/// key; never the token itself.
/// </summary>
internal sealed partial class TokenAudit(ILoggerFactory loggers)
{
    private readonly ILogger _logger = loggers.CreateLogger(JwtIssuerDiagnostics.AuditCategory);

    /// <summary>Records that <paramref name="token"/> was issued to <paramref name="subject"/>.</summary>
    public void TokenIssued(MintedToken token, TokenSubject subject, string consumer, string redirectHost)
    {
        ArgumentNullException.ThrowIfNull(subject);
        LogTokenIssued(_logger, token.Id, subject.UserId, subject.Email, consumer, token.KeyId, redirectHost);
    }

    [LoggerMessage(EventId = 1, EventName = "TokenIssued", Level = LogLevel.Information,
        Message = "Issued token {TokenId} to user {UserId} <{Email}> for consumer {Consumer}, key {KeyId}, redirect host {RedirectHost}")]
    private static partial void LogTokenIssued(ILogger logger, string tokenId, string userId, string email, string consumer, string keyId, string redirectHost);
}
