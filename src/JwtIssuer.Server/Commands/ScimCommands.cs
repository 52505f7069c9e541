using System.CommandLine;
using System.Globalization;
using JwtIssuer.Server.Data;
using JwtIssuer.Server.Scim;

namespace JwtIssuer.Server.Commands;

/// <summary>
/// <c>scim token create NAME | list | revoke NAME</c>: the bearer tokens identity providers use on <c>/scim/v2</c>.
/// A token is printed once, alone on standard output (for a script to capture), and stored only as its SHA-256; making
/// and revoking one are audit events naming <c>cli (&lt;operating-system user&gt;)</c>.
/// </summary>
internal static class ScimCommands
{
    public static Command Create()
    {
        var name = new Argument<string>("name") { Description = $"The token's name, such as entra or okta (letters, digits, '.', '_', '-'; at most {ScimToken.MaxNameLength})." };

        var create = new Command("create", "Make a token for an identity provider's SCIM client; it is printed once.") { name };
        create.SetAction((parse, ct) => RunAsync(async tokens =>
        {
            var chosen = parse.GetValue(name)!;
            var secret = await tokens.CreateAsync(chosen, UserCommands.Actor, ct);
            Console.WriteLine(secret);
            await Console.Error.WriteLineAsync($"SCIM token '{chosen}' created. It is shown once: paste it into the identity provider's secret token field now.");
        }, ct));

        var list = new Command("list", "List the tokens: names, when made and last used (never the tokens).");
        list.SetAction((parse, ct) => RunAsync(async tokens =>
        {
            Console.WriteLine($"{"NAME",-24} {"CREATED (UTC)",-20} LAST USED (UTC)");
            foreach (var token in await tokens.ListAsync(ct))
            {
                Console.WriteLine($"{token.Name,-24} {Time(token.CreatedAt),-20} {(token.LastUsedAt is { } used ? Time(used) : "never")}");
            }
        }, ct));

        var revoke = new Command("revoke", "Revoke a token: its next request gets a 401.") { name };
        revoke.SetAction((parse, ct) => RunAsync(async tokens =>
        {
            var chosen = parse.GetValue(name)!;
            Console.WriteLine(await tokens.RevokeAsync(chosen, UserCommands.Actor, ct)
                ? $"Revoked SCIM token '{chosen}'."
                : throw new CommandFailedException($"no SCIM token named '{chosen}' (see 'jwt-issuer scim token list')"));
        }, ct));

        return new Command("scim", "SCIM 2.0 provisioning from Entra ID or Okta (/scim/v2).")
        {
            new Command("token", "Bearer tokens for SCIM clients.") { create, list, revoke },
        };
    }

    private static string Time(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static async Task<int> RunAsync(Func<ScimTokens, Task> action, CancellationToken cancellationToken)
    {
        await using var app = CommandLine.BuildHost();
        await app.Services.MigrateDatabaseAsync(cancellationToken);
        await using var scope = app.Services.CreateAsyncScope();
        try
        {
            await action(scope.ServiceProvider.GetRequiredService<ScimTokens>());
        }
        catch (ScimTokenException ex)
        {
            throw new CommandFailedException(ex.Message);
        }

        return CommandLine.Success;
    }
}
