using System.Globalization;
using JwtIssuer.Diagnostics;
using Microsoft.Extensions.Options;
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
        builder.Services.AddOptions<MetricsOptions>()
            .Bind(builder.Configuration.GetSection(MetricsOptions.SectionName))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<MetricsOptions>, MetricsOptionsValidator>();
        builder.Services.AddSingleton<SignInMetrics>();
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(IssuerMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Runtime")
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
    /// Serves the scraping endpoint. With <c>Metrics:Port</c>, the metrics port answers nothing else and the public
    /// listener does not answer the metrics path. The check is on the connection's local port, never on the Host
    /// header, which the client chooses.
    /// </summary>
    public static WebApplication UseMetrics(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<MetricsOptions>>().Value;
        if (!options.Enabled)
        {
            return app;
        }

        var path = new PathString(options.Path);
        var port = options.Port;
        if (port is not null)
        {
            app.Use((context, next) =>
            {
                if (context.Connection.LocalPort != port || context.Request.Path.Equals(path, StringComparison.OrdinalIgnoreCase))
                {
                    return next(context);
                }

                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            });
        }

        app.UseOpenTelemetryPrometheusScrapingEndpoint(context =>
            context.Request.Path.Equals(path, StringComparison.OrdinalIgnoreCase) && (port is null || context.Connection.LocalPort == port));
        return app;
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
