using System.Text.Json;
using JwtIssuer.Server.Data;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace JwtIssuer.Server.Health;

internal static class HealthSetup
{
    public const string LivePath = "/health/live";
    public const string ReadyPath = "/health/ready";
    private const string Ready = "ready";

    /// <summary>
    /// Readiness checks what can fail while the server runs: the database. Signing keys are not checked: they are
    /// loaded before the server listens, and a server without them never starts.
    /// </summary>
    public static IHostApplicationBuilder AddHealth(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHealthChecks()
            .AddDbContextCheck<JwtIssuerDbContext>("database", tags: [Ready]);
        return builder;
    }

    /// <summary><c>/health/live</c>: the process answers. <c>/health/ready</c>: every readiness check passes, each named in the answer.</summary>
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks(LivePath, new HealthCheckOptions { Predicate = _ => false });
        endpoints.MapHealthChecks(ReadyPath, new HealthCheckOptions { Predicate = check => check.Tags.Contains(Ready), ResponseWriter = WriteReportAsync });
        return endpoints;
    }

    /// <summary>
    /// <c>{"status":"Unhealthy","checks":{"database":"Unhealthy"}}</c>: which check failed, for whoever takes the instance
    /// out of rotation. Names and states only; an exception's message can name hosts and users, so it stays in the log.
    /// </summary>
    private static Task WriteReportAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return JsonSerializer.SerializeAsync(context.Response.Body, new ReadinessReport(
            report.Status.ToString(),
            report.Entries.ToDictionary(entry => entry.Key, entry => entry.Value.Status.ToString())), HealthJson.Default.ReadinessReport);
    }
}

internal sealed record ReadinessReport(string Status, Dictionary<string, string> Checks);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
[System.Text.Json.Serialization.JsonSerializable(typeof(ReadinessReport))]
internal sealed partial class HealthJson : System.Text.Json.Serialization.JsonSerializerContext;
