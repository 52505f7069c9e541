using System.CommandLine;
using Microsoft.Extensions.Options;

namespace JwtIssuer.Server.Commands;

/// <summary>
/// <c>jwt-issuer &lt;verb&gt;</c>. Exit codes: 0 success, 1 failure (one clear message on stderr), 2 usage error.
/// </summary>
internal static class CommandLine
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int UsageError = 2;

    private static readonly string[] RootOptions = ["--help", "-h", "-?", "--version"];

    /// <summary>
    /// True when the first argument is a word (a verb, known or not) or asks for help, rather than a server
    /// option such as <c>--urls</c> or <c>Key=Value</c>. A mistyped verb must fail, not start a server.
    /// </summary>
    public static bool IsCommand(string[] args) =>
        args.Length > 0 && (RootOptions.Contains(args[0], StringComparer.Ordinal) || !(args[0].StartsWith('-') || args[0].Contains('=', StringComparison.Ordinal)));

    /// <summary>Builds the server (services and pipeline) the verbs run on; <c>Program</c> hands it over.</summary>
    public delegate WebApplication ServerFactory(string[] args, Action<WebApplicationBuilder>? adjust);

    private static ServerFactory? s_buildServer;

    /// <summary>Runs the verb in <paramref name="args"/> on the server <paramref name="buildServer"/> makes, never listening.</summary>
    public static async Task<int> InvokeAsync(string[] args, ServerFactory buildServer)
    {
        s_buildServer = buildServer;
        var root = new RootCommand("JwtIssuer: mints Comm100 Agent SSO tokens. Run with no verb to serve.")
        {
            UserCommands.Create(),
            KeygenCommand.Create(),
            ConfigCommands.Create(),
            TokenCommands.Create(),
            Comm100Commands.Create(),
            ConsumerCommands.Create(),
            AuditCommand.Create(),
            ScimCommands.Create(),
        };

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                await Console.Error.WriteLineAsync(error.Message);
            }

            await Console.Error.WriteLineAsync("Run 'jwt-issuer --help' for usage.");
            return UsageError;
        }

        try
        {
            // Our handlers below print one line; the default handler would print a stack trace.
            return await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (OptionsValidationException ex)
        {
            foreach (var failure in ex.Failures)
            {
                await Console.Error.WriteLineAsync($"error: {failure}");
            }

            return Failure;
        }
        catch (Exception ex) when (ex is CommandFailedException or IOException or UnauthorizedAccessException or System.Data.Common.DbException or Audit.AuditStoreUnavailableException)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return Failure;
        }
    }

    /// <summary>The server, built exactly as it serves but never started: same configuration, same database, same routes.</summary>
    public static WebApplication BuildHost() =>
        // Framework logs would bury the one line of output a script reads.
        (s_buildServer ?? throw new InvalidOperationException("The command line runs from Program, which hands it the server."))
            ([], builder => builder.Logging.ClearProviders());
}

/// <summary>A command failed for a reason the user can act on; the message is printed as is.</summary>
internal sealed class CommandFailedException(string message) : Exception(message);
