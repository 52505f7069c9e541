using JwtIssuer.Configuration;
using JwtIssuer.Diagnostics;
using JwtIssuer.Redirects;
using JwtIssuer.Tokens;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace JwtIssuer.Endpoints;

/// <summary>The JWT Authentication URL: <c>GET /api/jwt?redirect_url=...</c> (mapped by <c>MapJwtIssuer</c>).</summary>
internal static partial class JwtEndpoint
{
    /// <summary>The route Comm100 sends the agent's browser to.</summary>
    public const string Route = "/api/jwt";

    internal static async Task<Results<ConsumerRedirectResult, ChallengeHttpResult, ErrorResult>> IssueAsync(HttpContext context, JwtEndpointServices services)
    {
        var (redirects, minter, issuer, metrics, audit, logger) = services;

        // The link is checked before anyone is asked to sign in: a bad link shows its error, not a login form.
        var values = context.Request.Query["redirect_url"];
        var decision = values.Count > 1 ? RedirectDecision.Reject(RedirectRejection.Duplicated) : redirects.Evaluate(values.ToString());
        if (!decision.IsAllowed)
        {
            LogRefusedRedirect(logger, decision.Rejection);
            metrics.RedirectRefused(decision.Rejection);
            return new ErrorResult(StatusCodes.Status400BadRequest, "This sign-in link is not valid", decision.Explanation);
        }

        var permission = await TokenPermission.CheckAsync(context, issuer.UserClaims, decision.Consumer!);
        switch (permission.Refusal)
        {
            case TokenRefusal.SignIn:
                return TypedResults.Challenge();
            case TokenRefusal.SignInAgain:
                LogSignInAgain(logger);
                return TypedResults.Challenge();
            case TokenRefusal.NoSubject:
                LogNoSubject(logger);
                return new ErrorResult(StatusCodes.Status403Forbidden, "Access denied", permission.Message!);
            case TokenRefusal.Denied:
                LogRefusedUser(logger);
                return new ErrorResult(StatusCodes.Status403Forbidden, "Access denied", permission.Message!);
        }

        var subject = permission.Subject!;
        var token = minter.Mint(decision.Consumer!, subject, permission.Claims);
        // No token leaves unrecorded: the answer goes only once the audit trail has it.
        await audit.TokenIssuedAsync(new TokenIssued(token, subject, decision.Consumer!, decision.Host!, context.Connection.RemoteIpAddress), context.RequestAborted);
        metrics.TokenIssued(decision.Consumer!, token.Algorithm);

        return new ConsumerRedirectResult(RedirectPolicy.AppendToken(decision.Url!, token.Token));
    }

    /// <summary>
    /// What every token request needs, resolved once: the endpoint asks the request's services only for the host's
    /// access policy, instead of seven services and a logger per request.
    /// </summary>
    internal sealed class JwtEndpointServices(
        RedirectPolicy redirects, TokenMinter minter, IssuerModel issuer, IssuerMetrics metrics, TokenAudit audit, ILoggerFactory loggers)
    {
        private readonly ILogger _logger = loggers.CreateLogger("JwtIssuer.Endpoints.JwtEndpoint");

        public void Deconstruct(out RedirectPolicy redirectPolicy, out TokenMinter tokenMinter, out IssuerModel issuerModel, out IssuerMetrics issuerMetrics, out TokenAudit tokenAudit, out ILogger logger) =>
            (redirectPolicy, tokenMinter, issuerModel, issuerMetrics, tokenAudit, logger) = (redirects, minter, issuer, metrics, audit, _logger);
    }

    // Never log the token or the full redirect_url: the first is a credential, the second can be long and hostile.
    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused redirect_url: {Reason}")]
    private static partial void LogRefusedRedirect(ILogger logger, RedirectRejection reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a token: the access policy denied the signed-in user")]
    private static partial void LogRefusedUser(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a token: the signed-in principal has no email or user id claim")]
    private static partial void LogNoSubject(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Asked the user to sign in again: the access policy found the session stale")]
    private static partial void LogSignInAgain(ILogger logger);
}
