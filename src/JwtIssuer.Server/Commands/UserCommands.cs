using System.CommandLine;
using System.Text;
using JwtIssuer.Server.Audit;
using JwtIssuer.Server.Data;
using JwtIssuer.Server.Users;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace JwtIssuer.Server.Commands;

/// <summary>
/// <c>users add|list|disable|enable|set-password|unlink|remove</c>. Every change goes into the audit trail with who made
/// it: <c>cli (&lt;operating-system user&gt;)</c>.
/// </summary>
internal static class UserCommands
{
    public static Command Create()
    {
        var email = new Argument<string>("email") { Description = "The user's email address (also the sign-in name)." };
        var name = new Option<string?>("--name") { Description = "Display name (the {name} claim template)." };
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the password from the first line of standard input." };

        var noPassword = new Option<bool>("--no-password") { Description = "No password here: the agent signs in only through an app sharing the cookie (Session:SharedCookie)." };

        var add = new Command("add", "Create a user (prompts for the password when interactive).") { email, name, passwordStdin, noPassword };
        add.Validators.Add(result =>
        {
            if (result.GetValue(noPassword) && result.GetValue(passwordStdin))
            {
                result.AddError("--no-password and --password-stdin cannot be used together.");
            }
        });
        add.SetAction((parse, ct) => RunAsync(async (users, changes) =>
        {
            var address = parse.GetValue(email)!;
            var password = parse.GetValue(noPassword) ? null : await ReadPasswordAsync(parse.GetValue(passwordStdin));
            var user = new User
            {
                UserName = address,
                Email = address,
                EmailConfirmed = true,
                DisplayName = parse.GetValue(name),
                CreatedAt = DateTimeOffset.UtcNow,
            };
            Check(password is null ? await users.CreateAsync(user) : await users.CreateAsync(user, password), $"cannot add {address}");
            await changes.RecordAsync(AuditOutcomes.UserAdded, user, password is null ? "no password" : null);
            Console.WriteLine($"Added {address}.");
        }, ct));

        var list = new Command("list", "List users and their state.");
        list.SetAction((parse, ct) => RunAsync(async users =>
        {
            var all = await users.Users.AsNoTracking().OrderBy(user => user.NormalizedEmail).ToListAsync(ct);
            Console.WriteLine($"{"EMAIL",-40} {"NAME",-24} STATE");
            foreach (var user in all)
            {
                Console.WriteLine($"{user.Email,-40} {user.DisplayName ?? "-",-24} {State(user)}");
            }
        }, ct));

        var disable = new Command("disable", "Refuse sign-in and tokens to a user, from the next request on.") { email };
        disable.SetAction((parse, ct) => RunAsync(async (users, changes) =>
        {
            var user = await FindAsync(users, parse.GetValue(email)!);
            user.IsDisabled = true;
            Check(await users.UpdateAsync(user), "cannot disable the user");
            // A new stamp also ends the user's open sessions at their next validation.
            Check(await users.UpdateSecurityStampAsync(user), "cannot end the user's sessions");
            await changes.RecordAsync(AuditOutcomes.UserDisabled, user);
            Console.WriteLine($"Disabled {user.Email}.");
        }, ct));

        var enable = new Command("enable", "Allow a disabled or locked-out user again.") { email };
        enable.SetAction((parse, ct) => RunAsync(async (users, changes) =>
        {
            var user = await FindAsync(users, parse.GetValue(email)!);
            user.IsDisabled = false;
            Check(await users.UpdateAsync(user), "cannot enable the user");
            Check(await users.SetLockoutEndDateAsync(user, null), "cannot clear the lockout");
            Check(await users.ResetAccessFailedCountAsync(user), "cannot reset failed sign-ins");
            await changes.RecordAsync(AuditOutcomes.UserEnabled, user);
            Console.WriteLine($"Enabled {user.Email}.");
        }, ct));

        var setPassword = new Command("set-password", "Replace a user's password (prompts when interactive).") { email, passwordStdin };
        setPassword.SetAction((parse, ct) => RunAsync(async (users, changes) =>
        {
            var user = await FindAsync(users, parse.GetValue(email)!);
            var password = await ReadPasswordAsync(parse.GetValue(passwordStdin));
            var token = await users.GeneratePasswordResetTokenAsync(user);
            Check(await users.ResetPasswordAsync(user, token, password), "cannot set the password");
            Check(await users.SetLockoutEndDateAsync(user, null), "cannot clear the lockout");
            await changes.RecordAsync(AuditOutcomes.UserPasswordSet, user);
            Console.WriteLine($"Password set for {user.Email}.");
        }, ct));

        var unlink = new Command("unlink", "Forget which OpenID Connect identity signs this user in; the next sign-in links again by email.") { email };
        unlink.SetAction((parse, ct) => RunAsync(async (users, changes) =>
        {
            var user = await FindAsync(users, parse.GetValue(email)!);
            var logins = await users.GetLoginsAsync(user);
            foreach (var login in logins)
            {
                Check(await users.RemoveLoginAsync(user, login.LoginProvider, login.ProviderKey), "cannot remove the link");
            }

            // The sessions the old identity opened end too.
            Check(await users.UpdateSecurityStampAsync(user), "cannot end the user's sessions");
            await changes.RecordAsync(AuditOutcomes.UserUnlinked, user, logins.Count == 0 ? null : string.Join(", ", logins.Select(login => $"subject {login.ProviderKey} at {login.LoginProvider}")));
            Console.WriteLine($"Unlinked {user.Email} ({logins.Count} link{(logins.Count == 1 ? "" : "s")}).");
        }, ct));

        var remove = new Command("remove", "Delete a user.") { email };
        remove.SetAction((parse, ct) => RunAsync(async (users, changes) =>
        {
            var user = await FindAsync(users, parse.GetValue(email)!);
            Check(await users.DeleteAsync(user), "cannot remove the user");
            await changes.RecordAsync(AuditOutcomes.UserRemoved, user);
            Console.WriteLine($"Removed {user.Email}.");
        }, ct));

        return new Command("users", "Manage the users who may sign in.") { add, list, disable, enable, setPassword, unlink, remove };
    }

    private static async Task<int> RunAsync(Func<UserManager<User>, Task> action, CancellationToken cancellationToken) =>
        await RunAsync((users, _) => action(users), cancellationToken);

    private static async Task<int> RunAsync(Func<UserManager<User>, Changes, Task> action, CancellationToken cancellationToken)
    {
        await using var app = CommandLine.BuildHost();
        await app.Services.MigrateDatabaseAsync(cancellationToken);
        await using var scope = app.Services.CreateAsyncScope();
        await action(scope.ServiceProvider.GetRequiredService<UserManager<User>>(), new Changes(app.Services.GetRequiredService<AuditLog>()));
        return CommandLine.Success;
    }

    /// <summary>Records a change made here in the audit trail, and waits for its commit.</summary>
    private sealed class Changes(AuditLog audit)
    {
        /// <summary>Who is at the keyboard, as the operating system knows them.</summary>
        public static string Actor => $"cli ({Environment.UserName})";

        public async Task RecordAsync(string change, User user, string? reason = null)
        {
            try
            {
                await audit.UserChangedAsync(change, user.Id, user.Email, Actor, reason);
            }
            catch (AuditStoreUnavailableException ex)
            {
                throw new CommandFailedException($"{user.Email} {change}, but the audit trail could not record it: {ex.InnerException?.Message ?? ex.Message}");
            }
        }
    }

    private static async Task<User> FindAsync(UserManager<User> users, string email) =>
        await users.FindByEmailAsync(email) ?? throw new CommandFailedException($"no user with email {email}");

    private static string State(User user) =>
        user.IsDisabled ? "disabled"
        : user.LockoutEnd > DateTimeOffset.UtcNow ? $"locked until {user.LockoutEnd:u}"
        : "active";

    private static void Check(IdentityResult result, string what)
    {
        if (!result.Succeeded)
        {
            throw new CommandFailedException($"{what}: {string.Join(" ", result.Errors.Select(error => error.Description))}");
        }
    }

    private static async Task<string> ReadPasswordAsync(bool fromStdin)
    {
        if (fromStdin)
        {
            return await Console.In.ReadLineAsync() is { Length: > 0 } line
                ? line
                : throw new CommandFailedException("--password-stdin was given but standard input held no password");
        }

        if (Console.IsInputRedirected)
        {
            throw new CommandFailedException("no password: pass --password-stdin and pipe the password in, or run in a terminal to be prompted");
        }

        var first = Prompt("Password: ");
        var second = Prompt("Repeat password: ");
        return first == second ? first : throw new CommandFailedException("the passwords do not match");
    }

    private static string Prompt(string label)
    {
        Console.Error.Write(label);
        var password = new StringBuilder();
        for (var key = Console.ReadKey(intercept: true); key.Key != ConsoleKey.Enter; key = Console.ReadKey(intercept: true))
        {
            if (key.Key == ConsoleKey.Backspace)
            {
                password.Length = Math.Max(0, password.Length - 1);
            }
            else if (!char.IsControl(key.KeyChar))
            {
                password.Append(key.KeyChar);
            }
        }

        Console.Error.WriteLine();
        return password.ToString();
    }
}
