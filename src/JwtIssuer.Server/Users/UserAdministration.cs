using JwtIssuer.Server.Audit;
using JwtIssuer.Server.Data;
using JwtIssuer.Server.SignIn.PasswordLinks;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace JwtIssuer.Server.Users;

/// <summary>
/// Every change an administrator makes to an agent, from the command line or the admin pages: applied through
/// Identity, then recorded in the audit trail with who made it (<c>cli (root)</c>, <c>admin (ann@example.com)</c>).
/// One place, so the two ways of managing agents cannot drift apart.
/// </summary>
/// <remarks>
/// Whatever ends an agent's access (disable, a new password, unlink, sign out everywhere, remove) also changes the
/// security stamp, so the agent's sessions stop getting tokens within <see cref="UserStatusSnapshot.MaxAge"/> on every
/// instance; disable, a new password and sign out everywhere also void the agent's set-password link. A change made
/// with <see cref="Guard.LastActiveAdmin"/> (the admin pages' demote, disable and remove) is refused when it would leave
/// no active admin, checked and made under one lock across instances, so two admins demoting each other at the same
/// moment cannot both succeed. The command line does not guard: it is the way back in when no admin is left.
/// </remarks>
public sealed class UserAdministration(
    UserManager<User> users,
    JwtIssuerDbContext database,
    SetPasswordLinks links,
    AuditLog audit,
    TimeProvider time)
{
    /// <summary>Whether a change may leave the admin area to nobody.</summary>
    public enum Guard
    {
        /// <summary>It may (the command line).</summary>
        None,

        /// <summary>It may not: refused when the user is the last active admin.</summary>
        LastActiveAdmin,
    }

    // Any fixed number, the same on every instance: the name of the lock "changing who the active admins are".
    private const long AdminsLockKey = 0x4A57_4941_4164_6D6E;

    public IQueryable<User> Users => users.Users;

    /// <summary>The user with this email, or null.</summary>
    public Task<User?> FindByEmailAsync(string email) => users.FindByEmailAsync(email);

    /// <summary>The user with this id, or null.</summary>
    public Task<User?> FindByIdAsync(string id) => users.FindByIdAsync(id);

    /// <summary>Creates an agent; without a password, one who signs in through the identity provider or a set-password link.</summary>
    public async Task<User> AddAsync(string email, string? name, string? password, bool admin, string actor)
    {
        var user = new User
        {
            UserName = email,
            Email = email,
            EmailConfirmed = true,
            DisplayName = string.IsNullOrWhiteSpace(name) ? null : name.Trim(),
            IsAdmin = admin,
            CreatedAt = time.GetUtcNow(),
        };
        Check(password is null ? await users.CreateAsync(user) : await users.CreateAsync(user, password), $"cannot add {email}");
        string?[] notes = [password is null ? "no password" : null, admin ? "admin" : null];
        await RecordAsync(AuditOutcomes.UserAdded, user, actor, string.Join("; ", notes.OfType<string>()) is { Length: > 0 } reason ? reason : null);
        return user;
    }

    /// <summary>Refuses sign-in and tokens from the next request on, ends the agent's sessions and voids their link.</summary>
    /// <returns>False, and nothing changed, when <paramref name="guard"/> refuses it.</returns>
    public Task<bool> DisableAsync(User user, string actor, Guard guard = Guard.None) =>
        ChangeAsync(user, AuditOutcomes.UserDisabled, actor, guard, async () =>
        {
            user.IsDisabled = true;
            Check(await users.UpdateAsync(user), "cannot disable the user");
            Check(await users.UpdateSecurityStampAsync(user), "cannot end the user's sessions");
            await links.RevokeAsync(user);
        });

    /// <summary>Allows a disabled agent again, and clears any lockout.</summary>
    public Task EnableAsync(User user, string actor) =>
        ChangeAsync(user, AuditOutcomes.UserEnabled, actor, Guard.None, async () =>
        {
            user.IsDisabled = false;
            Check(await users.UpdateAsync(user), "cannot enable the user");
            await ClearLockoutAsync(user);
        });

    /// <summary>Ends a lockout (five wrong passwords) before it expires.</summary>
    public Task UnlockAsync(User user, string actor) =>
        ChangeAsync(user, AuditOutcomes.UserUnlocked, actor, Guard.None, () => ClearLockoutAsync(user));

    /// <summary>
    /// Replaces the password (checked against the password rules), ends the other sessions, clears a lockout and voids
    /// the agent's set-password link.
    /// </summary>
    public Task SetPasswordAsync(User user, string password, string actor) =>
        ChangeAsync(user, AuditOutcomes.UserPasswordSet, actor, Guard.None, async () =>
        {
            var token = await users.GeneratePasswordResetTokenAsync(user);
            Check(await users.ResetPasswordAsync(user, token, password), "cannot set the password");
            await ClearLockoutAsync(user);
            await links.RevokeAsync(user);
        });

    /// <summary>
    /// A one-time set-password link for the agent (replacing an earlier one); returns its secret, shown once and not
    /// kept. The password stays as it is until the link is used.
    /// </summary>
    public async Task<string> CreatePasswordLinkAsync(User user, string actor, CancellationToken cancellationToken = default)
    {
        var secret = await links.CreateAsync(user, cancellationToken);
        await RecordAsync(AuditOutcomes.UserPasswordLinkCreated, user, actor);
        return secret;
    }

    /// <summary>Forgets the identity provider's subjects for this agent and ends the sessions they opened.</summary>
    public async Task<int> UnlinkAsync(User user, string actor)
    {
        var logins = await users.GetLoginsAsync(user);
        foreach (var login in logins)
        {
            Check(await users.RemoveLoginAsync(user, login.LoginProvider, login.ProviderKey), "cannot remove the link");
        }

        Check(await users.UpdateSecurityStampAsync(user), "cannot end the user's sessions");
        await RecordAsync(AuditOutcomes.UserUnlinked, user, actor,
            logins.Count == 0 ? null : string.Join(", ", logins.Select(login => $"subject {login.ProviderKey} at {login.LoginProvider}")));
        return logins.Count;
    }

    /// <summary>Ends every session of the agent, on every instance, and voids their link: the next token request signs in again.</summary>
    public Task SignOutEverywhereAsync(User user, string actor) =>
        ChangeAsync(user, AuditOutcomes.UserSignedOutEverywhere, actor, Guard.None, async () =>
        {
            Check(await users.UpdateSecurityStampAsync(user), "cannot end the user's sessions");
            await links.RevokeAsync(user);
        });

    /// <summary>Deletes the agent (and their link); the audit trail keeps their events.</summary>
    /// <returns>False, and nothing changed, when <paramref name="guard"/> refuses it.</returns>
    public Task<bool> RemoveAsync(User user, string actor, Guard guard = Guard.None) =>
        ChangeAsync(user, AuditOutcomes.UserRemoved, actor, guard, async () => Check(await users.DeleteAsync(user), "cannot remove the user"));

    /// <summary>Grants or revokes the admin role; the admin pages read it on every request, so it holds at once.</summary>
    /// <returns>False, and nothing changed, when <paramref name="guard"/> refuses a revocation.</returns>
    public async Task<bool> SetAdminAsync(User user, bool admin, string actor, string? reason = null, Guard guard = Guard.None)
    {
        if (user.IsAdmin == admin)
        {
            return true;
        }

        return await ChangeAsync(user, admin ? AuditOutcomes.UserAdminGranted : AuditOutcomes.UserAdminRevoked, actor, admin ? Guard.None : guard, async () =>
        {
            user.IsAdmin = admin;
            Check(await users.UpdateAsync(user), admin ? "cannot grant admin" : "cannot revoke admin");
        }, reason);
    }

    /// <summary>
    /// Makes the change, then records it. Guarded, the check and the change share one transaction under a lock every
    /// instance takes (PostgreSQL: an advisory lock; SQLite: its write lock, which the transaction takes at once), and
    /// the user is read again inside it. The audit event follows the commit: on SQLite the trail's writer needs the
    /// write lock this transaction holds.
    /// </summary>
    private async Task<bool> ChangeAsync(User user, string change, string actor, Guard guard, Func<Task> apply, string? reason = null)
    {
        if (guard == Guard.None)
        {
            await apply();
        }
        else
        {
            try
            {
                await using var transaction = await database.Database.BeginTransactionAsync();
                if (database.Database.IsNpgsql())
                {
                    await database.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({AdminsLockKey})");
                }

                await database.Entry(user).ReloadAsync();
                if (await IsLastActiveAdminAsync(user))
                {
                    return false;
                }

                await apply();
                await transaction.CommitAsync();
            }
            catch (DbUpdateConcurrencyException ex)
            {
                // Changed or removed meanwhile by someone else: say so; anything else (an outage) goes to the 503 handler.
                throw new UserChangeFailedException($"{user.Email} was changed by someone else at the same moment; look again and retry", ex);
            }
        }

        await RecordAsync(change, user, actor, reason);
        return true;
    }

    /// <summary>
    /// Whether <paramref name="user"/> is the only admin who is not disabled: demoting, disabling or removing them
    /// would leave the admin area to nobody.
    /// </summary>
    public async Task<bool> IsLastActiveAdminAsync(User user, CancellationToken cancellationToken = default) =>
        user.IsAdmin && !user.IsDisabled
        && !await users.Users.AnyAsync(other => other.IsAdmin && !other.IsDisabled && other.Id != user.Id, cancellationToken);

    private async Task ClearLockoutAsync(User user)
    {
        Check(await users.SetLockoutEndDateAsync(user, null), "cannot clear the lockout");
        Check(await users.ResetAccessFailedCountAsync(user), "cannot reset failed sign-ins");
    }

    /// <summary>Records the change and waits for its commit; the change is made already, so a failure says so.</summary>
    private async Task RecordAsync(string change, User user, string actor, string? reason = null)
    {
        try
        {
            await audit.UserChangedAsync(change, user.Id, user.Email, actor, reason);
        }
        catch (AuditStoreUnavailableException ex)
        {
            throw new UserChangeFailedException($"{user.Email} {change}, but the audit trail could not record it: {ex.InnerException?.Message ?? ex.Message}", ex);
        }
    }

    private static void Check(IdentityResult result, string what)
    {
        if (!result.Succeeded)
        {
            throw new UserChangeFailedException($"{what}: {string.Join(" ", result.Errors.Select(error => error.Description))}");
        }
    }
}

/// <summary>A change to a user that could not be made (or recorded), with a message for the person who asked.</summary>
public sealed class UserChangeFailedException : Exception
{
    public UserChangeFailedException(string message)
        : base(message)
    {
    }

    public UserChangeFailedException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
