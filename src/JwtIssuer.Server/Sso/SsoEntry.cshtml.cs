using JwtIssuer.Configuration;
using JwtIssuer.Diagnostics;
using JwtIssuer.Endpoints;
using JwtIssuer.Redirects;
using JwtIssuer.Server.Layout;
using JwtIssuer.Server.Security;
using JwtIssuer.Tokens;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace JwtIssuer.Server.Sso;

/// <summary>
/// <c>GET /sso/{consumer}</c>: the entry point of a consumer whose profile is not Comm100's. Its parameters are checked
/// first (a bad link shows its error, never a sign-in form), then the agent's session (none: the login page, and back
/// here), then the same access policy and audit trail as <c>/api/jwt</c>; then the profile's delivery. Zendesk: a page
/// whose form posts <c>jwt</c> (and an allowed <c>return_to</c>) to the consumer's <c>/access/jwt</c>, submitted by a
/// script with a nonce, a button as fallback, CSP <c>form-action</c> that origin alone. Freshworks: a 302 to
/// <c>redirect_uri</c> with <c>state</c> and <c>id_token</c>. Unknown consumer, or a Comm100 one: 404.
/// </summary>
[AllowAnonymous]
internal sealed partial class SsoEntryModel(
    IssuerModel issuer,
    RedirectPolicy redirects,
    TokenMinter minter,
    TokenAudit audit,
    IssuerMetrics metrics,
    ILogger<SsoEntryModel> logger) : PageModel
{
    public const string Route = "/sso/{consumer}";

    /// <summary>Where the Zendesk form posts: the consumer's <c>/access/jwt</c>, with the pass-through parameters.</summary>
    public string? FormAction { get; private set; }

    /// <summary>The Zendesk token the form posts.</summary>
    public string? Jwt { get; private set; }

    /// <summary>The <c>return_to</c> the form posts, when it is allowed.</summary>
    public string? ReturnTo { get; private set; }

    /// <summary>The product's name, for the page.</summary>
    public string Product { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(string consumer)
    {
        if (!issuer.Consumers.TryGetValue(consumer, out var model) || model.Profile == ConsumerProfile.Comm100)
        {
            return new ErrorActionResult(StatusCodes.Status404NotFound, "Not found", "There is no sign-in for this product here.");
        }

        Product = model.Profile.ToString();
        return model.Profile == ConsumerProfile.Zendesk ? await ZendeskAsync(model) : await FreshworksAsync(model);
    }

    private async Task<IActionResult> ZendeskAsync(ConsumerModel consumer)
    {
        var returnTo = SsoParameters.ReturnTo(Request.Query["return_to"], consumer);
        var passThrough = SsoParameters.ZendeskPassThrough(Request.Query);
        var (subject, claims, refusal) = await AuthorizeAsync(consumer);
        if (refusal is not null)
        {
            return refusal;
        }

        var token = minter.MintZendesk(consumer.Name, subject!, claims);
        var target = new Uri(consumer.RedirectUrls[0]);
        await RecordAsync(token, subject!, consumer, target.IdnHost);

        FormAction = passThrough.Length == 0 ? consumer.RedirectUrls[0] : $"{consumer.RedirectUrls[0]}?{passThrough}";
        (Jwt, ReturnTo) = (token.Token, returnTo);
        HttpContext.Items[SecurityHeadersSetup.PolicyKey] = SecurityHeadersSetup.SsoPostPolicy(consumer.Name);
        return Page();
    }

    private async Task<IActionResult> FreshworksAsync(ConsumerModel consumer)
    {
        var query = Request.Query;
        var redirectUri = SsoParameters.Single(query, "redirect_uri", RedirectPolicy.MaxLength, out var error);
        var state = error is null ? SsoParameters.Single(query, "state", SsoParameters.MaxStateLength, out error, asciiOnly: true) : null;
        var nonce = error is null ? SsoParameters.Single(query, "nonce", SsoParameters.MaxNonceLength, out error, asciiOnly: true) : null;
        var clientId = error is null ? SsoParameters.Single(query, "client_id", 256, out error) : null;
        error ??= redirectUri is null ? "'redirect_uri' is missing."
            : state is null or { Length: 0 } ? "'state' is missing."
            : nonce is null or { Length: 0 } ? "'nonce' is missing."
            : null;

        RedirectDecision? decision = null;
        string? audience = null;
        if (error is null)
        {
            // Exactly a configured URL: scheme, host, port and path under the /api/jwt guard, and no query at all.
            decision = redirects.EvaluateFor(consumer.Name, redirectUri);
            audience = decision.IsAllowed ? SsoParameters.FreshworksClientId(decision.Url!) ?? consumer.Audience : null;
            error = !decision.IsAllowed ? decision.Explanation.Replace("redirect_url", "redirect_uri", StringComparison.Ordinal)
                : decision.Url!.Contains('?', StringComparison.Ordinal) ? "'redirect_uri' must be exactly a configured URL, without a query."
                : clientId is not null && clientId != audience ? "'client_id' is not the one of this redirect_uri."
                : null;
        }

        if (error is not null)
        {
            LogRefusedEntry(logger, consumer.Name, error);
            return new ErrorActionResult(StatusCodes.Status400BadRequest, "This sign-in link is not valid", error);
        }

        var (subject, claims, refusal) = await AuthorizeAsync(consumer);
        if (refusal is not null)
        {
            return refusal;
        }

        var (given, family) = Names(subject!);
        var token = minter.MintFreshworks(consumer.Name, subject!, nonce!, given, family, audience!, claims);
        await RecordAsync(token, subject!, consumer, decision!.Host!);

        Response.Headers.CacheControl = "no-store";
        Response.Headers["Referrer-Policy"] = "no-referrer";
        return Redirect($"{decision.Url}?state={Uri.EscapeDataString(state!)}&id_token={Uri.EscapeDataString(token.Token)}");
    }

    /// <summary>
    /// The signed-in agent who may have a token, and the claims the access policy adds: the check <c>/api/jwt</c>
    /// makes (<see cref="TokenPermission"/>); otherwise the answer to give (sign in, or 403).
    /// </summary>
    private async Task<(TokenSubject? Subject, IReadOnlyDictionary<string, string>? Claims, IActionResult? Refusal)> AuthorizeAsync(ConsumerModel consumer)
    {
        var permission = await TokenPermission.CheckAsync(HttpContext, issuer.UserClaims, consumer.Name);
        return permission.Refusal switch
        {
            TokenRefusal.None => (permission.Subject, permission.Claims, null),
            TokenRefusal.SignIn or TokenRefusal.SignInAgain => (null, null, Challenge()),
            _ => (null, null, new ErrorActionResult(StatusCodes.Status403Forbidden, "Access denied", permission.Message!)),
        };
    }

    /// <summary>No token leaves unrecorded: the answer goes only once the audit trail has it.</summary>
    private async Task RecordAsync(MintedToken token, TokenSubject subject, ConsumerModel consumer, string host)
    {
        await audit.TokenIssuedAsync(new TokenIssued(token, subject, consumer.Name, host, HttpContext.Connection.RemoteIpAddress), HttpContext.RequestAborted);
        metrics.TokenIssued(consumer.Name, token.Algorithm);
    }

    /// <summary>Given and family name: the session's claims when the identity provider or SCIM gave them, else the name split at its first space.</summary>
    private (string? Given, string? Family) Names(TokenSubject subject)
    {
        var given = User.FindFirst("given_name")?.Value;
        var family = User.FindFirst("family_name")?.Value;
        if (given is not null || family is not null)
        {
            return (given, family);
        }

        var name = subject.Name?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            return (null, null);
        }

        var space = name.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? (name, null) : (name[..space], name[(space + 1)..].Trim());
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused an entry to consumer {Consumer}: {Reason}")]
    private static partial void LogRefusedEntry(ILogger logger, string consumer, string reason);
}
