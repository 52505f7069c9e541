using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace JwtIssuer.Server.Telemetry;

/// <summary><c>Metrics</c>: the Prometheus scraping endpoint.</summary>
public sealed class MetricsOptions
{
    public const string SectionName = "Metrics";

    /// <summary>Serve the endpoint at all (default true).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Where Prometheus scrapes (default <c>/metrics</c>).</summary>
    public string Path { get; set; } = "/metrics";

    /// <summary>
    /// A port of its own: the server also listens there, answers only the metrics path there, and answers
    /// that path nowhere else. Unset, the endpoint is on the public listener.
    /// </summary>
    public int? Port { get; set; }
}

internal sealed class MetricsOptionsValidator(IConfiguration configuration) : IValidateOptions<MetricsOptions>
{
    public ValidateOptionsResult Validate(string? name, MetricsOptions options)
    {
        var errors = new List<string>();
        if (!options.Path.StartsWith('/') || options.Path.Length < 2 || options.Path.Contains('?', StringComparison.Ordinal))
        {
            errors.Add($"Metrics:Path '{options.Path}' is not a path. Use one such as /metrics.");
        }

        if (options.Port is < 1 or > 65535)
        {
            errors.Add($"Metrics:Port {options.Port} is out of range. Use 1-65535, or leave it unset to serve metrics on the main listener.");
        }
        // By now the addresses include the metrics port itself (TelemetrySetup added it): any other use is a clash.
        else if (options is { Enabled: true, Port: { } port } && TelemetrySetup.PublicUrls(configuration).Count(url => PortOf(url) == port) > 1)
        {
            errors.Add($"Metrics:Port {port} is also a public listening port. Use a port of its own, such as 9464.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static int? PortOf(string url)
    {
        try
        {
            return BindingAddress.Parse(url).Port;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
