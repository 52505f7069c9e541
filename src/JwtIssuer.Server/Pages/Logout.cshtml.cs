using JwtIssuer.Server.Users;
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
        return RedirectToPage("/Login");
    }
}
