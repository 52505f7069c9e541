using System.Net;
using JwtIssuer.Tests.Infrastructure;

namespace JwtIssuer.Tests.Endpoints;

public sealed class HealthTests : IDisposable
{
    private readonly JwtIssuerApplication _app = new();

    public void Dispose() => _app.Dispose();

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task ReportsHealthyWhenDatabaseAndKeysAreThere(string path)
    {
        var response = await _app.CreateBrowserClient().GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }
}
