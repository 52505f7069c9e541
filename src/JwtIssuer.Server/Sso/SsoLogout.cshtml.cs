using JwtIssuer.Configuration;
using JwtIssuer.Server.Layout;
using JwtIssuer.Server.Sessions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace JwtIssuer.Server.Sso;

/// <summary>
/// <c>GET /sso/{consumer}/logout</c>: the remote logout URL of a product that has one (Zendesk). Ends the session here
/// and says so. Zendesk also sends the browser here when it refuses a token, with <c>kind=error</c> and a
/// <c>message</c>; to an agent who had a session, the page then shows that message, quoted as text (at most
/// <see cref="MaxMessageLength"/> characters), so the admin learns what to fix. A navigation another site started
/// first gets the page that moves on by itself (<see cref="CrossSiteSignOut"/>), as Comm100's logout URL does.
/// </summary>
[AllowAnonymous]
internal sealed class SsoLogoutModel(IssuerModel issuer, AgentSignOut signOut) : PageModel
{
    /// <summary>The longest message of Zendesk's shown.</summary>
    public const int MaxMessageLength = 300;

    public string Product { get; private set; } = "";

    /// <summary>Zendesk's reason for refusing the sign-in (<c>kind=error</c>), as it sent it; shown encoded.</summary>
    public string? ErrorMessage { get; private set; }

    /// <summary>Set when this page must move on by itself to sign out from our own page.</summary>
    public string? ContinueUrl { get; private set; }

    public async Task<IActionResult> OnGetAsync(string consumer, string? step)
    {
        if (!issuer.Consumers.TryGetValue(consumer, out var model) || model.Profile != ConsumerProfile.Zendesk)
        {
            return new ErrorActionResult(StatusCodes.Status404NotFound, "Not found", "There is no sign-out for this product here.");
        }

        Product = model.Profile.ToString();
        var kind = Request.Query["kind"];
        var message = Request.Query["message"];
        // Zendesk sends an agent here with why it refused their token: they have a session here (they just got that
        // token). Anyone else's link gets the plain page, so a stranger's words are never shown as Zendesk's.
        var signedIn = User.Identity?.IsAuthenticated == true;
        if (signedIn && kind.Count == 1 && string.Equals(kind[0], "error", StringComparison.Ordinal) && message.Count == 1 && message[0] is { Length: > 0 } text)
        {
            ErrorMessage = text.Length > MaxMessageLength ? text[..MaxMessageLength] + "…" : text;
            ErrorMessage = new string([.. ErrorMessage.Select(c => char.IsControl(c) ? ' ' : c)]);
        }

        if (CrossSiteSignOut.NeedsOwnNavigation(Request, step))
        {
            ContinueUrl = $"/sso/{Uri.EscapeDataString(model.Name)}/logout?step={CrossSiteSignOut.Continue}"
                + (ErrorMessage is null ? "" : $"&kind=error&message={Uri.EscapeDataString(ErrorMessage)}");
            return Page();
        }

        await signOut.SignOutAsync(HttpContext, SignOutWay.LogoutUrl);
        return Page();
    }
}
