using JwtIssuer.Server.SignIn.Password;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace JwtIssuer.Server.Sessions;

/// <summary><c>POST /logout</c>: the sign-out button of our pages; <c>GET</c> shows the button.</summary>
[AllowAnonymous]
public sealed class LogoutModel(AgentSignOut signOut) : PageModel
{
    /// <summary>The page's name, for links and redirects to it.</summary>
    public const string PageName = "/Sessions/Logout";

    public void OnGet()
    {
    }

    // POST only, with antiforgery: a cross-site link or image cannot sign an agent out here.
    public async Task<IActionResult> OnPostAsync()
    {
        await signOut.SignOutAsync(HttpContext, SignOutWay.Form);
        return RedirectToPage(LoginModel.PageName);
    }
}
