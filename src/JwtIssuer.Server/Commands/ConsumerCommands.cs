using System.CommandLine;
using JwtIssuer.Configuration;
using JwtIssuer.Server.Configuration;
using JwtIssuer.Server.Sso;
using Microsoft.Extensions.Options;

namespace JwtIssuer.Server.Commands;

/// <summary>
/// <c>consumer setup NAME [--base-url URL] [--show-secret]</c>: what goes into the product's settings for one consumer,
/// whatever its profile (a Comm100 consumer gets what <c>comm100 setup</c> prints).
/// </summary>
internal static class ConsumerCommands
{
    public static Command Create()
    {
        var name = new Argument<string>("name") { Description = "The consumer, as named under JwtIssuer:Consumers." };
        var baseUrl = new Option<string?>("--base-url") { Description = "This service's public URL (default: JwtIssuer:Issuer)." };
        var showSecret = new Option<bool>("--show-secret") { Description = "Print an HS256 secret itself (otherwise: where it is kept)." };

        var setup = new Command("setup", "Print what goes into the product's settings for a consumer (Comm100, Zendesk or Freshworks); no secret unless asked.") { name, baseUrl, showSecret };
        setup.SetAction(async (parse, ct) =>
        {
            await using var app = CommandLine.BuildHost();
            if (ConfigurationCheck.Failures(app) is { Count: > 0 } failures)
            {
                throw new OptionsValidationException("configuration", typeof(JwtIssuerOptions), failures);
            }

            var issuer = app.Services.GetRequiredService<IssuerModel>();
            var chosen = parse.GetValue(name)!;
            var consumer = issuer.Consumers.TryGetValue(chosen, out var found)
                ? found
                : throw new CommandFailedException($"no consumer named '{chosen}' (configured: {string.Join(", ", issuer.Consumers.Keys)})");
            var service = Comm100Commands.BaseUrl(parse.GetValue(baseUrl) ?? issuer.Issuer);
            var show = parse.GetValue(showSecret);
            Console.Write(consumer.Profile == ConsumerProfile.Comm100
                ? Comm100Commands.Describe(consumer, service, show)
                : SsoSetup.Describe(consumer, service, show));
            if (show && consumer.Key.Algorithm == Keys.SigningAlgorithms.HS256)
            {
                await Console.Error.WriteLineAsync("warning: the HS256 secret is printed above; clear the terminal's history if others can read it.");
            }

            return CommandLine.Success;
        });

        return new Command("consumer", "Set up a consumer: Comm100, Zendesk or Freshworks.") { setup };
    }
}
