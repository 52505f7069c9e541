using System.Globalization;
using System.Net;
using System.Text.Json;
using JwtIssuer.Tests.Infrastructure;
using static JwtIssuer.Tests.Infrastructure.JwtIssuerApplication;

namespace JwtIssuer.Tests.Telemetry;

/// <summary>The <c>JwtIssuer</c> meter, as Prometheus scrapes it.</summary>
[Collection(RunsAlone.Name)]
public sealed class MetricsTests : IDisposable
{
    private const string Agent = "agent@example.com";
    private readonly JwtIssuerApplication _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task CountsTokensByConsumerAndAlgorithmRefusalsByReasonAndSignInsByResult()
    {
        await _app.CreateUserAsync(Agent);
        var client = await _app.CreateSignedInClientAsync(Agent);
        await PostLoginAsync(_app.CreateBrowserClient(), Agent, "wrong password");
        await PostLoginAsync(_app.CreateBrowserClient(), Agent, "wrong password");
        foreach (var url in new[] { Comm100Url, Comm100Url, RsaConsumerUrl })
        {
            Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync(JwtUrl(url))).StatusCode);
        }

        await client.GetAsync(JwtUrl("https://evil.example/"));
        await client.GetAsync(JwtUrl("https://user@dash11.comm100.io/api/agentSSO/jwt/Consumer"));

        var response = await _app.CreateBrowserClient().GetAsync("/metrics");
        var scrape = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(2, Sample(scrape, "jwtissuer_tokens_issued_total", "consumer=\"comm100\"", "algorithm=\"HS256\""));
        Assert.Equal(1, Sample(scrape, "jwtissuer_tokens_issued_total", "consumer=\"rsa\"", "algorithm=\"RS256\""));
        Assert.Equal(1, Sample(scrape, "jwtissuer_redirects_refused_total", "reason=\"not_allowed\""));
        Assert.Equal(1, Sample(scrape, "jwtissuer_redirects_refused_total", "reason=\"user_info\""));
        Assert.Equal(1, Sample(scrape, "jwtissuer_sign_ins_total", "result=\"succeeded\""));
        Assert.Equal(2, Sample(scrape, "jwtissuer_sign_ins_total", "result=\"failed\""));
        // ASP.NET Core's own request metrics come along.
        Assert.Contains("http_server_request_duration_seconds_bucket{", scrape, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CanBeTurnedOff()
    {
        _app.Settings["Metrics:Enabled"] = "false";

        Assert.Equal(HttpStatusCode.NotFound, (await _app.CreateBrowserClient().GetAsync("/metrics")).StatusCode);
    }

    [Fact]
    public async Task OnAPortOfItsOwnMetricsAreServedThereAloneAndTheConsoleSpeaksJson()
    {
        var metricsPort = ServerProcess.FreePort();
        var publicPort = ServerProcess.FreePort();
        var settings = DefaultSettings(_app.DataDirectory);
        settings["ASPNETCORE_ENVIRONMENT"] = "Production";
        settings["Logging:LogLevel:Default"] = "Information";
        settings["Metrics:Port"] = metricsPort.ToString(CultureInfo.InvariantCulture);
        await using var server = await ServerProcess.StartAsync(_app.DataDirectory, publicPort, settings);
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var onPublic = new Uri($"http://localhost:{publicPort}");
        var onMetrics = new Uri($"http://localhost:{metricsPort}");

        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync(new Uri(onPublic, JwtUrl("https://evil.example/")))).StatusCode);
        var scrape = await http.GetAsync(new Uri(onMetrics, "/metrics"));

        Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
        Assert.Equal(1, Sample(await scrape.Content.ReadAsStringAsync(), "jwtissuer_redirects_refused_total", "reason=\"not_allowed\""));
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri(onPublic, "/metrics"))).StatusCode);
        // The Host header is the client's to choose; what counts is the port the connection arrived on.
        using var spoofed = new HttpRequestMessage(HttpMethod.Get, new Uri(onPublic, "/metrics"));
        spoofed.Headers.Host = $"localhost:{metricsPort}";
        Assert.Equal(HttpStatusCode.NotFound, (await http.SendAsync(spoofed)).StatusCode);
        foreach (var path in new[] { "/login", "/health/ready", JwtUrl(Comm100Url), "/.well-known/jwks.json" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri(onMetrics, path))).StatusCode);
        }

        // Plain http in Production: the login page explains instead of failing.
        var plain = await http.GetAsync(new Uri(onPublic, "/login"));
        Assert.Equal(HttpStatusCode.BadRequest, plain.StatusCode);
        Assert.Contains("This page needs HTTPS", await plain.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Outside Development every console line is one JSON object.
        var lines = server.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains(lines, line => line.Contains("Now listening on", StringComparison.Ordinal));
        foreach (var line in lines)
        {
            using var entry = JsonDocument.Parse(line);
            Assert.True(entry.RootElement.TryGetProperty("Category", out _), line);
            Assert.True(entry.RootElement.TryGetProperty("Timestamp", out _), line);
        }
    }

    [Theory]
    [InlineData("Metrics:Path", "metrics", "Metrics:Path 'metrics' is not a path.")]
    [InlineData("Metrics:Port", "5123", "Metrics:Port 5123 is also a public listening port.")]
    [InlineData("Metrics:Port", "70000", "Metrics:Port 70000 is out of range.")]
    [InlineData("Metrics:Port", "not-a-port", "Failed to convert configuration value 'not-a-port' at 'Metrics:Port'")]
    public async Task BadMetricsSettingsStopStartUpWithOneLine(string key, string value, string message)
    {
        var settings = DefaultSettings(_app.DataDirectory);
        settings["urls"] = "http://127.0.0.1:5123";
        settings[key] = value;

        var result = await Cli.RunAsync(settings, null, "config", "check");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("error: " + message, result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/console", "/console")]
    [InlineData("/login/external", "/login/external/{handler?}")]
    [InlineData("/login/external/complete", "/login/external/{handler?}")]
    [InlineData("/LOGIN", "/login")]
    [InlineData("/api/jwt", "/api/jwt")]
    [InlineData("/.well-known/jwks.json", "/.well-known/jwks.json")]
    [InlineData("/health/ready", "/health/ready")]
    public async Task AMetricsPathThatAPageOrEndpointUsesIsRefused(string path, string route)
    {
        var settings = DefaultSettings(_app.DataDirectory);
        settings["Metrics:Path"] = path;

        var check = await Cli.RunAsync(settings, null, "config", "check");

        Assert.Equal(1, check.ExitCode);
        Assert.Contains($"error: Metrics:Path '{path}' is the route of one of the server's own pages or endpoints ({route}).", check.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheServerDoesNotStartWithAMetricsPathThatTakesOverAPage()
    {
        var settings = DefaultSettings(_app.DataDirectory);
        settings["Metrics:Path"] = "/console";
        settings["urls"] = $"http://127.0.0.1:{ServerProcess.FreePort()}";

        var serve = await Cli.RunAsync(settings, null);

        Assert.Equal(1, serve.ExitCode);
        Assert.Contains("error: Metrics:Path '/console' is the route of one of the server's own pages or endpoints (/console).", serve.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", serve.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMetricsPathOfItsOwnIsServedThere()
    {
        _app.Settings["Metrics:Path"] = "/internal/prometheus";
        var client = _app.CreateBrowserClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/internal/prometheus")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/metrics")).StatusCode);
    }

    /// <summary>The value of the one sample of <paramref name="metric"/> carrying all of <paramref name="labels"/>.</summary>
    internal static double Sample(string scrape, string metric, params string[] labels)
    {
        var line = Assert.Single(
            scrape.Split('\n'),
            line => line.StartsWith(metric + "{", StringComparison.Ordinal) && labels.All(label => line.Contains(label, StringComparison.Ordinal)));
        return double.Parse(line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }
}
