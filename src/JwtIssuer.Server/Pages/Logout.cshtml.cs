using JwtIssuer.Server.Upstream;
using JwtIssuer.Server.Users;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace JwtIssuer.Server.Pages;

[AllowAnonymous]
public sealed class LogoutModel(SignInManager<User> signIn) : PageModel
{
    public void OnGet()
    {
    }

    // POST only, with antiforgery: a cross-site link or image cannot sign an agent out.
    public async Task<IActionResult> OnPostAsync()
    {
        await signIn.SignOutAsync();
        // A provider's identity still waiting for its callback goes too.
        await HttpContext.SignOutAsync(UpstreamSetup.CookieScheme);
        return RedirectToPage("/Login");
    }
}
