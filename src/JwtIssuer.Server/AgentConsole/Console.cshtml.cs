using System.Security.Claims;
using System.Text.Json;
using JwtIssuer.Server.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using NetEscapades.AspNetCore.SecurityHeaders;

namespace JwtIssuer.Server.AgentConsole;

/// <summary>
/// Step 4 of Comm100's guide: a page that shows Comm100's agent console filling the window, for the signed-in agent
/// (anyone else signs in first and comes back), in a bare iframe (<c>Console:Url</c>) or through Comm100's embedded
/// agent console SDK (<c>Console:Sdk:*</c>). The console then sends its frame to <c>/api/jwt</c>, which this session
/// answers with a token. 404 when neither is configured. Its CSP (<see cref="SecurityHeadersSetup.ConsolePolicy"/>)
/// names exactly what the frame may show and, with the SDK, which script may run.
/// </summary>
[AllowAnonymous]
[SecurityHeadersPolicy(SecurityHeadersSetup.ConsolePolicy)]
public sealed class ConsoleModel(IOptions<AgentConsoleOptions> options) : PageModel
{
    public ConsoleMode Mode => options.Value.Mode;

    /// <summary>The bare iframe's source.</summary>
    public string? ConsoleUrl => options.Value.ConsoleUri?.AbsoluteUri;

    /// <summary>The SDK's script.</summary>
    public string? SdkScriptUrl => options.Value.Sdk?.ScriptUrl;

    /// <summary>
    /// The SDK's options as a JavaScript object literal: JSON with every character that could end the script or the
    /// string escaped (the serializer's default encoder writes &lt;, &gt;, &amp;, quotes and more as \u escapes), on
    /// top of the settings' own validation.
    /// </summary>
    public string SdkOptions => JsonSerializer.Serialize(new SdkOptionsJson(
        options.Value.Sdk!.AppId!, options.Value.Sdk.SiteId!.Value, options.Value.Sdk.EffectiveModules));

    /// <summary>The iframe's <c>allow</c> list (<c>Console:Allow</c>).</summary>
    public string Allow => options.Value.Allow;

    public string? AgentName { get; private set; }

    public IActionResult OnGet()
    {
        if (Mode == ConsoleMode.None)
        {
            return NotFound();
        }

        if (User.Identity?.IsAuthenticated != true)
        {
            return Challenge(); // to /login, and back here
        }

        AgentName = User.FindFirstValue("name") is { Length: > 0 } name ? name : User.FindFirstValue(ClaimTypes.Email);
        return Page();
    }

    // Property names as the SDK reads them (camelCase), in the order its tutorial writes them.
    private sealed record SdkOptionsJson(
        [property: System.Text.Json.Serialization.JsonPropertyName("appId")] string AppId,
        [property: System.Text.Json.Serialization.JsonPropertyName("siteId")] long SiteId,
        [property: System.Text.Json.Serialization.JsonPropertyName("modules")] IReadOnlyList<string> Modules);
}
