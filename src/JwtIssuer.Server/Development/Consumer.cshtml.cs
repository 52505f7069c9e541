using JwtIssuer.Endpoints;
using JwtIssuer.Tokens;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace JwtIssuer.Server.Development;

/// <summary>
/// Development only (see <c>DevelopmentDefaults</c>): <c>GET /dev/consumer</c> stands in for Comm100's consumer URL. It
/// verifies the token as <c>jwt-issuer token verify</c> does and shows its header and claims.
/// </summary>
[AllowAnonymous]
internal sealed class ConsumerModel(TokenVerifier verifier) : PageModel
{
    public TokenVerification? Result { get; private set; }

    public string? RelayState { get; private set; }

    /// <summary>A link that fetches a token for this page.</summary>
    public string Example => $"{JwtEndpoint.Route}?redirect_url={Uri.EscapeDataString($"{Request.Scheme}://{Request.Host}/dev/consumer?relayState=demo")}";

    public async Task OnGetAsync(string? jwt, string? relayState)
    {
        RelayState = relayState;
        if (!string.IsNullOrEmpty(jwt))
        {
            Result = await verifier.VerifyAsync(jwt);
        }
    }
}
