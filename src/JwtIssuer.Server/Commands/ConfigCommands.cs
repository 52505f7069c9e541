using System.CommandLine;
using JwtIssuer.Configuration;
using JwtIssuer.Keys;
using JwtIssuer.Server.Configuration;
using Microsoft.Extensions.Options;

namespace JwtIssuer.Server.Commands;

/// <summary><c>config check</c>: validate configuration exactly as start-up does, then show what was understood.</summary>
internal static class ConfigCommands
{
    public static Command Create()
    {
        var check = new Command("check", "Validate configuration as start-up does; print consumers and keys; exit 1 on error.");
        check.SetAction(async (parse, ct) =>
        {
            await using var app = CommandLine.BuildHost();

            if (ConfigurationCheck.Failures(app.Services) is { Count: > 0 } failures)
            {
                throw new OptionsValidationException("configuration", typeof(JwtIssuerOptions), failures);
            }

            var issuer = app.Services.GetRequiredService<IOptions<JwtIssuerOptions>>().Value;

            var keys = app.Services.GetRequiredService<SigningKeyRing>();
            Console.WriteLine($"Environment: {app.Environment.EnvironmentName}");
            Console.WriteLine($"Issuer:      {issuer.Issuer}");
            Console.WriteLine("Signing keys:");
            foreach (var id in keys.KeyIds)
            {
                var key = keys[id].Key;
                // Sizes and algorithms only; secret material is never printed.
                Console.WriteLine($"  {id,-24} {issuer.SigningKeys[id].Algorithm,-6} {key.KeySize} bits");
            }

            Console.WriteLine("Consumers:");
            foreach (var (name, consumer) in issuer.Consumers)
            {
                Console.WriteLine($"  {name}: aud={consumer.Audience} sub={consumer.Subject} key={consumer.SigningKey} " +
                    $"lifetime={consumer.TokenLifetime ?? ConsumerOptions.DefaultTokenLifetime}");
                foreach (var url in consumer.RedirectUrls)
                {
                    Console.WriteLine($"    {url}");
                }
            }

            Console.WriteLine("Configuration is valid.");
            return CommandLine.Success;
        });

        return new Command("config", "Inspect configuration.") { check };
    }
}
