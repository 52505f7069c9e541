using System.Security.Claims;
using JwtIssuer.Server.Data;
using JwtIssuer.Server.Users;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace JwtIssuer.Server.Upstream;

/// <summary>Why an identity the provider vouched for may not sign in here.</summary>
public enum UpstreamRefusal
{
    None,
    NoSubjectOrEmail,
    EmailNotVerified,
    DomainNotAllowed,
    MissingRequiredClaim,
    NotProvisioned,
    LinkedToAnother,
    CannotSignIn,
}

/// <summary>
/// Turns the provider's ID token claims into a session here: checks them against <c>Authentication:OpenIdConnect</c>,
/// finds the local user linked to the provider's subject (or links, or creates, one by email), and signs that user in
/// as the password form would, so <c>users disable</c> and the security stamp keep working. A lockout does not stop it:
/// the lockout is there to stop password guessing, and the provider proved this sign-in.
/// </summary>
public sealed partial class UpstreamSignIn(
    UserManager<User> users,
    JwtIssuerDbContext database,
    SignInManager<User> signIn,
    IOptions<AuthenticationSettings> settings,
    TimeProvider time,
    ILogger<UpstreamSignIn> logger)
{
    public async Task<UpstreamRefusal> SignInAsync(ClaimsPrincipal upstream)
    {
        var oidc = settings.Value.OpenIdConnect ?? throw new InvalidOperationException("Authentication:OpenIdConnect is not configured.");
        var issuer = UpstreamSetup.IssuerOf(oidc);

        // The handler checked the ID token's issuer; the claim still names it, so a principal from anywhere else is not taken.
        var subjectClaim = upstream.FindFirst("sub");
        var subject = subjectClaim is not null && string.Equals(subjectClaim.Issuer.TrimEnd('/'), issuer, StringComparison.Ordinal) ? subjectClaim.Value : null;
        var email = upstream.FindFirst(oidc.EmailClaim)?.Value?.Trim();
        if (string.IsNullOrEmpty(subject) || string.IsNullOrEmpty(email) || !email.Contains('@'))
        {
            return Refused(UpstreamRefusal.NoSubjectOrEmail, subject, email);
        }

        var refusal = CheckClaims(upstream, oidc, email);
        if (refusal != UpstreamRefusal.None)
        {
            return Refused(refusal, subject, email);
        }

        // Linked under the issuer, so a subject of another provider (after a change of Authority) is another login.
        var user = await users.FindByLoginAsync(issuer, subject);
        if (user is null)
        {
            (user, refusal) = await LinkOnceAsync(issuer, subject, email, upstream.FindFirst(oidc.NameClaim)?.Value, oidc);
            if (user is null)
            {
                return Refused(refusal, subject, email);
            }
        }

        if (!await signIn.CanSignInAsync(user))
        {
            return Refused(UpstreamRefusal.CannotSignIn, subject, email);
        }

        await signIn.SignInAsync(user, isPersistent: false, authenticationMethod: UpstreamSetup.Scheme);
        LogSignedIn(logger, user.Id);
        return UpstreamRefusal.None;
    }

    private static UpstreamRefusal CheckClaims(ClaimsPrincipal upstream, OpenIdConnectSettings oidc, string email)
    {
        if (oidc.RequireVerifiedEmail && !string.Equals(upstream.FindFirst("email_verified")?.Value, "true", StringComparison.OrdinalIgnoreCase))
        {
            return UpstreamRefusal.EmailNotVerified;
        }

        var domain = email[(email.LastIndexOf('@') + 1)..];
        if (oidc.AllowedEmailDomains.Count > 0 && !oidc.AllowedEmailDomains.Contains(domain, StringComparer.OrdinalIgnoreCase))
        {
            return UpstreamRefusal.DomainNotAllowed;
        }

        if (oidc.RequiredClaim is { Type: { } type, Value: { } value } && !upstream.HasClaim(type, value))
        {
            return UpstreamRefusal.MissingRequiredClaim;
        }

        return UpstreamRefusal.None;
    }

    /// <summary>Links as below; when a sign-in in another tab linked or created the user first, takes its link.</summary>
    private async Task<(User? User, UpstreamRefusal Refusal)> LinkOnceAsync(string issuer, string subject, string email, string? name, OpenIdConnectSettings oidc)
    {
        try
        {
            return await LinkAsync(issuer, subject, email, name, oidc);
        }
        catch (DbUpdateException)
        {
            // The failed insert stays tracked and would fail every later save of this request.
            database.ChangeTracker.Clear();
            return await users.FindByLoginAsync(issuer, subject) is { } linked ? (linked, UpstreamRefusal.None) : (null, UpstreamRefusal.LinkedToAnother);
        }
    }

    /// <summary>The user with this email, linked to the provider's subject; created first if the settings allow.</summary>
    private async Task<(User? User, UpstreamRefusal Refusal)> LinkAsync(string issuer, string subject, string email, string? name, OpenIdConnectSettings oidc)
    {
        var user = await users.FindByEmailAsync(email);
        if (user is null)
        {
            if (!oidc.CreateUsers)
            {
                return (null, UpstreamRefusal.NotProvisioned);
            }

            user = new User { UserName = email, Email = email, EmailConfirmed = true, DisplayName = name, CreatedAt = time.GetUtcNow() };
            if (!(await users.CreateAsync(user)).Succeeded)
            {
                // A sign-in in another tab may have created the user a moment ago; then it has the link, or will.
                return await users.FindByLoginAsync(issuer, subject) is { } theirs
                    ? (theirs, UpstreamRefusal.None)
                    : (null, await users.FindByEmailAsync(email) is null ? UpstreamRefusal.NotProvisioned : UpstreamRefusal.LinkedToAnother);
            }
        }
        else if ((await users.GetLoginsAsync(user)).Any(login => login.LoginProvider == issuer))
        {
            // Another subject at the provider already owns this user: a reused or reassigned address, not a second key.
            return (null, UpstreamRefusal.LinkedToAnother);
        }

        var linked = await users.AddLoginAsync(user, new UserLoginInfo(issuer, subject, oidc.DisplayName));
        return linked.Succeeded ? (user, UpstreamRefusal.None) : (null, UpstreamRefusal.LinkedToAnother);
    }

    private UpstreamRefusal Refused(UpstreamRefusal refusal, string? subject, string? email)
    {
        LogRefused(logger, refusal, subject, email);
        return refusal;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "User {UserId} signed in through OpenID Connect")]
    private static partial void LogSignedIn(ILogger logger, string userId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "OpenID Connect sign-in refused ({Refusal}) for subject {Subject}, email {Email}")]
    private static partial void LogRefused(ILogger logger, UpstreamRefusal refusal, string? subject, string? email);
}
