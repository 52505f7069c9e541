using JwtIssuer.Endpoints;
using JwtIssuer.Server.SignIn;
using JwtIssuer.Server.SignIn.OpenIdConnect;
using JwtIssuer.Server.SignIn.Password;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace JwtIssuer.Server.SignIn.OpenIdConnect;

/// <summary>
/// <c>POST /login/external</c> (the login page's "Sign in with ..." button, antiforgery-checked) sends the agent to the
/// provider; <c>GET /login/external/callback</c> is where the agent lands once the OpenID Connect handler has checked the
/// provider's answer, and <c>GET /login/external/complete</c> turns it into a session here.
/// </summary>
[AllowAnonymous]
public sealed partial class ExternalModel(OpenIdConnectSignIn upstream, IOptions<AuthenticationSettings> settings, ILogger<ExternalModel> logger) : PageModel
{
    /// <summary>The page\'s name, for links and redirects to it.</summary>
    public const string PageName = "/SignIn/OpenIdConnect/External";

    /// <summary>Where the callback page moves on to.</summary>
    public string? ContinueUrl { get; private set; }

    public IActionResult OnGet() => RedirectToPage(LoginModel.PageName);

    public async Task<IActionResult> OnPostAsync(string? returnUrl)
    {
        if (settings.Value.OpenIdConnect is null)
        {
            return NotFound();
        }

        var callback = Url.Page(PageName, "callback", new { ReturnUrl = LocalOrRoot(returnUrl) });
        try
        {
            // Reads the provider's metadata (cached) to build the redirect; a provider out of reach fails here.
            await HttpContext.ChallengeAsync(OpenIdConnectSetup.Scheme, new AuthenticationProperties { RedirectUri = callback });
            return new EmptyResult();
        }
        catch (InvalidOperationException ex) when (ex.InnerException is HttpRequestException or IOException or TaskCanceledException || ex.Message.StartsWith("IDX20803", StringComparison.Ordinal))
        {
            LogProviderUnreachable(logger, ex.Message);
            await new ErrorResult(StatusCodes.Status503ServiceUnavailable, "Sign-in unavailable",
                $"Signing in with {settings.Value.OpenIdConnect.DisplayName} is not possible right now: it does not answer. Try again in a minute.").ExecuteAsync(HttpContext);
            return new EmptyResult();
        }
    }

    /// <summary>
    /// Where the handler sends the agent once it has checked the provider's answer: a page that moves on by itself to
    /// <see cref="OnGetCompleteAsync"/>. The way here began with the provider's cross-site form post, and inside the
    /// Comm100 iframe Chromium neither stores nor sends SameSite=Lax cookies (the session) on any request of such a
    /// chain; a navigation our own page starts is same-site again.
    /// </summary>
    public IActionResult OnGetCallback(string? returnUrl)
    {
        ContinueUrl = Url.Page(PageName, "complete", new { ReturnUrl = LocalOrRoot(returnUrl) });
        return Page();
    }

    /// <summary>Turns the provider's identity (held in its own short-lived cookie) into a session here.</summary>
    public async Task<IActionResult> OnGetCompleteAsync(string? returnUrl)
    {
        var oidc = settings.Value.OpenIdConnect;
        var external = await HttpContext.AuthenticateAsync(OpenIdConnectSetup.CookieScheme);
        if (oidc is null || external.Principal is null)
        {
            return RedirectToPage(LoginModel.PageName, new { ReturnUrl = LocalOrRoot(returnUrl) });
        }

        // Used once, whatever comes of it.
        await HttpContext.SignOutAsync(OpenIdConnectSetup.CookieScheme);
        var refusal = await upstream.SignInAsync(external.Principal, HttpContext.Connection.RemoteIpAddress);
        if (refusal == OpenIdConnectRefusal.None)
        {
            return LocalRedirect(LocalOrRoot(returnUrl));
        }

        // The library's error page: HTML for a browser, problem details otherwise, with the security headers.
        await new ErrorResult(StatusCodes.Status403Forbidden, "Cannot sign in", Explain(refusal, oidc.DisplayName)).ExecuteAsync(HttpContext);
        return new EmptyResult();
    }

    private string LocalOrRoot(string? returnUrl) => Url.IsLocalUrl(returnUrl) ? returnUrl : "/";

    private static string Explain(OpenIdConnectRefusal refusal, string provider) => refusal switch
    {
        OpenIdConnectRefusal.NoSubjectOrEmail => $"Your {provider} sent no email address, which Comm100 signs agents in by. Ask your administrator.",
        OpenIdConnectRefusal.EmailNotVerified => $"Your {provider} does not confirm that your email address is verified, so it cannot sign you in here.",
        OpenIdConnectRefusal.DomainNotAllowed => "Accounts in your email domain may not sign in here.",
        OpenIdConnectRefusal.MissingRequiredClaim => "Your account is not in the group allowed to use Comm100 here. Ask your administrator.",
        OpenIdConnectRefusal.NotProvisioned => "There is no agent account for your email address here. Ask your administrator to add it.",
        OpenIdConnectRefusal.LinkedToAnother => "Your email address is already linked to another sign-in here. Ask your administrator.",
        _ => "This account cannot sign in right now. Ask your administrator.",
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "The OpenID Connect provider's metadata could not be read: {Reason}")]
    private static partial void LogProviderUnreachable(ILogger logger, string reason);
}
