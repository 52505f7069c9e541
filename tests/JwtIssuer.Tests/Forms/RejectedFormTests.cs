using System.Net;
using System.Net.Http.Headers;
using JwtIssuer.Tests.Infrastructure;
using static JwtIssuer.Tests.Infrastructure.JwtIssuerApplication;

namespace JwtIssuer.Tests.Forms;

/// <summary>Every form post the antiforgery check refuses is answered alike: a 4xx that says why, and nothing else run.</summary>
public sealed class RejectedFormTests : IDisposable
{
    private readonly JwtIssuerApplication _app = new();

    public void Dispose() => _app.Dispose();

    [Theory]
    [InlineData("/login/external")]
    [InlineData("/login/external/complete?ReturnUrl=%2Fx")]
    [InlineData("/login/external/callback")]
    [InlineData("/logout")]
    public async Task APostRefusedAtAPageWithNoFormOfItsOwnIsAnErrorPageNeverAnotherHandler(string path)
    {
        var client = BrowserWithAntiforgeryCookie();
        await AntiforgeryTokenAsync(client);

        var response = await client.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string> { ["ReturnUrl"] = "/x" }));

        var page = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Contains("<h1>This form cannot be used</h1>", page, StringComparison.Ordinal);
        Assert.Contains("This form has expired or was not sent by this page.", page, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/login?handler=Complete")]
    [InlineData("/login?handler=")]
    public async Task ARefusedSignInShowsTheSignInFormWhateverHandlerTheQueryNames(string path)
    {
        var client = BrowserWithAntiforgeryCookie();
        await AntiforgeryTokenAsync(client);

        var response = await client.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string> { ["Email"] = "a@example.com", ["Password"] = "x" }));

        var page = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("This sign-in form has expired", page, StringComparison.Ordinal);
        Assert.Contains("<input type=\"password\"", page, StringComparison.Ordinal);
        Assert.Equal(0, _app.PasswordVerifications.Count);
    }

    private HttpClient BrowserWithAntiforgeryCookie()
    {
        var client = _app.CreateBrowserClient();
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        return client;
    }
}
