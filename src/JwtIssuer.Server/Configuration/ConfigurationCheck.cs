using JwtIssuer.Configuration;
using JwtIssuer.Keys;
using JwtIssuer.Server.AgentConsole;
using JwtIssuer.Server.Data;
using JwtIssuer.Server.Security;
using JwtIssuer.Server.Sessions;
using JwtIssuer.Server.Telemetry;
using JwtIssuer.Server.Upstream;
using Microsoft.Extensions.Options;

namespace JwtIssuer.Server.Configuration;

/// <summary>
/// Every configuration problem at once, found by reading each validated options value, importing the signing keys
/// and, on the whole application, comparing settings that name paths with its routes. Start-up and
/// <c>config check</c> both use it, on the same application, so they can never disagree.
/// </summary>
internal static class ConfigurationCheck
{
    /// <summary>The settings, then (when they are valid) how they fit the application's routes.</summary>
    public static IReadOnlyList<string> Failures(WebApplication app)
    {
        var failures = Failures(app.Services);
        return failures.Count > 0
            ? failures
            : [.. TelemetrySetup.PathCollisions(app, app.Services.GetRequiredService<IOptions<MetricsOptions>>().Value)];
    }

    /// <summary>The settings alone: every options value and every signing key.</summary>
    public static IReadOnlyList<string> Failures(IServiceProvider services)
    {
        var failures = new List<string>();
        Read<DatabaseOptions>(services, failures);
        Read<AgentSessionOptions>(services, failures);
        Read<SignInLimitOptions>(services, failures);
        Read<MetricsOptions>(services, failures);
        Read<AuthenticationSettings>(services, failures);
        Read<AgentConsoleOptions>(services, failures);
        Read(() => services.GetRequiredService<IOptions<JwtIssuerOptions>>().Value, failures);
        if (failures.Count == 0)
        {
            // Keys are checked as they are imported, and imported only from valid options.
            Read(services.GetRequiredService<SigningKeyRing>, failures);
        }

        return failures;
    }

    private static void Read<T>(IServiceProvider services, List<string> failures) where T : class =>
        Read(() => services.GetRequiredService<IOptions<T>>().Value, failures);

    private static void Read<T>(Func<T> read, List<string> failures)
    {
        try
        {
            _ = read();
        }
        catch (OptionsValidationException ex)
        {
            failures.AddRange(ex.Failures);
        }
        catch (InvalidOperationException ex) when (ex.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal))
        {
            // The binder's own message names the key and the type it wanted, e.g. a port that is not a number.
            failures.Add(ex.Message);
        }
    }
}
