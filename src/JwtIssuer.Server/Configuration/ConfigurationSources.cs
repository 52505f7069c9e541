using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.FileProviders;

namespace JwtIssuer.Server.Configuration;

/// <summary>
/// Where settings come from. The server's own defaults are built in, beneath every other source, so it behaves the
/// same wherever it is started: <c>appsettings.json</c> and <c>appsettings.{Environment}.json</c> are read from the
/// content root (the working directory unless <c>--contentRoot</c> says otherwise), and a systemd unit without a
/// <c>WorkingDirectory</c> once started a server that found neither and logged two lines per request.
/// </summary>
internal static partial class ConfigurationSources
{
    /// <summary>The shipped defaults; any configuration source overrides them.</summary>
    private static readonly Dictionary<string, string?> Defaults = new()
    {
        // The framework's per-request lines cost more than the request itself; warnings and errors stay.
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Warning",
        // The audit trail is kept in the database; its log lines are for those who ship logs and turn them on.
        ["Logging:LogLevel:JwtIssuer.Audit"] = "Warning",
    };

    /// <summary>Puts the shipped defaults beneath every configuration source already added.</summary>
    public static IHostApplicationBuilder AddShippedDefaults(this IHostApplicationBuilder builder)
    {
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = Defaults });
        return builder;
    }

    /// <summary>Logs the content root and which configuration files were read there and which were looked for in vain.</summary>
    public static void LogConfigurationSources(this WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ConfigurationSources).FullName!);
        if (!logger.IsEnabled(LogLevel.Information))
        {
            return;
        }

        // Where each file was looked for, in full: user secrets, for one, are not in the content root.
        var files = ((IConfigurationRoot)app.Configuration).Providers
            .OfType<JsonConfigurationProvider>()
            .Select(provider => provider.Source)
            .Select(source => (File: source.FileProvider?.GetFileInfo(source.Path ?? string.Empty), Where: source.FileProvider is PhysicalFileProvider physical
                ? Path.Combine(physical.Root, source.Path ?? string.Empty)
                : source.Path))
            .ToList();
        var read = files.Where(file => file.File is { Exists: true }).Select(file => file.File!.PhysicalPath ?? file.Where).ToList();
        var missing = files.Where(file => file.File is not { Exists: true }).Select(file => file.Where).ToList();
        LogSources(
            logger,
            app.Environment.ContentRootPath,
            read.Count == 0 ? "none" : string.Join(", ", read),
            missing.Count == 0 ? "none" : string.Join(", ", missing));
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Configuration: content root {ContentRoot}; files read: {FilesRead}; not found: {FilesNotFound}; then environment variables and the command line")]
    private static partial void LogSources(ILogger logger, string contentRoot, string filesRead, string filesNotFound);
}
