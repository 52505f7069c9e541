using System.CommandLine;
using JwtIssuer.Configuration;
using JwtIssuer.Server.Configuration;
using JwtIssuer.Tokens;
using Microsoft.Extensions.Options;

namespace JwtIssuer.Server.Commands;

/// <summary><c>token verify TOKEN [--consumer NAME]</c>: what to run when Comm100 says "invalid token".</summary>
internal static class TokenCommands
{
    public static Command Create()
    {
        var token = new Argument<string>("token") { Description = "The JWT, as found in the jwt query parameter." };
        var consumer = new Option<string?>("--consumer") { Description = "Check against this consumer (default: the one the token's kid and aud point to)." };

        var verify = new Command("verify", "Verify a token with the configured keys; print its header and claims; exit 1 with the reason if invalid.") { token, consumer };
        verify.SetAction(async (parse, ct) =>
        {
            await using var app = CommandLine.BuildHost();
            if (ConfigurationCheck.Failures(app) is { Count: > 0 } failures)
            {
                throw new OptionsValidationException("configuration", typeof(JwtIssuerOptions), failures);
            }

            var result = await app.Services.GetRequiredService<TokenVerifier>().VerifyAsync(parse.GetValue(token)!, parse.GetValue(consumer));
            if (result.Header is not null)
            {
                Console.WriteLine("Header:");
                Console.WriteLine(result.Header);
                Console.WriteLine("Claims:");
                Console.WriteLine(result.Payload);
            }

            if (!result.IsValid)
            {
                throw new CommandFailedException($"invalid: {result.Reason}");
            }

            Console.WriteLine(result.Reason);
            return CommandLine.Success;
        });

        return new Command("token", "Inspect tokens.") { verify };
    }
}
