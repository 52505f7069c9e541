using System.CommandLine;
using System.Globalization;
using System.Text;
using JwtIssuer.Configuration;
using JwtIssuer.Keys;
using JwtIssuer.Server.Comm100;
using JwtIssuer.Server.Configuration;
using Microsoft.Extensions.Options;

namespace JwtIssuer.Server.Commands;

/// <summary>
/// <c>comm100 setup [--consumer NAME] [--base-url URL] [--show-secret]</c>: everything that goes into Comm100's Control
/// Panel for one consumer, in one place. Comm100's fields, as its article "How to enable JWT SSO for agents" names
/// them: the remote login URL, the (optional) remote logout URL, and the JWT certificate.
/// </summary>
internal static class Comm100Commands
{
    public static Command Create()
    {
        var consumer = new Option<string?>("--consumer") { Description = "The consumer to set up (default: the only one configured)." };
        var baseUrl = new Option<string?>("--base-url") { Description = "This service's public URL (default: JwtIssuer:Issuer)." };
        var showSecret = new Option<bool>("--show-secret") { Description = "Print an HS256 secret itself (otherwise: where it is kept)." };

        var setup = new Command("setup", "Print what goes into Comm100's Control Panel for a consumer; no secret unless asked.") { consumer, baseUrl, showSecret };
        setup.SetAction(async (parse, ct) =>
        {
            await using var app = CommandLine.BuildHost();
            if (ConfigurationCheck.Failures(app) is { Count: > 0 } failures)
            {
                throw new OptionsValidationException("configuration", typeof(JwtIssuerOptions), failures);
            }

            var issuer = app.Services.GetRequiredService<IssuerModel>();
            var chosen = Choose(issuer, parse.GetValue(consumer));
            var service = BaseUrl(parse.GetValue(baseUrl) ?? issuer.Issuer);
            Console.Write(Describe(chosen, service, parse.GetValue(showSecret)));
            if (parse.GetValue(showSecret) && chosen.Key.Algorithm == SigningAlgorithms.HS256)
            {
                await Console.Error.WriteLineAsync("warning: the HS256 secret is printed above; clear the terminal's history if others can read it.");
            }

            return CommandLine.Success;
        });

        return new Command("comm100", "Set up Comm100 Agent SSO.") { setup };
    }

    private static ConsumerModel Choose(IssuerModel issuer, string? name)
    {
        var known = string.Join(", ", issuer.Consumers.Keys);
        if (name is null)
        {
            var comm100 = issuer.Consumers.Values.Where(c => c.Profile == ConsumerProfile.Comm100).ToList();
            return comm100.Count == 1
                ? comm100[0]
                : throw new CommandFailedException(comm100.Count == 0
                    ? $"no Comm100 consumer is configured ({known}); for another product run 'jwt-issuer consumer setup NAME'"
                    : $"several consumers are configured ({known}); name one with --consumer");
        }

        var consumer = issuer.Consumers.TryGetValue(name, out var found)
            ? found
            : throw new CommandFailedException($"no consumer named '{name}' (configured: {known})");
        return consumer.Profile != ConsumerProfile.Comm100
            ? throw new CommandFailedException($"consumer '{consumer.Name}' is a {consumer.Profile} consumer: run 'jwt-issuer consumer setup {consumer.Name}'")
            : Comm100Setup.Accepts(consumer)
            ? consumer
            : throw new CommandFailedException($"consumer '{consumer.Name}' signs with {consumer.Key.Algorithm}, which Comm100 does not accept (it takes HS256 or RS256)");
    }

    internal static Uri BaseUrl(string url) =>
        ConfiguredUrl.Parse(url) is { Query.Length: 0, Fragment.Length: 0 } uri
            ? uri
            : throw new CommandFailedException($"'{url}' is not this service's public URL: use {ConfiguredUrl.Rule}, with no query (JwtIssuer:Issuer, or --base-url)");

    internal static string Describe(ConsumerModel consumer, Uri service, bool showSecret)
    {
        var setup = Comm100Setup.For(consumer, service, showSecret);
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Comm100 Agent SSO for consumer '{setup.Consumer}'.");
        text.AppendLine("In Comm100's Control Panel: Global Settings > Security > Agent Single Sign-On, choose JWT, and enter:");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"  Remote login URL (JWT Authentication URL):  {setup.LoginUrl}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  Remote logout URL (JWT Logout URL):         {setup.LogoutUrl}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  JWT Certificate ({setup.Algorithm}):");
        text.AppendLine();
        text.AppendLine(setup.PublicKeyPem ?? setup.Secret
            ?? $"  the HS256 secret: paste the exact text kept in {setup.SecretSource}. (Run with --show-secret to print it here.)");
        text.AppendLine();
        text.AppendLine("Comm100 sends agents back to these consumer URLs, which this service allows:");
        foreach (var url in setup.RedirectUrls)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {url}");
        }

        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Tokens: {setup.Algorithm} with key id (kid) '{setup.KeyId}'; audience '{setup.Audience}'; subject '{setup.Subject}'; lifetime {setup.Lifetime}.");
        text.AppendLine("Comm100 signs agents in by the token's email claim.");
        if (setup.PublicKeyFingerprint is { } fingerprint)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Public key SHA-256: {fingerprint} (as `jwt-issuer config check` prints it).");
        }
        text.AppendLine();
        text.AppendLine("Checklist:");
        text.AppendLine("  1. Paste the two URLs and the certificate above into Comm100, and turn Agent SSO on.");
        text.AppendLine("  2. Each Comm100 agent's email is a user here: jwt-issuer users add EMAIL (or through your identity provider).");
        text.AppendLine("  3. jwt-issuer config check passes, and the server is reachable at the URLs above over HTTPS.");
        text.AppendLine("  4. Sign in as an agent, open /console (Console:Url or Console:Sdk:*), and see Comm100 signed in.");
        return text.ToString();
    }
}
