using JwtIssuer.Server.Audit;
using JwtIssuer.Server.Users;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace JwtIssuer.Server.SignIn.Password;

/// <summary>
/// Password sign-in that costs exactly one PBKDF2 verification on every path, so the response time does not
/// tell an attacker whether an email belongs to an agent, or whether that account is disabled or locked out.
/// </summary>
public sealed class AgentSignIn(SignInManager<User> signIn, UserManager<User> users, IPasswordHasher<User> hasher)
{
    private static readonly Lazy<string> DummyHash = new(() =>
        new PasswordHasher<User>(Options.Create(new PasswordHasherOptions { IterationCount = UsersSetup.PasswordHashIterations }))
            .HashPassword(new User(), Guid.NewGuid().ToString()));

    /// <summary>
    /// Signs the agent in (session cookie issued) when the email and password match an active account; says why not
    /// otherwise. The reason is for the audit trail only: the page shows one message for every failure.
    /// </summary>
    public async Task<PasswordSignIn> SignInAsync(string email, string password)
    {
        var user = await users.FindByEmailAsync(email);
        var refusal = user is null ? Failed("no such account")
            : user.IsDisabled ? Refused("disabled")
            : user.PasswordHash is null ? Refused("no password here")
            : await users.IsLockedOutAsync(user) ? Refused("locked out")
            : null;
        if (refusal is not null)
        {
            // Identity would answer these before hashing; burn the same time on a hash that matches nothing. A user
            // with no password here (one who signs in through a provider or a shared cookie) has no password to guess,
            // so wrong ones typed in its name are not counted towards a lockout.
            hasher.VerifyHashedPassword(user ?? new User(), DummyHash.Value, password);
            return refusal with { User = user };
        }

        var result = await signIn.PasswordSignInAsync(user!, password, isPersistent: false, lockoutOnFailure: true);
        return result.Succeeded ? new PasswordSignIn(user, AuditOutcomes.Succeeded, "password")
            : Failed(result.IsLockedOut ? "wrong password; now locked out" : "wrong password") with { User = user };
    }

    private static PasswordSignIn Failed(string reason) => new(null, AuditOutcomes.Failed, reason);

    private static PasswordSignIn Refused(string reason) => new(null, AuditOutcomes.Refused, reason);
}

/// <summary>
/// What became of a password sign-in: the account it named, if any; <see cref="AuditOutcomes.Succeeded"/>,
/// <see cref="AuditOutcomes.Failed"/> (wrong password, unknown account) or <see cref="AuditOutcomes.Refused"/> (an
/// account that may not sign in); and why.
/// </summary>
public sealed record PasswordSignIn(User? User, string Outcome, string Reason)
{
    public bool Succeeded => Outcome == AuditOutcomes.Succeeded;
}
