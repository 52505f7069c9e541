using System.Net;
using JwtIssuer.Tests.Infrastructure;

namespace JwtIssuer.Tests.Layout;

/// <summary>Branding:Name and Branding:LogoUrl on every page the layout draws, as text and an image address only.</summary>
public sealed class BrandingTests : IDisposable
{
    private readonly JwtIssuerApplication _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task TheNameIsOnTheLoginPageErrorPagesAndTheTitle()
    {
        _app.Settings["Branding:Name"] = "Acme <Support>";
        var client = _app.CreateBrowserClient();

        var login = await (await client.GetAsync("/login")).Content.ReadAsStringAsync();
        Assert.Contains("<h1>Sign in to Acme &lt;Support&gt;</h1>", login, StringComparison.Ordinal);
        Assert.Contains("<title>Sign in · Acme &lt;Support&gt;</title>", login, StringComparison.Ordinal);

        using var request = new HttpRequestMessage(HttpMethod.Get, JwtIssuerApplication.JwtUrl("https://evil.example/"));
        request.Headers.Accept.ParseAdd("text/html");
        var error = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Contains("Acme &lt;Support&gt;", await error.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ALogoElsewhereIsShownAndItsOriginAloneIsAllowedForImages()
    {
        _app.Settings["Branding:LogoUrl"] = "https://cdn.example.com/acme.svg?v=\"2\"";
        var response = await _app.CreateBrowserClient().GetAsync("/login");
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains("<img src=\"https://cdn.example.com/acme.svg?v=&quot;2&quot;\" alt=\"\"", page, StringComparison.Ordinal);
        Assert.Contains("img-src 'self' https://cdn.example.com", string.Join(" ", response.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutALogoNoImageSourceIsAdded()
    {
        var response = await _app.CreateBrowserClient().GetAsync("/login");
        Assert.Contains("<span id=\"brand-name\">JwtIssuer</span>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain("img-src", string.Join(" ", response.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
    }
}
