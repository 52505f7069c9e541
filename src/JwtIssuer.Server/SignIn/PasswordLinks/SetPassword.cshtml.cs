using JwtIssuer.Server.Audit;
using JwtIssuer.Server.Forms;
using JwtIssuer.Server.Layout;
using JwtIssuer.Server.Users;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace JwtIssuer.Server.SignIn.PasswordLinks;

/// <summary>
/// <c>GET</c>/<c>POST /set-password?token=...</c>: the page a one-time link opens. The agent chooses a password (the
/// same rules as everywhere), the link is spent, and the agent is signed in. A used, expired or made-up link gets one
/// page that does not say which.
/// </summary>
[AllowAnonymous]
[FormWording("set-password form", "set your password", "setting your password")]
[RequestSizeLimit(16 * 1024)]
[RequestFormLimits(ValueCountLimit = 32, KeyLengthLimit = 64, ValueLengthLimit = 16 * 1024)]
public sealed class SetPasswordModel(
    SetPasswordLinks links,
    UserAdministration users,
    SignInManager<User> signIn,
    AuditLog audit,
    IOptions<AuthenticationSettings> authentication) : FormPageModel
{
    public const string PageName = "/SignIn/PasswordLinks/SetPassword";

    public const int MaxPasswordLength = 1024;

    /// <summary>The link's secret, carried from the URL into the form.</summary>
    public string? Token { get; private set; }

    /// <summary>The email of the agent the link is for; null when the link opens nothing.</summary>
    public string? Email { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? token)
    {
        Token = token;
        return await FindAsync(token) is { } user ? Shown(user) : Unusable();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var form = await Request.ReadFormAsync(HttpContext.RequestAborted);
        Token = form["Token"].FirstOrDefault();
        var password = form["Password"].FirstOrDefault();
        var repeated = form["ConfirmPassword"].FirstOrDefault();
        if (await FindAsync(Token) is not { } user)
        {
            return Unusable();
        }

        if (string.IsNullOrEmpty(password) || password.Length > MaxPasswordLength)
        {
            return Again(user, $"Choose a password of 12 to {MaxPasswordLength} characters.");
        }

        if (!string.Equals(password, repeated, StringComparison.Ordinal))
        {
            return Again(user, "The two passwords are not the same.");
        }

        // The rules first, so a refused password does not spend the link.
        foreach (var validator in signIn.UserManager.PasswordValidators)
        {
            var result = await validator.ValidateAsync(signIn.UserManager, user, password);
            if (!result.Succeeded)
            {
                return Again(user, string.Join(" ", result.Errors.Select(error => error.Description)));
            }
        }

        // One DELETE decides: of two tabs posting at once, one sets the password.
        if (!await links.SpendAsync(Token!, user.Id, HttpContext.RequestAborted))
        {
            return Unusable();
        }

        try
        {
            await users.SetPasswordAsync(user, password, $"set-password link ({user.Email})");
        }
        catch (UserChangeFailedException)
        {
            // The link is spent; the password may or may not have been set (the audit trail may have failed after it).
            return new ErrorActionResult(StatusCodes.Status503ServiceUnavailable, "Your password could not be set",
                "Something went wrong on our side. Try signing in with the password you chose; if that fails, ask your administrator for a new link.");
        }

        await signIn.SignInAsync(user, isPersistent: false, authenticationMethod: "set-password-link");
        await audit.SignInAsync(AuditOutcomes.Succeeded, user.Id, user.Email, HttpContext.Connection.RemoteIpAddress, "set-password link");
        return LocalRedirect("/");
    }

    /// <summary>The agent the link is for; null when it opens nothing, or when passwords are off here (<c>LocalAccounts</c>).</summary>
    private async Task<User?> FindAsync(string? token) =>
        authentication.Value.LocalAccounts
        && await links.FindUserAsync(token, HttpContext.RequestAborted) is { } id && await users.FindByIdAsync(id) is { IsDisabled: false } user
            ? user
            : null;

    private PageResult Shown(User user)
    {
        Email = user.Email;
        return Page();
    }

    private PageResult Again(User user, string error)
    {
        Error = error;
        var page = Shown(user);
        page.StatusCode = StatusCodes.Status400BadRequest;
        return page;
    }

    /// <summary>Used, expired, made up, or for an agent since disabled or removed: one answer for all.</summary>
    private PageResult Unusable()
    {
        Token = null;
        Email = null;
        var page = Page();
        page.StatusCode = StatusCodes.Status404NotFound;
        return page;
    }
}
