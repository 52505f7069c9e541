using JwtIssuer.Server.Users;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace JwtIssuer.Server.Pages;

[AllowAnonymous]
// Antiforgery is validated in OnPostAsync, so a failure gets a page that says why instead of a blank 400.
[IgnoreAntiforgeryToken]
public sealed class LoginModel(AgentSignIn signIn, IAntiforgery antiforgery) : PageModel
{
    public const int MaxEmailLength = 256;
    public const int MaxPasswordLength = 1024;

    // One message for every failure: unknown email, wrong password, locked out or disabled.
    // Don't reveal which accounts exist or which state they are in.
    private const string GenericError = "The email or password is incorrect, or this account cannot sign in right now.";

    // Almost always a browser withholding our cookies because this page is framed by another site.
    private const string CookiesMissingError = "Your browser did not send this site's cookies, so signing in here cannot work. " +
        "If this page is inside another website's frame, ask your administrator to turn on Session:CrossSite; otherwise allow cookies and try again.";

    [BindProperty]
    public string? Email { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Error { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!await antiforgery.IsRequestValidAsync(HttpContext))
        {
            Error = CookiesMissingError;
            Password = null;
            var page = Page();
            page.StatusCode = StatusCodes.Status400BadRequest;
            return page;
        }

        // Bound before hashing, so a megabyte "password" costs no PBKDF2 time.
        if (string.IsNullOrEmpty(Email) || Email.Length > MaxEmailLength
            || string.IsNullOrEmpty(Password) || Password.Length > MaxPasswordLength
            || !await signIn.SignInAsync(Email, Password))
        {
            Error = GenericError;
            Password = null;
            return Page();
        }

        // Only a local path: an absolute ReturnUrl would make this page an open redirect.
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/");
    }
}
