using System.Globalization;
using JwtIssuer.Server.Security;
using JwtIssuer.Server.Telemetry;
using JwtIssuer.Server.Upstream;
using JwtIssuer.Server.Users;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace JwtIssuer.Server.Pages;

[AllowAnonymous]
// Antiforgery is validated in OnPostAsync, so a failure gets a page that says why instead of a blank 400.
[IgnoreAntiforgeryToken]
// The form is two short fields and a token; anything much bigger is not a browser signing in.
[RequestSizeLimit(LoginModel.MaxRequestBytes)]
[RequestFormLimits(ValueCountLimit = 32, KeyLengthLimit = 64, ValueLengthLimit = LoginModel.MaxRequestBytes)]
public sealed class LoginModel(
    AgentSignIn signIn,
    SignInThrottle throttle,
    ILookupNormalizer normalizer,
    SignInMetrics metrics,
    IAntiforgery antiforgery,
    IOptions<AntiforgeryOptions> antiforgeryOptions,
    IOptions<AuthenticationSettings> authentication) : PageModel
{
    public const int MaxEmailLength = 256;
    public const int MaxPasswordLength = 1024;
    public const int MaxRequestBytes = 16 * 1024;

    // One message for every failure: unknown email, wrong password, locked out or disabled.
    // Don't reveal which accounts exist or which state they are in.
    private const string GenericError = "The email or password is incorrect, or this account cannot sign in right now.";

    // Almost always a browser withholding our cookies because this page is framed by another site.
    private const string CookiesMissingError = "Your browser did not send this site's cookies, so signing in here cannot work. " +
        "If this page is inside another website's frame, ask your administrator to turn on Session:CrossSite; otherwise allow cookies and try again.";

    private const string ExpiredFormError = "This sign-in form has expired or was not sent by this page. Reload the page and sign in again.";

    private const string NotAFormError = "Sign in with the form on this page.";

    private const string UnreadableFormError = "The sign-in form could not be read. Reload the page and sign in again.";

    // Set from the query or the form by the handlers, not by model binding: binding would read the form before
    // OnPostAsync could turn an unreadable one (over the limits, invalid escapes such as %00) into a clear 400.
    public string? Email { get; private set; }

    public string? Password { get; private set; }

    public string? ReturnUrl { get; private set; }

    public string? Error { get; private set; }

    /// <summary>Whether the email and password form is offered (<c>Authentication:LocalAccounts</c>).</summary>
    public bool LocalAccounts => authentication.Value.LocalAccounts;

    /// <summary>The OpenID Connect provider's name for the "Sign in with ..." button; null when there is none.</summary>
    public string? ProviderName => authentication.Value.OpenIdConnect?.DisplayName;

    public void OnGet(string? returnUrl) => ReturnUrl = returnUrl;

    public async Task<IActionResult> OnPostAsync()
    {
        if (!Request.HasFormContentType)
        {
            return FormBack(SignInOutcome.Rejected, StatusCodes.Status415UnsupportedMediaType, NotAFormError);
        }

        IFormCollection form;
        try
        {
            form = await Request.ReadFormAsync(HttpContext.RequestAborted);
        }
        catch (InvalidDataException)
        {
            return FormBack(SignInOutcome.Rejected, StatusCodes.Status400BadRequest, UnreadableFormError);
        }
        catch (BadHttpRequestException ex)
        {
            return FormBack(SignInOutcome.Rejected, ex.StatusCode, UnreadableFormError);
        }

        // The first value of each: a repeated field is a script's doing, and never a second chance.
        Email = form["Email"].FirstOrDefault();
        Password = form["Password"].FirstOrDefault();
        ReturnUrl = form["ReturnUrl"].FirstOrDefault();

        if (!await antiforgery.IsRequestValidAsync(HttpContext))
        {
            // With the antiforgery cookie present, the token is what is missing or wrong: a stale or forged form.
            var cookieSent = Request.Cookies.ContainsKey(antiforgeryOptions.Value.Cookie.Name!);
            return FormBack(SignInOutcome.Rejected, StatusCodes.Status400BadRequest, cookieSent ? ExpiredFormError : CookiesMissingError);
        }

        if (!LocalAccounts)
        {
            return FormBack(SignInOutcome.Rejected, StatusCodes.Status403Forbidden, $"Passwords are not used here. Sign in with {ProviderName}.");
        }

        if (string.IsNullOrEmpty(Email) || string.IsNullOrEmpty(Password))
        {
            return FormBack(SignInOutcome.Failed, StatusCodes.Status200OK, GenericError);
        }

        // Bound before hashing, so a megabyte "password" costs no PBKDF2 time.
        if (Email.Length > MaxEmailLength || Password.Length > MaxPasswordLength)
        {
            return FormBack(SignInOutcome.Rejected, StatusCodes.Status400BadRequest, GenericError);
        }

        if (!throttle.TryAcquire(HttpContext.Connection.RemoteIpAddress, normalizer.NormalizeEmail(Email), out var retryAfter))
        {
            var seconds = (int)Math.Ceiling(retryAfter.TotalSeconds);
            Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            return FormBack(SignInOutcome.Throttled, StatusCodes.Status429TooManyRequests,
                $"Too many sign-in attempts. Try again in {Describe(seconds)}.");
        }

        if (!await signIn.SignInAsync(Email, Password))
        {
            return FormBack(SignInOutcome.Failed, StatusCodes.Status200OK, GenericError);
        }

        metrics.Record(SignInOutcome.Succeeded);

        // Only a local path: an absolute ReturnUrl would make this page an open redirect.
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/");
    }

    /// <summary>The form again, with one message, the email kept and the password dropped.</summary>
    private PageResult FormBack(SignInOutcome outcome, int statusCode, string error)
    {
        metrics.Record(outcome);
        Error = error;
        Password = null;
        if (Email is { Length: > MaxEmailLength })
        {
            Email = null;
        }

        var page = Page();
        page.StatusCode = statusCode;
        return page;
    }

    private static string Describe(int seconds) => seconds <= 90
        ? $"{seconds} seconds"
        : $"{(int)Math.Ceiling(seconds / 60.0)} minutes";
}
