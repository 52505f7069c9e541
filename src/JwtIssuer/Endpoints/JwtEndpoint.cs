using JwtIssuer.Access;
using JwtIssuer.Diagnostics;
using JwtIssuer.Redirects;
using JwtIssuer.Tokens;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace JwtIssuer.Endpoints;

/// <summary>The JWT Authentication URL: <c>GET /api/jwt?redirect_url=...</c>.</summary>
public static partial class JwtEndpoint
{
    /// <summary>The route Comm100 sends the agent's browser to.</summary>
    public const string Route = "/api/jwt";

    private const string LogCategory = "JwtIssuer.Endpoints.JwtEndpoint";

    /// <summary>
    /// Maps <c>GET /api/jwt</c> (the host's authentication scheme decides who is signed in) and
    /// <c>GET /.well-known/jwks.json</c>.
    /// </summary>
    public static RouteGroupBuilder MapJwtIssuer(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var group = endpoints.MapGroup(string.Empty).ExcludeFromDescription();
        group.MapGet(Route, IssueAsync).WithName("IssueJwt");
        group.MapGet(JwksEndpoint.Route, JwksEndpoint.Get).WithName("JsonWebKeySet");
        return group;
    }

    internal static async Task<Results<ConsumerRedirectResult, ChallengeHttpResult, ErrorResult>> IssueAsync(
        HttpContext context,
        RedirectPolicy redirects,
        TokenMinter minter,
        ITokenAccessPolicy access,
        IssuerMetrics metrics,
        TokenAudit audit,
        ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(LogCategory);

        // The link is checked before anyone is asked to sign in: a bad link shows its error, not a login form.
        var values = context.Request.Query["redirect_url"];
        var decision = values.Count > 1 ? RedirectDecision.Reject(RedirectRejection.Duplicated) : redirects.Evaluate(values.ToString());
        if (!decision.IsAllowed)
        {
            LogRefusedRedirect(logger, decision.Rejection);
            metrics.RedirectRefused(decision.Rejection);
            return new ErrorResult(StatusCodes.Status400BadRequest, "This sign-in link is not valid", decision.Explanation);
        }

        if (context.User.Identity?.IsAuthenticated != true)
        {
            return TypedResults.Challenge();
        }

        var subject = TokenSubject.FromPrincipal(context.User);
        if (subject is null || !await access.IsAllowedAsync(context.User, context.RequestAborted))
        {
            LogRefusedUser(logger);
            return new ErrorResult(StatusCodes.Status403Forbidden, "Access denied",
                "Your account may not sign in to this application right now. Ask your administrator.");
        }

        var token = minter.Mint(decision.Consumer!, subject);
        audit.TokenIssued(token, subject, decision.Consumer!, decision.Host!);
        metrics.TokenIssued(decision.Consumer!, token.Algorithm);

        return new ConsumerRedirectResult(RedirectPolicy.AppendToken(decision.Url!, token.Token));
    }

    // Never log the token or the full redirect_url: the first is a credential, the second can be long and hostile.
    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused redirect_url: {Reason}")]
    private static partial void LogRefusedRedirect(ILogger logger, RedirectRejection reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a token to a signed-in user who is disabled, locked out or has no email")]
    private static partial void LogRefusedUser(ILogger logger);
}
