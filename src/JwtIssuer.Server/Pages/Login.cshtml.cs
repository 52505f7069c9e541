using JwtIssuer.Server.Users;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace JwtIssuer.Server.Pages;

[AllowAnonymous]
public sealed class LoginModel(AgentSignIn signIn) : PageModel
{
    public const int MaxEmailLength = 256;
    public const int MaxPasswordLength = 1024;

    // One message for every failure: unknown email, wrong password, locked out or disabled.
    // Don't reveal which accounts exist or which state they are in.
    private const string GenericError = "The email or password is incorrect, or this account cannot sign in right now.";

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
