using JwtIssuer.Server.SignIn.OpenIdConnect;
using JwtIssuer.Server.Users;
using JwtIssuer.Server.SignIn.Password;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace JwtIssuer.Server.Sessions;

[AllowAnonymous]
public sealed class LogoutModel(SignInManager<User> signIn) : PageModel
{
    /// <summary>The page's name, for links and redirects to it.</summary>
    public const string PageName = "/Sessions/Logout";

    public void OnGet()
    {
    }

    // POST only, with antiforgery: a cross-site link or image cannot sign an agent out.
    public async Task<IActionResult> OnPostAsync()
    {
        await signIn.SignOutAsync();
        // A provider's identity still waiting for its callback goes too.
        await HttpContext.SignOutAsync(OpenIdConnectSetup.CookieScheme);
        return RedirectToPage(LoginModel.PageName);
    }
}
