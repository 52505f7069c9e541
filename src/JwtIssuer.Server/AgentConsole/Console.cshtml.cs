using System.Security.Claims;
using JwtIssuer.Server.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using NetEscapades.AspNetCore.SecurityHeaders;

namespace JwtIssuer.Server.AgentConsole;

/// <summary>
/// Step 4 of Comm100's guide: a page that shows Comm100's agent console in an iframe filling the window, for the
/// signed-in agent (anyone else signs in first and comes back). The console then sends its frame to
/// <c>/api/jwt</c>, which this session answers with a token. 404 when <c>Console:Url</c> is not configured.
/// Its CSP <c>frame-src</c> names exactly what the frame may show (<see cref="SecurityHeadersSetup.ConsolePolicy"/>).
/// </summary>
[AllowAnonymous]
[SecurityHeadersPolicy(SecurityHeadersSetup.ConsolePolicy)]
public sealed class ConsoleModel(IOptions<AgentConsoleOptions> options) : PageModel
{
    public string? ConsoleUrl { get; private set; }

    /// <summary>The iframe's <c>allow</c> list (<c>Console:Allow</c>).</summary>
    public string Allow => options.Value.Allow;

    public string? AgentName { get; private set; }

    public IActionResult OnGet()
    {
        if (options.Value.ConsoleUri is not { } console)
        {
            return NotFound();
        }

        if (User.Identity?.IsAuthenticated != true)
        {
            return Challenge(); // to /login, and back here
        }

        ConsoleUrl = console.AbsoluteUri;
        AgentName = User.FindFirstValue("name") is { Length: > 0 } name ? name : User.FindFirstValue(ClaimTypes.Email);
        return Page();
    }
}
