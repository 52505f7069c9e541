using System.Net;
using JwtIssuer.Tokens;
using Microsoft.Extensions.Logging;

namespace JwtIssuer.Diagnostics;

/// <summary>What the audit trail records of one token: who, for whom, with which key, from where; never the token itself.</summary>
/// <param name="Token">The token minted (its id, key and algorithm are recorded; the token is not).</param>
/// <param name="Subject">The user it was minted for.</param>
/// <param name="Consumer">The consumer it goes to.</param>
/// <param name="RedirectHost">The host of the allowed redirect URL, as it arrived.</param>
/// <param name="ClientAddress">The client's address, as the host sees it (after forwarded headers).</param>
internal sealed record TokenIssued(MintedToken Token, TokenSubject Subject, string Consumer, string RedirectHost, IPAddress? ClientAddress);

/// <summary>
/// The audit trail of tokens. The token endpoint sends its answer only once <see cref="TokenIssuedAsync"/> completes,
/// so a host that keeps events in a store (the server) can make sure no token leaves unrecorded. This one writes a
/// structured log event on its own category (<see cref="JwtIssuerDiagnostics.AuditCategory"/>), when that is enabled.
/// </summary>
internal partial class TokenAudit(ILoggerFactory loggers)
{
    private readonly ILogger _logger = loggers.CreateLogger(JwtIssuerDiagnostics.AuditCategory);

    /// <summary>Records that a token was issued; the answer waits for this.</summary>
    public virtual ValueTask TokenIssuedAsync(TokenIssued issued, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(issued);
        Log(issued);
        return ValueTask.CompletedTask;
    }

    /// <summary>The log event, when the audit category is enabled (it costs a formatted line per token).</summary>
    protected void Log(TokenIssued issued)
    {
        ArgumentNullException.ThrowIfNull(issued);
        if (_logger.IsEnabled(LogLevel.Information))
        {
            LogTokenIssued(_logger, issued.Token.Id, issued.Subject.UserId, issued.Subject.Email, issued.Consumer, issued.Token.KeyId, issued.RedirectHost);
        }
    }

    [LoggerMessage(EventId = 1, EventName = "TokenIssued", Level = LogLevel.Information,
        Message = "Issued token {TokenId} to user {UserId} <{Email}> for consumer {Consumer}, key {KeyId}, redirect host {RedirectHost}")]
    private static partial void LogTokenIssued(ILogger logger, string tokenId, string userId, string email, string consumer, string keyId, string redirectHost);
}
