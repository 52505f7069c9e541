using System.Security.Claims;
using JwtIssuer.Server.Audit;
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
/// ended.
/// </summary>
public sealed class AgentSignOut(SignInManager<User> signIn, AuditLog audit)
{
    public async Task SignOutAsync(HttpContext context, SignOutWay way)
    {
        ArgumentNullException.ThrowIfNull(context);
        var user = context.User;
        var (signedIn, id, email) = (user.Identity?.IsAuthenticated == true, user.FindFirstValue(ClaimTypes.NameIdentifier), user.FindFirstValue(ClaimTypes.Email));
        await signIn.SignOutAsync();
        await context.SignOutAsync(OpenIdConnectSetup.CookieScheme);
        if (signedIn)
        {
            await audit.SignOutAsync(way == SignOutWay.Form ? AuditOutcomes.SignOutForm : AuditOutcomes.SignOutLogoutUrl, id, email, context.Connection.RemoteIpAddress);
        }
    }
}
