using System.CommandLine;
using System.Text;
using JwtIssuer.Server.Data;
using JwtIssuer.Server.Users;
using Microsoft.EntityFrameworkCore;

namespace JwtIssuer.Server.Commands;

/// <summary>
/// <c>users add|list|disable|enable|set-password|unlink|remove|grant-admin|revoke-admin</c>, through
/// <see cref="UserAdministration"/>: every change goes into the audit trail with who made it,
/// <c>cli (&lt;operating-system user&gt;)</c>.
/// </summary>
internal static class UserCommands
{
    /// <summary>Who is at the keyboard, as the operating system knows them: the actor of every change made here.</summary>
    internal static string Actor => $"cli ({Environment.UserName})";

    public static Command Create()
    {
        var email = new Argument<string>("email") { Description = "The user's email address (also the sign-in name)." };
        var name = new Option<string?>("--name") { Description = "Display name (the {name} claim template)." };
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the password from the first line of standard input." };
        var noPassword = new Option<bool>("--no-password") { Description = "No password here: the agent signs in through the OpenID Connect provider or an app sharing the cookie (Session:SharedCookie)." };
        var admin = new Option<bool>("--admin") { Description = "May use the admin area (/admin), as well as being an agent." };

        var add = new Command("add", "Create a user (prompts for the password when interactive).") { email, name, passwordStdin, noPassword, admin };
        add.Validators.Add(result =>
        {
            if (result.GetValue(noPassword) && result.GetValue(passwordStdin))
            {
                result.AddError("--no-password and --password-stdin cannot be used together.");
            }
        });
        add.SetAction((parse, ct) => RunAsync(async users =>
        {
            var address = parse.GetValue(email)!;
            var password = parse.GetValue(noPassword) ? null : await ReadPasswordAsync(parse.GetValue(passwordStdin));
            var isAdmin = parse.GetValue(admin);
            await users.AddAsync(address, parse.GetValue(name), password, isAdmin, Actor);
            Console.WriteLine(isAdmin ? $"Added {address}, an admin." : $"Added {address}.");
        }, ct));

        var list = new Command("list", "List users, whether each is an admin, and their state.");
        list.SetAction((parse, ct) => RunAsync(async users =>
        {
            var all = await users.Users.AsNoTracking().OrderBy(user => user.NormalizedEmail).ToListAsync(ct);
            Console.WriteLine($"{"EMAIL",-40} {"NAME",-24} {"ADMIN",-5} STATE");
            foreach (var user in all)
            {
                Console.WriteLine($"{user.Email,-40} {user.DisplayName ?? "-",-24} {(user.IsAdmin ? "yes" : "no"),-5} {State(user)}");
            }
        }, ct));

        var disable = Change("disable", "Refuse sign-in and tokens to a user, from the next request on.", email,
            async (users, user) => { await users.DisableAsync(user, Actor); return $"Disabled {user.Email}."; });
        var enable = Change("enable", "Allow a disabled or locked-out user again.", email,
            async (users, user) => { await users.EnableAsync(user, Actor); return $"Enabled {user.Email}."; });

        var setPassword = new Command("set-password", "Replace a user's password (prompts when interactive).") { email, passwordStdin };
        setPassword.SetAction((parse, ct) => RunAsync(async users =>
        {
            var user = await FindAsync(users, parse.GetValue(email)!);
            await users.SetPasswordAsync(user, await ReadPasswordAsync(parse.GetValue(passwordStdin)), Actor);
            Console.WriteLine($"Password set for {user.Email}.");
        }, ct));

        var unlink = Change("unlink", "Forget which OpenID Connect identity signs this user in; the next sign-in links again by email.", email,
            async (users, user) =>
            {
                var count = await users.UnlinkAsync(user, Actor);
                return $"Unlinked {user.Email} ({count} link{(count == 1 ? "" : "s")}).";
            });
        var remove = Change("remove", "Delete a user.", email,
            async (users, user) => { await users.RemoveAsync(user, Actor); return $"Removed {user.Email}."; });
        var grantAdmin = Change("grant-admin", "Let a user use the admin area (/admin).", email,
            async (users, user) => { await users.SetAdminAsync(user, true, Actor); return $"{user.Email} is an admin."; });
        var revokeAdmin = Change("revoke-admin", "Take the admin area away from a user (who stays an agent).", email,
            async (users, user) => { await users.SetAdminAsync(user, false, Actor); return $"{user.Email} is no longer an admin."; });

        return new Command("users", "Manage the users who may sign in.") { add, list, disable, enable, setPassword, unlink, remove, grantAdmin, revokeAdmin };
    }

    /// <summary>A verb that finds the user by email, changes them, and prints what it did.</summary>
    private static Command Change(string verb, string description, Argument<string> email, Func<UserAdministration, User, Task<string>> change)
    {
        var command = new Command(verb, description) { email };
        command.SetAction((parse, ct) => RunAsync(async users =>
            Console.WriteLine(await change(users, await FindAsync(users, parse.GetValue(email)!))), ct));
        return command;
    }

    private static async Task<int> RunAsync(Func<UserAdministration, Task> action, CancellationToken cancellationToken)
    {
        await using var app = CommandLine.BuildHost();
        await app.Services.MigrateDatabaseAsync(cancellationToken);
        await using var scope = app.Services.CreateAsyncScope();
        try
        {
            await action(scope.ServiceProvider.GetRequiredService<UserAdministration>());
        }
        catch (UserChangeFailedException ex)
        {
            throw new CommandFailedException(ex.Message);
        }

        return CommandLine.Success;
    }

    private static async Task<User> FindAsync(UserAdministration users, string email) =>
        await users.FindByEmailAsync(email) ?? throw new CommandFailedException($"no user with email {email}");

    private static string State(User user) =>
        user.IsDisabled ? "disabled"
        : user.LockoutEnd > DateTimeOffset.UtcNow ? $"locked until {user.LockoutEnd:u}"
        : "active";

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
