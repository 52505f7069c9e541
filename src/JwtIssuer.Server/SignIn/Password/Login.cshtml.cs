using System.Globalization;
using JwtIssuer.Server.Audit;
using JwtIssuer.Server.Forms;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace JwtIssuer.Server.SignIn.Password;

/// <summary>
/// <c>GET</c>/<c>POST /login</c>: the email and password form. A post the framework refuses (antiforgery, not a form,
/// unreadable) comes back through <see cref="RejectedFormFilter"/>, worded by <see cref="FormWordingAttribute"/>.
/// </summary>
[AllowAnonymous]
[FormWording("sign-in form", "sign in", "signing in")]
// The form is two short fields and a token; anything much bigger is not a browser signing in.
[RequestSizeLimit(LoginModel.MaxRequestBytes)]
[RequestFormLimits(ValueCountLimit = 32, KeyLengthLimit = 64, ValueLengthLimit = LoginModel.MaxRequestBytes)]
public sealed class LoginModel(
    AgentSignIn signIn,
    SignInThrottle throttle,
    ILookupNormalizer normalizer,
    SignInMetrics metrics,
    AuditLog audit,
    IOptions<AuthenticationSettings> authentication) : FormPageModel
{
    /// <summary>The page's name, for links and redirects to it.</summary>
    public const string PageName = "/SignIn/Password/Login";

    public const int MaxEmailLength = 256;
    public const int MaxPasswordLength = 1024;
    public const int MaxRequestBytes = 16 * 1024;

    // One message for every failure: unknown email, wrong password, locked out or disabled.
    // Don't reveal which accounts exist or which state they are in.
    private const string GenericError = "The email or password is incorrect, or this account cannot sign in right now.";

    // Set from the query or the form by the handlers: the first value of each, whatever else a script sends.
    public string? Email { get; private set; }

    public string? Password { get; private set; }

    public string? ReturnUrl { get; private set; }

    /// <summary>Whether the email and password form is offered (<c>Authentication:LocalAccounts</c>).</summary>
    public bool LocalAccounts => authentication.Value.LocalAccounts;

    /// <summary>The OpenID Connect provider's name for the "Sign in with ..." button; null when there is none.</summary>
    public string? ProviderName => authentication.Value.OpenIdConnect?.DisplayName;

    public async Task OnGetAsync(string? returnUrl)
    {
        ReturnUrl = returnUrl;
        if (HttpContext.Features.Get<FormRejection>() is { } rejection)
        {
            // A post the framework refused (antiforgery, not a form, unreadable), shown again as this page.
            await RecordAsync(SignInOutcome.Rejected, AuditOutcomes.Refused, rejection.FormUnreadable ? $"form unreadable ({rejection.StatusCode})" : "antiforgery token missing or stale");
        }
    }

    public async Task<IActionResult> OnPostAsync()
    {
        // The framework's antiforgery check has read the form already; this is that form.
        var form = await Request.ReadFormAsync(HttpContext.RequestAborted);

        // The first value of each: a repeated field is a script's doing, and never a second chance.
        Email = form["Email"].FirstOrDefault();
        Password = form["Password"].FirstOrDefault();
        ReturnUrl = form["ReturnUrl"].FirstOrDefault();

        if (!LocalAccounts)
        {
            return await FormBackAsync(SignInOutcome.Rejected, AuditOutcomes.Refused, "passwords are off here", StatusCodes.Status403Forbidden, $"Passwords are not used here. Sign in with {ProviderName}.");
        }

        if (string.IsNullOrEmpty(Email) || string.IsNullOrEmpty(Password))
        {
            return await FormBackAsync(SignInOutcome.Failed, AuditOutcomes.Failed, "an empty field", StatusCodes.Status200OK, GenericError);
        }

        // Bound before hashing, so a megabyte "password" costs no PBKDF2 time.
        if (Email.Length > MaxEmailLength || Password.Length > MaxPasswordLength)
        {
            return await FormBackAsync(SignInOutcome.Rejected, AuditOutcomes.Refused, "an overlong field", StatusCodes.Status400BadRequest, GenericError);
        }

        if (!throttle.TryAcquire(HttpContext.Connection.RemoteIpAddress, normalizer.NormalizeEmail(Email), out var retryAfter))
        {
            var seconds = (int)Math.Ceiling(retryAfter.TotalSeconds);
            Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            return await FormBackAsync(SignInOutcome.Throttled, AuditOutcomes.Throttled, "too many attempts from this address or for this account", StatusCodes.Status429TooManyRequests,
                $"Too many sign-in attempts. Try again in {Describe(seconds)}.");
        }

        var attempt = await signIn.SignInAsync(Email, Password);
        if (!attempt.Succeeded)
        {
            return await FormBackAsync(SignInOutcome.Failed, attempt.Outcome, attempt.Reason, StatusCodes.Status200OK, GenericError, attempt.User?.Id);
        }

        await RecordAsync(SignInOutcome.Succeeded, attempt.Outcome, attempt.Reason, attempt.User!.Id);

        // Only a local path: an absolute ReturnUrl would make this page an open redirect.
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/");
    }

    /// <summary>Counts the attempt (<paramref name="metric"/>) and puts it in the audit trail (<paramref name="outcome"/>), with the account name as typed.</summary>
    private Task RecordAsync(SignInOutcome metric, string outcome, string reason, string? userId = null)
    {
        metrics.Record(metric);
        return audit.SignInAsync(outcome, userId, Email is { Length: <= MaxEmailLength } email ? email : null, HttpContext.Connection.RemoteIpAddress, reason);
    }

    /// <summary>The form again, with one message, the email kept and the password dropped.</summary>
    private async Task<PageResult> FormBackAsync(SignInOutcome metric, string outcome, string reason, int statusCode, string error, string? userId = null)
    {
        await RecordAsync(metric, outcome, reason, userId);
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
