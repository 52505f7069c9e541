using System.CommandLine;
using JwtIssuer.Configuration;
using JwtIssuer.Keys;
using JwtIssuer.Server.Data;
using JwtIssuer.Server.Sessions;
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
            var builder = WebApplication.CreateBuilder();
            builder.Logging.ClearProviders();
            builder.AddServerServices();
            await using var app = builder.Build();

            // Reading each options value runs its validators; every failure is reported, then exit 1.
            var failures = new List<string>();
            Collect(() => app.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value, failures);
            Collect(() => app.Services.GetRequiredService<IOptions<AgentSessionOptions>>().Value, failures);
            var issuer = Collect(() => app.Services.GetRequiredService<IOptions<JwtIssuerOptions>>().Value, failures);
            if (failures.Count > 0 || issuer is null)
            {
                throw new OptionsValidationException("configuration", typeof(JwtIssuerOptions), failures);
            }

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

    private static T? Collect<T>(Func<T> read, List<string> failures) where T : class
    {
        try
        {
            return read();
        }
        catch (OptionsValidationException ex)
        {
            failures.AddRange(ex.Failures);
            return null;
        }
    }
}
