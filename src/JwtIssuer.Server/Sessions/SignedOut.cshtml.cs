using JwtIssuer.Redirects;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace JwtIssuer.Server.Sessions;

/// <summary>
/// <c>GET /api/jwt/logout</c>, the JWT Logout URL: Comm100's "remote logout URL", where it sends the agent after they
/// sign out of Comm100. Ends the session here, then shows that it did, or, when a <c>redirect_url</c> passes the same
/// allowlist as <c>/api/jwt</c>, goes there (with no token). Comm100 does not document what it appends, so anything
/// else in the query is ignored. A GET that ends a session can be triggered by any page (an image, a link); it ends
/// nothing but the session, and the agent signs in again.
/// </summary>
/// <remarks>
/// Inside Comm100's frame, Comm100's page starts the navigation here, and on a navigation another site started,
/// Chromium neither sends our <c>SameSite=Lax</c> session cookie nor lets the answer clear it (measured by the browser
/// tests). So such a request (<c>Sec-Fetch-Site: cross-site</c>) gets a page that moves on by itself to this same URL:
/// a navigation our own page starts, which carries the cookie and may clear it, as the OpenID Connect callback does.
/// </remarks>
[AllowAnonymous]
internal sealed class SignedOutModel(AgentSignOut signOut, RedirectPolicy redirects) : PageModel
{
    public const string Route = "/api/jwt/logout";

    /// <summary>Set when this page must move on by itself to sign out from our own page.</summary>
    public string? ContinueUrl { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? step)
    {
        var values = Request.Query["redirect_url"];
        var redirect = values.Count == 1 && redirects.Evaluate(values[0]) is { IsAllowed: true } decision ? decision.Url : null;

        if (CrossSiteSignOut.NeedsOwnNavigation(Request, step))
        {
            ContinueUrl = $"{Route}?step={CrossSiteSignOut.Continue}" + (redirect is null ? string.Empty : $"&redirect_url={Uri.EscapeDataString(redirect)}");
            return Page();
        }

        await signOut.SignOutAsync(HttpContext, SignOutWay.LogoutUrl);
        if (redirect is not null)
        {
            // The consumer's own page; nothing of ours travels along, and nothing caches the answer.
            Response.Headers.CacheControl = "no-store";
            return Redirect(redirect);
        }

        return Page();
    }
}
