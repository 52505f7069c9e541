using System.Net;
using System.Text.Json;
using JwtIssuer.Tests.Infrastructure;
using static JwtIssuer.Tests.Infrastructure.JwtIssuerApplication;

namespace JwtIssuer.Tests.Deployment;

/// <summary>
/// The server started from a folder that is not its own, as a systemd unit without <c>WorkingDirectory</c> starts it:
/// its shipped defaults hold all the same, and it says which configuration files it read.
/// </summary>
public sealed class WorkingDirectoryTests : IDisposable
{
    private readonly string _elsewhere = Directory.CreateTempSubdirectory("jwt-issuer-cwd-").FullName;

    public void Dispose() => Directory.Delete(_elsewhere, recursive: true);

    [Fact]
    public async Task StartedFromAnEmptyFolderItKeepsItsDefaultLogLevelsAndSaysWhatItRead()
    {
        // Only what an operator sets; no logging settings, so the shipped defaults decide.
        var settings = DefaultSettings(_elsewhere).Where(setting => !setting.Key.StartsWith("Logging:", StringComparison.Ordinal)).ToDictionary();
        settings["ASPNETCORE_ENVIRONMENT"] = "Production";
        await using var server = await ServerProcess.StartAsync(_elsewhere, ServerProcess.FreePort(), settings);
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = server.BaseAddress };

        for (var request = 0; request < 5; request++)
        {
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/ready")).StatusCode);
            Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync(JwtUrl("https://evil.example/"))).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/.well-known/jwks.json")).StatusCode);
        }

        var lines = server.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .ToList();

        // No per-request lines from the framework ("Request starting", "Executing endpoint", ...).
        Assert.DoesNotContain(lines, line => line.GetProperty("Category").GetString()!.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal)
            && line.GetProperty("LogLevel").GetString() is "Information" or "Debug" or "Trace");
        // At start-up, one line says where configuration came from.
        var sources = Assert.Single(lines, line => line.GetProperty("Category").GetString() == "JwtIssuer.Server.Configuration.ConfigurationSources");
        var message = sources.GetProperty("Message").GetString()!;
        Assert.Contains($"content root {_elsewhere}", message, StringComparison.Ordinal);
        Assert.Contains($"files read: none; not found: {Path.Combine(_elsewhere, "appsettings.json")}, {Path.Combine(_elsewhere, "appsettings.Production.json")}", message, StringComparison.Ordinal);
    }
}
