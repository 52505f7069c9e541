using JwtIssuer.Configuration;
using JwtIssuer.Server.SignIn;
using JwtIssuer.Server.SignIn.PasswordLinks;
using JwtIssuer.Server.Users;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace JwtIssuer.Server.Admin;

/// <summary>
/// A page of the admin area: <see cref="AdminGate"/> has let the admin in, and says who they are. A form post the
/// antiforgery check refuses gets the error page (the admin goes back and reloads), never a rerun of the page.
/// </summary>
public abstract class AdminPageModel : PageModel
{
    internal User Admin => AdminGate.CurrentAdmin(HttpContext) ?? throw new InvalidOperationException("An admin page ran without its gate.");

    /// <summary>Who the audit trail names for a change made here.</summary>
    internal string Actor => $"admin ({Admin.Email})";

    /// <summary>Why the last action could not be done; null when nothing went wrong.</summary>
    public string? Error { get; protected set; }

    /// <summary>What the last action did, shown above the page; null when nothing happened.</summary>
    public string? Message { get; protected set; }

    /// <summary>A password or set-password link just made: shown in this answer only, never stored.</summary>
    public string? ShownOnce { get; protected set; }

    private DateTimeOffset? _now;

    /// <summary>The time of this request, read once: every row of a page is judged at the same moment.</summary>
    public DateTimeOffset Now => _now ??= HttpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();

    /// <summary>
    /// Whether agents may have passwords here (<c>Authentication:LocalAccounts</c>). When not, the pages offer neither
    /// passwords nor set-password links, which would get around the identity provider's rules.
    /// </summary>
    public bool LocalAccounts => HttpContext.RequestServices.GetRequiredService<IOptions<AuthenticationSettings>>().Value.LocalAccounts;

    /// <summary>A new set-password link for the agent, recorded in the audit trail; its URL under this service's public address.</summary>
    internal async Task<string> CreateLinkUrlAsync(UserAdministration users, User user)
    {
        var secret = await users.CreatePasswordLinkAsync(user, Actor, HttpContext.RequestAborted);
        return SetPasswordLinks.Url(HttpContext.RequestServices.GetRequiredService<IssuerModel>().Issuer, secret);
    }
}
