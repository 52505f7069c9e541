using System.Net;
using System.Security.Claims;
using JwtIssuer.Server.Audit;
using JwtIssuer.Server.Data;
using JwtIssuer.Server.Users;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace JwtIssuer.Server.SignIn.OpenIdConnect;

/// <summary>Why an identity the provider vouched for may not sign in here.</summary>
public enum OpenIdConnectRefusal
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
public sealed partial class OpenIdConnectSignIn(
    UserManager<User> users,
    JwtIssuerDbContext database,
    SignInManager<User> signIn,
    IOptions<AuthenticationSettings> settings,
    TimeProvider time,
    AuditLog audit,
    UserAdministration administration,
    ILogger<OpenIdConnectSignIn> logger)
{
    /// <summary>Signs in the user the provider vouched for, or says why not; either way one sign-in event in the audit trail.</summary>
    public async Task<OpenIdConnectRefusal> SignInAsync(ClaimsPrincipal upstream, IPAddress? client)
    {
        var oidc = settings.Value.OpenIdConnect ?? throw new InvalidOperationException("Authentication:OpenIdConnect is not configured.");
        var issuer = OpenIdConnectSetup.IssuerOf(oidc);

        // The handler checked the ID token's issuer; the claim still names it, so a principal from anywhere else is not taken.
        var subjectClaim = upstream.FindFirst("sub");
        var subject = subjectClaim is not null && string.Equals(subjectClaim.Issuer.TrimEnd('/'), issuer, StringComparison.Ordinal) ? subjectClaim.Value : null;
        var email = upstream.FindFirst(oidc.EmailClaim)?.Value?.Trim();
        if (string.IsNullOrEmpty(subject) || string.IsNullOrEmpty(email) || !email.Contains('@'))
        {
            return await RefusedAsync(OpenIdConnectRefusal.NoSubjectOrEmail, subject, email, null, client);
        }

        var refusal = CheckClaims(upstream, oidc, email);
        if (refusal != OpenIdConnectRefusal.None)
        {
            return await RefusedAsync(refusal, subject, email, null, client);
        }

        // Linked under the issuer, so a subject of another provider (after a change of Authority) is another login.
        var user = await users.FindByLoginAsync(issuer, subject);
        if (user is null)
        {
            (user, refusal) = await LinkOnceAsync(issuer, subject, email, upstream.FindFirst(oidc.NameClaim)?.Value, oidc);
            if (user is null)
            {
                return await RefusedAsync(refusal, subject, email, null, client);
            }
        }

        if (!await signIn.CanSignInAsync(user))
        {
            return await RefusedAsync(OpenIdConnectRefusal.CannotSignIn, subject, email, user.Id, client);
        }

        if (oidc.AdminClaim is { Type: { } adminType, Value: { } adminValue })
        {
            // The provider decides who is an admin: the mark follows the claim at each sign-in, both ways.
            await administration.SetAdminAsync(user, upstream.HasClaim(adminType, adminValue), $"openid-connect ({oidc.DisplayName})", $"claim {adminType}");
        }

        await signIn.SignInAsync(user, isPersistent: false, authenticationMethod: OpenIdConnectSetup.Scheme);
        LogSignedIn(logger, user.Id);
        await audit.SignInAsync(AuditOutcomes.Succeeded, user.Id, user.Email, client, $"{oidc.DisplayName} (OpenID Connect)");
        return OpenIdConnectRefusal.None;
    }

    private static OpenIdConnectRefusal CheckClaims(ClaimsPrincipal upstream, OpenIdConnectSettings oidc, string email)
    {
        if (oidc.RequireVerifiedEmail && !string.Equals(upstream.FindFirst("email_verified")?.Value, "true", StringComparison.OrdinalIgnoreCase))
        {
            return OpenIdConnectRefusal.EmailNotVerified;
        }

        var domain = email[(email.LastIndexOf('@') + 1)..];
        if (oidc.AllowedEmailDomains.Count > 0 && !oidc.AllowedEmailDomains.Contains(domain, StringComparer.OrdinalIgnoreCase))
        {
            return OpenIdConnectRefusal.DomainNotAllowed;
        }

        if (oidc.RequiredClaim is { Type: { } type, Value: { } value } && !upstream.HasClaim(type, value))
        {
            return OpenIdConnectRefusal.MissingRequiredClaim;
        }

        return OpenIdConnectRefusal.None;
    }

    /// <summary>Links as below; when a sign-in in another tab linked or created the user first, takes its link.</summary>
    private async Task<(User? User, OpenIdConnectRefusal Refusal)> LinkOnceAsync(string issuer, string subject, string email, string? name, OpenIdConnectSettings oidc)
    {
        try
        {
            return await LinkAsync(issuer, subject, email, name, oidc);
        }
        catch (DbUpdateException)
        {
            // The failed insert stays tracked and would fail every later save of this request.
            database.ChangeTracker.Clear();
            return await users.FindByLoginAsync(issuer, subject) is { } linked ? (linked, OpenIdConnectRefusal.None) : (null, OpenIdConnectRefusal.LinkedToAnother);
        }
    }

    /// <summary>The user with this email, linked to the provider's subject; created first if the settings allow.</summary>
    private async Task<(User? User, OpenIdConnectRefusal Refusal)> LinkAsync(string issuer, string subject, string email, string? name, OpenIdConnectSettings oidc)
    {
        var user = await users.FindByEmailAsync(email);
        if (user is null)
        {
            if (!oidc.CreateUsers)
            {
                return (null, OpenIdConnectRefusal.NotProvisioned);
            }

            user = new User { UserName = email, Email = email, EmailConfirmed = true, DisplayName = name, CreatedAt = time.GetUtcNow() };
            if ((await users.CreateAsync(user)).Succeeded)
            {
                await audit.UserChangedAsync(AuditOutcomes.UserAdded, user.Id, user.Email, Actor(oidc), "first sign-in (Authentication:OpenIdConnect:CreateUsers)");
            }
            else
            {
                // A sign-in in another tab may have created the user a moment ago; then it has the link, or will.
                return await users.FindByLoginAsync(issuer, subject) is { } theirs
                    ? (theirs, OpenIdConnectRefusal.None)
                    : (null, await users.FindByEmailAsync(email) is null ? OpenIdConnectRefusal.NotProvisioned : OpenIdConnectRefusal.LinkedToAnother);
            }
        }
        else if ((await users.GetLoginsAsync(user)).Any(login => login.LoginProvider == issuer))
        {
            // Another subject at the provider already owns this user: a reused or reassigned address, not a second key.
            return (null, OpenIdConnectRefusal.LinkedToAnother);
        }

        if (!(await users.AddLoginAsync(user, new UserLoginInfo(issuer, subject, oidc.DisplayName))).Succeeded)
        {
            return (null, OpenIdConnectRefusal.LinkedToAnother);
        }

        await audit.UserChangedAsync(AuditOutcomes.UserLinked, user.Id, user.Email, Actor(oidc), $"subject {subject} at {issuer}");
        return (user, OpenIdConnectRefusal.None);
    }

    /// <summary>Who made a change to a user on a provider's word: the provider.</summary>
    private static string Actor(OpenIdConnectSettings oidc) => $"openid-connect ({oidc.DisplayName})";

    private async Task<OpenIdConnectRefusal> RefusedAsync(OpenIdConnectRefusal refusal, string? subject, string? email, string? userId, IPAddress? client)
    {
        LogRefused(logger, refusal, subject, email);
        await audit.SignInAsync(AuditOutcomes.Refused, userId, email, client, $"OpenID Connect: {refusal}");
        return refusal;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "User {UserId} signed in through OpenID Connect")]
    private static partial void LogSignedIn(ILogger logger, string userId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "OpenID Connect sign-in refused ({Refusal}) for subject {Subject}, email {Email}")]
    private static partial void LogRefused(ILogger logger, OpenIdConnectRefusal refusal, string? subject, string? email);
}
