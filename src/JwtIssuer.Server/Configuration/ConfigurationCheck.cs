using JwtIssuer.Server.Telemetry;
using Microsoft.Extensions.Options;

namespace JwtIssuer.Server.Configuration;

/// <summary>
/// Every configuration problem at once: the framework's start-up validation of every settings section registered to
/// be validated on start (the issuer's own compiles its model as it does), then, when the settings are valid, how
/// they fit the application's routes. Start-up and <c>config check</c> both use it, on the same application, so they
/// can never disagree; a section added later is checked with no list to update.
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

    /// <summary>The settings alone: every section validated on start.</summary>
    public static IReadOnlyList<string> Failures(IServiceProvider services)
    {
        try
        {
            services.GetRequiredService<IStartupValidator>().Validate();
            return [];
        }
        catch (OptionsValidationException ex)
        {
            return [.. ex.Failures];
        }
        catch (AggregateException ex) when (ex.InnerExceptions.All(inner => inner is OptionsValidationException))
        {
            return [.. ex.InnerExceptions.OfType<OptionsValidationException>().SelectMany(inner => inner.Failures)];
        }
        catch (InvalidOperationException ex) when (ex.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal))
        {
            // The binder's own message names the key and the type it wanted, e.g. a port that is not a number. It stops
            // the validation of the sections after it, which the next run reports.
            return [ex.Message];
        }
    }
}
