using System.Net;
using System.Text.Json;
using JwtIssuer.Tests.Infrastructure;

namespace JwtIssuer.Tests.Endpoints;

public sealed class HealthTests : IDisposable
{
    private readonly JwtIssuerApplication _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task LivenessSaysHealthyWhileTheProcessAnswers()
    {
        var response = await _app.CreateBrowserClient().GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ReadinessNamesEachCheckAndChecksOnlyWhatCanFailWhileRunning()
    {
        var response = await _app.CreateBrowserClient().GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Healthy", report.RootElement.GetProperty("status").GetString());
        // The database can go away; the signing keys cannot (a server without them never starts), so no check pretends to watch them.
        var checks = report.RootElement.GetProperty("checks").EnumerateObject().ToDictionary(check => check.Name, check => check.Value.GetString());
        Assert.Equal(new Dictionary<string, string?> { ["database"] = "Healthy" }, checks);
    }
}
