using System.Security.Claims;
using JwtIssuer.Redirects;
using JwtIssuer.Server.AgentConsole;
using JwtIssuer.Server.Security;
using JwtIssuer.Server.Sessions;
using JwtIssuer.Server.Upstream;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace JwtIssuer.Server.Pages;

/// <summary>
/// Step 4 of Comm100's guide: a page that shows Comm100's agent console in an iframe filling the window, for the
/// signed-in agent (anyone else signs in first and comes back). The console then sends its frame to
/// <c>/api/jwt</c>, which this session answers with a token. 404 when <c>Console:Url</c> is not configured.
/// Its CSP <c>frame-src</c> names exactly what the frame may show (the console's origin, ours, the consumers', the provider's).
/// </summary>
[AllowAnonymous]
public sealed class ConsoleModel(IOptions<AgentConsoleOptions> options, IOptions<AuthenticationSettings> authentication, RedirectPolicy consumers) : PageModel
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

        // The frame may show the console, our own pages (/api/jwt; sign in again when the session has expired; a
        // refusal), the consumer URLs the token goes to (Comm100 may serve them from another host than the console)
        // and, when there is one, the OpenID Connect provider's sign-in page; nothing else. Everything else as on
        // every page (SecurityHeaders adds frame-ancestors).
        var sources = new List<string> { "'self'", FrameAncestors.Origin(console) };
        sources.AddRange(consumers.ConsumerOrigins);
        if (authentication.Value.OpenIdConnect?.Authority is { } authority && Uri.TryCreate(authority, UriKind.Absolute, out var provider))
        {
            sources.Add(FrameAncestors.Origin(provider));
        }

        Response.Headers.ContentSecurityPolicy = $"{SecurityHeaders.PagePolicy}; frame-src {string.Join(' ', sources.Distinct(StringComparer.OrdinalIgnoreCase))}";
        return Page();
    }
}
