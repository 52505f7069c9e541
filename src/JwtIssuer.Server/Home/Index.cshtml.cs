using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace JwtIssuer.Server.Home;

[AllowAnonymous]
public sealed class IndexModel : PageModel
{
    public string? Email { get; private set; }

    public void OnGet() => Email = User.FindFirstValue(ClaimTypes.Email);
}
