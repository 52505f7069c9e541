using System.Net;
using System.Net.Http.Headers;
using System.Text;
using JwtIssuer.Server.SignIn.Password;
using JwtIssuer.Tests.Infrastructure;
using static JwtIssuer.Tests.Infrastructure.JwtIssuerApplication;

namespace JwtIssuer.Tests.BadInput;

/// <summary>
/// What a script, not a browser, sends to <c>POST /login</c>. Each gets a clear page with a 4xx (a well-formed
/// form with a wrong password is the one exception: the form again, 200, as for any failed sign-in), never a
/// 500, never a session, and never a password check it does not deserve.
/// </summary>
public sealed class HostileLoginInputTests : IDisposable
{
    private const string Agent = "agent@example.com";
    private readonly JwtIssuerApplication _app = new();

    public void Dispose() => _app.Dispose();

    [Theory]
    [InlineData(LoginModel.MaxEmailLength + 1, 10)]
    [InlineData(10, LoginModel.MaxPasswordLength + 1)]
    [InlineData(10_000, 10)]
    public async Task OverlongFieldsAreRefusedBeforeAnyPasswordCheck(int emailLength, int passwordLength)
    {
        await _app.CreateUserAsync(Agent);
        var client = _app.CreateBrowserClient();

        var response = await PostFormAsync(client, new()
        {
            ["Email"] = emailLength <= Agent.Length ? Agent : new string('a', emailLength - "@example.com".Length) + "@example.com",
            ["Password"] = new string('p', passwordLength),
        });

        await AssertPageAsync(response, HttpStatusCode.BadRequest, "The email or password is incorrect");
        Assert.Equal(0, _app.PasswordVerifications.Count);
    }

    [Theory]
    [InlineData(64 * 1024)]
    [InlineData(4 * 1024 * 1024)]
    public async Task AnOversizedBodyIsRefused(int size)
    {
        await _app.CreateUserAsync(Agent);
        var client = _app.CreateBrowserClient();

        var response = await PostFormAsync(client, new() { ["Email"] = Agent, ["Password"] = DefaultPassword, ["Padding"] = new string('x', size) });

        AssertRefused(response);
        Assert.Equal(0, _app.PasswordVerifications.Count);
    }

    [Fact]
    public async Task ThousandsOfFieldsAreRefused()
    {
        await _app.CreateUserAsync(Agent);
        var client = _app.CreateBrowserClient();
        var form = new Dictionary<string, string> { ["Email"] = Agent, ["Password"] = DefaultPassword };
        for (var i = 0; i < 2000; i++)
        {
            form[$"f{i}"] = "1";
        }

        AssertRefused(await PostFormAsync(client, form));
        Assert.Equal(0, _app.PasswordVerifications.Count);
    }

    [Theory]
    [InlineData("application/json", """{"Email":"agent@example.com","Password":"correct horse battery staple"}""")]
    [InlineData("text/plain", "Email=agent@example.com&Password=correct horse battery staple")]
    [InlineData("application/xml", "<login><Email>agent@example.com</Email></login>")]
    public async Task ABodyThatIsNotAFormGets415(string contentType, string body)
    {
        await _app.CreateUserAsync(Agent);
        var client = _app.CreateBrowserClient();
        await AntiforgeryTokenAsync(client);

        var response = await client.PostAsync("/login", new StringContent(body, Encoding.UTF8, contentType));

        await AssertPageAsync(response, HttpStatusCode.UnsupportedMediaType, "Sign in with the form on this page.");
        Assert.Equal(0, _app.PasswordVerifications.Count);
    }

    [Theory]
    [InlineData("Email=agent%40example.com%00&Password=x")] // the form reader refuses NUL
    [InlineData("Email=agent%40example.com&Password=%00")]
    [InlineData("Email=%00&Password=x")]
    public async Task AFormTheServerCannotDecodeGets400(string body)
    {
        await _app.CreateUserAsync(Agent);
        var client = _app.CreateBrowserClient();
        var token = Uri.EscapeDataString(await AntiforgeryTokenAsync(client));

        var response = await client.PostAsync("/login",
            new StringContent($"{body}&__RequestVerificationToken={token}", Encoding.ASCII, "application/x-www-form-urlencoded"));

        await AssertPageAsync(response, HttpStatusCode.BadRequest, "The sign-in form could not be read.");
        Assert.Equal(0, _app.PasswordVerifications.Count);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not-a-token")]
    [InlineData("CfDJ8AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task AMissingOrForgedAntiforgeryTokenWithTheCookieSentSaysTheFormExpired(string? token)
    {
        await _app.CreateUserAsync(Agent);
        var client = _app.CreateBrowserClient();
        await AntiforgeryTokenAsync(client); // the antiforgery cookie is now in the client's jar
        var form = new Dictionary<string, string> { ["Email"] = Agent, ["Password"] = DefaultPassword };
        if (token is not null)
        {
            form["__RequestVerificationToken"] = token;
        }

        var response = await client.PostAsync("/login", new FormUrlEncodedContent(form));

        await AssertPageAsync(response, HttpStatusCode.BadRequest, "This sign-in form has expired");
        Assert.Equal(0, _app.PasswordVerifications.Count);
    }

    [Fact]
    public async Task AnotherVisitorsAntiforgeryTokenIsRefused()
    {
        await _app.CreateUserAsync(Agent);
        var attacker = _app.CreateBrowserClient();
        var victim = _app.CreateBrowserClient();
        var attackersToken = await AntiforgeryTokenAsync(attacker);
        await AntiforgeryTokenAsync(victim);

        var response = await victim.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Email"] = Agent, ["Password"] = DefaultPassword, ["__RequestVerificationToken"] = attackersToken,
        }));

        await AssertPageAsync(response, HttpStatusCode.BadRequest, "This sign-in form has expired");
    }

    [Theory]
    [InlineData("Email=%FF%FE%FD&Password=x")]                       // invalid UTF-8
    [InlineData("Email=%C0%AF&Password=%ED%A0%80")]                   // overlong '/' and a lone surrogate
    [InlineData("Email=agent%40example.com%0D%0AFake: log&Password=x")] // CR LF, a log-injection attempt
    [InlineData("Email=agent%40example.com&Email=other%40example.com&Password=x")]
    [InlineData("Email=%25%25%25&Password=%")]                        // broken escapes
    [InlineData("Email[]=agent%40example.com&Password[]=x")]
    public async Task MalformedValuesInAWellFormedFormAreAnOrdinaryFailedSignIn(string body)
    {
        await _app.CreateUserAsync(Agent);
        var client = _app.CreateBrowserClient();
        var token = Uri.EscapeDataString(await AntiforgeryTokenAsync(client));

        var response = await client.PostAsync("/login",
            new StringContent($"{body}&__RequestVerificationToken={token}", Encoding.ASCII, "application/x-www-form-urlencoded"));

        var page = await response.Content.ReadAsStringAsync();
        // The form again with the one message, as for any failed sign-in (DESIGN: "Failure: same page").
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {page}");
        Assert.Contains("The email or password is incorrect", page, StringComparison.Ordinal);
        Assert.DoesNotContain("\nFake: log", page, StringComparison.Ordinal); // echoed only HTML-encoded
        AssertNoSessionCookie(response);
    }

    private static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, Dictionary<string, string> form)
    {
        form["__RequestVerificationToken"] = await AntiforgeryTokenAsync(client);
        return await client.PostAsync("/login", new FormUrlEncodedContent(form));
    }

    private static async Task AssertPageAsync(HttpResponseMessage response, HttpStatusCode status, string message)
    {
        var page = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {page}");
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(WebUtility.HtmlEncode(message), page, StringComparison.Ordinal);
        AssertNoSessionCookie(response);
    }

    private static void AssertRefused(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge,
            $"expected 400 or 413, got {(int)response.StatusCode}");
        AssertNoSessionCookie(response);
    }
}
