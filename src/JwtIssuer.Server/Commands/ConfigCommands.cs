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
            if (ConfigurationCheck.Failures(app) is { Count: > 0 } failures)
            {
                throw new OptionsValidationException("configuration", typeof(JwtIssuerOptions), failures);
            }

            var issuer = app.Services.GetRequiredService<IssuerModel>();
            Console.WriteLine($"Environment: {app.Environment.EnvironmentName}");
            Console.WriteLine($"Issuer:      {issuer.Issuer}");
            Console.WriteLine();
            Console.WriteLine("Signing keys:");
            foreach (var key in issuer.Keys.Keys)
            {
                // Sizes and public fingerprints only: secret material is never printed.
                var what = key.PublicKeyFingerprint is { } fingerprint
                    ? $"{key.KeySize} bits, public key SHA-256 {fingerprint}"
                    : $"secret, {key.KeySize / 8} bytes";
                Console.WriteLine($"  {key.Id}: {key.Algorithm}, {what}");
            }

            Console.WriteLine();
            Console.WriteLine("Consumers:");
            foreach (var (name, consumer) in issuer.Consumers)
            {
                var key = consumer.Key;
                Console.WriteLine($"  {name}: audience {consumer.Audience}, subject {consumer.Subject.Text}, " +
                    $"lifetime {consumer.Lifetime}, key {key.Id} ({key.Algorithm})");
                foreach (var url in consumer.RedirectUrls)
                {
                    Console.WriteLine($"    {url}");
                }
            }

            foreach (var warning in issuer.Warnings)
            {
                await Console.Error.WriteLineAsync($"warning: {warning}");
            }

            Console.WriteLine();
            Console.WriteLine("Configuration is valid.");
            return CommandLine.Success;
        });

        return new Command("config", "Inspect configuration.") { check };
    }
}
