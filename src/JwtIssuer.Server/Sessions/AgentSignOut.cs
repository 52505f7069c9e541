using System.Security.Claims;
using JwtIssuer.Diagnostics;
using JwtIssuer.Server.SignIn.OpenIdConnect;
using JwtIssuer.Server.Users;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;

namespace JwtIssuer.Server.Sessions;

/// <summary>Which way an agent signed out.</summary>
public enum SignOutWay
{
    /// <summary><c>POST /logout</c>: the sign-out button of our pages.</summary>
    Form,

    /// <summary><c>GET /api/jwt/logout</c>: Comm100's remote logout URL, after the agent signed out of Comm100.</summary>
    LogoutUrl,
}

/// <summary>
/// Ends the agent's session here: the session cookie (with <c>Session:SharedCookie</c> the very cookie the sharing app
/// reads, so it ends there too) and a provider's identity still waiting for its callback. One audit event per session
/// ended, on the <c>JwtIssuer.Audit</c> category.
/// </summary>
public sealed partial class AgentSignOut(SignInManager<User> signIn, ILoggerFactory loggers)
{
    private readonly ILogger _audit = loggers.CreateLogger(JwtIssuerDiagnostics.AuditCategory);

    public async Task SignOutAsync(HttpContext context, SignOutWay way)
    {
        ArgumentNullException.ThrowIfNull(context);
        var user = context.User;
        var (signedIn, id, email) = (user.Identity?.IsAuthenticated == true, user.FindFirstValue(ClaimTypes.NameIdentifier), user.FindFirstValue(ClaimTypes.Email));
        await signIn.SignOutAsync();
        await context.SignOutAsync(OpenIdConnectSetup.CookieScheme);
        if (signedIn)
        {
            LogSignedOut(_audit, id, email, way);
        }
    }

    [LoggerMessage(EventId = 2, EventName = "SignedOut", Level = LogLevel.Information,
        Message = "User {UserId} <{Email}> signed out ({Way})")]
    private static partial void LogSignedOut(ILogger logger, string? userId, string? email, SignOutWay way);
}
