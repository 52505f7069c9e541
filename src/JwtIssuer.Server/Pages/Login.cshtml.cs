using JwtIssuer.Server.Users;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace JwtIssuer.Server.Pages;

[AllowAnonymous]
public sealed class LoginModel(SignInManager<User> signIn) : PageModel
{
    public const int MaxEmailLength = 256;
    public const int MaxPasswordLength = 1024;

    // One message for every failure: unknown email, wrong password, locked out or disabled.
    // Don't reveal which accounts exist or which state they are in.
    private const string GenericError = "The email or password is incorrect, or this account cannot sign in right now.";

    [BindProperty]
    public string Email { get; set; } = string.Empty;

    [BindProperty]
    public string Password { get; set; } = string.Empty;

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Error { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        // Bound before hashing, so a megabyte "password" costs no PBKDF2 time.
        if (Email.Length is 0 or > MaxEmailLength || Password.Length is 0 or > MaxPasswordLength)
        {
            Error = GenericError;
            return Page();
        }

        var result = await signIn.PasswordSignInAsync(Email, Password, isPersistent: false, lockoutOnFailure: true);
        if (!result.Succeeded)
        {
            Error = GenericError;
            Password = string.Empty;
            return Page();
        }

        // Only a local path: an absolute ReturnUrl would make this page an open redirect.
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/");
    }
}
