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

    /// <summary>Signs the agent in (session cookie issued) when the email and password match an active account.</summary>
    public async Task<bool> SignInAsync(string email, string password)
    {
        var user = await users.FindByEmailAsync(email);
        if (user is null || user.IsDisabled || user.PasswordHash is null || await users.IsLockedOutAsync(user))
        {
            // Identity would answer these before hashing; burn the same time on a hash that matches nothing. A user
            // with no password here (one who signs in through a provider or a shared cookie) has no password to guess,
            // so wrong ones typed in its name are not counted towards a lockout.
            hasher.VerifyHashedPassword(user ?? new User(), DummyHash.Value, password);
            return false;
        }

        return (await signIn.PasswordSignInAsync(user, password, isPersistent: false, lockoutOnFailure: true)).Succeeded;
    }
}
