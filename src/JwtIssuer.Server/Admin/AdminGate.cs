using System.Globalization;
using System.Security.Claims;
using JwtIssuer.Server.Layout;
using JwtIssuer.Server.SignIn;
using JwtIssuer.Server.SignIn.OpenIdConnect;
using JwtIssuer.Server.Users;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.Extensions.Options;

namespace JwtIssuer.Server.Admin;

/// <summary>
/// Who may open a page under <c>/admin</c>, decided on every request from the database, not from the cookie: a user
/// signed in here, still existing, under the current security stamp, not disabled, an admin now, and signed in no more
/// than <c>Admin:SessionMaxAge</c> ago. Anonymous visitors and stale sessions go to the login page (and come back);
/// a signed-in agent who is not an admin gets 403.
/// </summary>
internal sealed class AdminGate(
    UserManager<User> users,
    IOptions<IdentityOptions> identity,
    IOptions<AdminOptions> options,
    IOptions<AuthenticationSettings> authentication,
    TimeProvider time) : IAsyncPageFilter
{
    /// <summary>The admin making this request, for the page (<see cref="AdminPageModel.Admin"/>).</summary>
    public static User? CurrentAdmin(HttpContext context) => context.Items[typeof(AdminGate)] as User;

    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var principal = context.HttpContext.User;
        if (principal.Identity?.IsAuthenticated != true || !UserClaimsFactory.IsSignedInHere(principal))
        {
            context.Result = new ChallengeResult();
            return;
        }

        var id = principal.FindFirstValue(ClaimTypes.NameIdentifier);
        var stamp = principal.FindFirstValue(identity.Value.ClaimsIdentity.SecurityStampClaimType);
        var user = id is null ? null : await users.FindByIdAsync(id);
        if (user is null || !string.Equals(user.SecurityStamp, stamp, StringComparison.Ordinal) || !IsFresh(principal))
        {
            // Gone, signed out everywhere, or signed in too long ago for the admin area: prove it again.
            context.Result = new ChallengeResult();
            return;
        }

        if (!user.IsAdmin || user.IsDisabled)
        {
            context.Result = new ErrorActionResult(StatusCodes.Status403Forbidden, "Admins only",
                "You are signed in, but this account may not use the admin area. Ask an administrator.");
            return;
        }

        // With Authentication:OpenIdConnect:AdminClaim the provider decides who is an admin, at each sign-in through it;
        // a session opened with a password never asked it, so it cannot vouch for the mark.
        if (authentication.Value.OpenIdConnect?.AdminClaim is not null
            && principal.FindFirstValue(ClaimTypes.AuthenticationMethod) != OpenIdConnectSetup.Scheme)
        {
            context.Result = new ErrorActionResult(StatusCodes.Status403Forbidden, "Sign in with your organization",
                $"Here the identity provider decides who is an admin: sign out, then sign in with {authentication.Value.OpenIdConnect.DisplayName} to use the admin area.");
            return;
        }

        // Past the gate only: a request that names no handler of the page (a post to a page that has none, an unknown
        // handler) is a 404, without ever rendering a page that expected its handler to have run.
        if (context.HandlerMethod is null)
        {
            context.Result = new NotFoundResult();
            return;
        }

        context.HttpContext.Items[typeof(AdminGate)] = user;
        await next();
    }

    private bool IsFresh(ClaimsPrincipal principal) =>
        long.TryParse(principal.FindFirstValue(UserClaimsFactory.SignedInAtClaimType), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
        && time.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(seconds) <= options.Value.SessionMaxAge;
}
