using System.Globalization;
using JwtIssuer.Configuration;
using JwtIssuer.Diagnostics;
using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.Routing.Template;
using OpenTelemetry.Metrics;

namespace JwtIssuer.Server.Telemetry;

internal static class TelemetrySetup
{
    /// <summary>
    /// OpenTelemetry metrics: the <c>JwtIssuer</c> meter, ASP.NET Core's request and connection meters and the
    /// runtime's, exported for Prometheus.
    /// </summary>
    public static WebApplicationBuilder AddTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.AddSettings<MetricsOptions, MetricsOptionsValidator>(builder.Configuration, MetricsOptions.SectionName);
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(JwtIssuerDiagnostics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Runtime")
            .AddPrometheusExporter());

        // Which addresses to listen on is decided before the app is built, so this one setting is read here,
        // leniently: a value that is not a port, or one the public listener uses too, is reported by the
        // configuration check (one line, no stack trace) before anything listens.
        var metrics = builder.Configuration.GetSection(MetricsOptions.SectionName);
        if (!string.Equals(metrics[nameof(MetricsOptions.Enabled)], "false", StringComparison.OrdinalIgnoreCase)
            && int.TryParse(metrics[nameof(MetricsOptions.Port)], NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            && port is > 0 and <= 65535)
        {
            builder.WebHost.UseUrls([.. PublicUrls(builder.Configuration), $"http://*:{port}"]);
        }

        return builder;
    }

    /// <summary>
    /// One JSON object per console line outside Development, for log shippers; <c>Logging:Console:FormatterName</c>
    /// still decides when set. Done in code rather than in appsettings.json, so it holds wherever the content root is.
    /// </summary>
    public static WebApplicationBuilder AddJsonConsoleOutsideDevelopment(this WebApplicationBuilder builder)
    {
        if (!builder.Environment.IsDevelopment() && string.IsNullOrEmpty(builder.Configuration["Logging:Console:FormatterName"]))
        {
            builder.Logging.AddJsonConsole(options =>
            {
                options.UseUtcTimestamp = true;
                options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }

        return builder;
    }

    /// <summary>
    /// With <c>Metrics:Port</c>, the metrics port answers the metrics path and nothing else, and no other port answers
    /// that path. First in the pipeline, so not even a static file is served there. The check is on the connection's
    /// local port, never on the Host header, which the client chooses. Settings are read when the pipeline is built.
    /// </summary>
    public static WebApplication UseMetricsPortAlone(this WebApplication app)
    {
        app.Use(next =>
        {
            var options = app.Services.GetRequiredService<IOptions<MetricsOptions>>().Value;
            if (options is not { Enabled: true, Port: { } port })
            {
                return next;
            }

            var path = new PathString(options.Path);
            return context =>
            {
                if ((context.Connection.LocalPort == port) == context.Request.Path.Equals(path, StringComparison.OrdinalIgnoreCase))
                {
                    return next(context);
                }

                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            };
        });
        return app;
    }

    /// <summary>
    /// Serves the scraping endpoint at <c>Metrics:Path</c>. After authentication and static files, just before the
    /// endpoints: the one thing it could shadow is an endpoint or page, which start-up refuses (<see cref="PathCollisions"/>).
    /// </summary>
    public static WebApplication UseMetrics(this WebApplication app)
    {
        var options = new Lazy<MetricsOptions>(() => app.Services.GetRequiredService<IOptions<MetricsOptions>>().Value);
        app.UseOpenTelemetryPrometheusScrapingEndpoint(context =>
            options.Value.Enabled && context.Request.Path.Equals(options.Value.Path, StringComparison.OrdinalIgnoreCase));
        return app;
    }

    /// <summary>
    /// The endpoints and pages whose route matches <c>Metrics:Path</c>, which the scraping endpoint would take over:
    /// derived from the application's own routes, so a route added later is covered without a list to keep.
    /// </summary>
    public static IEnumerable<string> PathCollisions(IEndpointRouteBuilder app, MetricsOptions options)
    {
        if (!options.Enabled)
        {
            return [];
        }

        return app.DataSources
            .SelectMany(source => source.Endpoints)
            .OfType<RouteEndpoint>()
            .Where(endpoint => new TemplateMatcher(new RouteTemplate(endpoint.RoutePattern), []).TryMatch(options.Path, []))
            .Select(endpoint => $"Metrics:Path '{options.Path}' is the route of one of the server's own pages or endpoints (/{endpoint.RoutePattern.RawText?.TrimStart('/')}). Use another, such as /metrics.")
            .Distinct();
    }

    /// <summary>The addresses the host would listen on by itself: <c>urls</c>, else <c>http_ports</c>/<c>https_ports</c>, else its default.</summary>
    internal static IEnumerable<string> PublicUrls(IConfiguration configuration)
    {
        const StringSplitOptions Split = StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries;
        if (configuration["urls"] is { Length: > 0 } urls)
        {
            return urls.Split(';', Split);
        }

        var ports = (configuration["http_ports"] ?? string.Empty).Split(';', Split).Select(p => $"http://*:{p}")
            .Concat((configuration["https_ports"] ?? string.Empty).Split(';', Split).Select(p => $"https://*:{p}"))
            .ToList();
        return ports.Count > 0 ? ports : ["http://localhost:5000"];
    }
}
