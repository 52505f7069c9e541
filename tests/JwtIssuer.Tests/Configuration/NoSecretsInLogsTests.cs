using System.Net;
using System.Net.Http.Headers;
using System.Text;
using JwtIssuer.Diagnostics;
using JwtIssuer.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using static JwtIssuer.Tests.Infrastructure.JwtIssuerApplication;

namespace JwtIssuer.Tests.Configuration;

/// <summary>
/// The whole flow, good and hostile, with every category logging at Trace: no signing secret, private key,
/// password, token, session cookie or antiforgery token may appear in any log line or any page.
/// </summary>
public sealed class NoSecretsInLogsTests
{
    private const string Agent = "agent@example.com";
    private const string WrongPassword = "a wrong password, also secret";

    [Fact]
    public async Task InProcessNothingSecretReachesTheLogsOrThePages()
    {
        using var app = new JwtIssuerApplication();
        app.Settings["SignInLimits:PerAccount:PermitLimit"] = "3";
        await app.CreateUserAsync(Agent);
        await app.CreateUserAsync("disabled@example.com");
        var secrets = new Secrets();
        var pages = new StringBuilder();

        var cookies = new CookieContainer();
        var client = app.CreateBrowserClient(cookies);
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        secrets.Add(await AntiforgeryTokenAsync(client));
        Assert.Equal(HttpStatusCode.Redirect, (await PostLoginAsync(client, Agent, DefaultPassword)).StatusCode);
        foreach (Cookie cookie in cookies.GetAllCookies())
        {
            secrets.Add(cookie.Value);
        }

        foreach (var url in new[] { Comm100Url, RsaConsumerUrl, EcConsumerUrl })
        {
            secrets.AddToken(TokenAssert.TokenFrom((await client.GetAsync(JwtUrl(url + "?relayState=r"))).Headers.Location!));
        }

        // Failures and hostile input: a wrong password until throttled, an undecodable form, bad links, a refused user.
        var stranger = app.CreateBrowserClient();
        stranger.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        for (var attempt = 0; attempt < 4; attempt++)
        {
            pages.Append(await (await PostLoginAsync(stranger, Agent, WrongPassword)).Content.ReadAsStringAsync());
        }

        var token = Uri.EscapeDataString(await AntiforgeryTokenAsync(stranger));
        pages.Append(await (await stranger.PostAsync("/login", new StringContent(
            $"Email=x%00&Password={Uri.EscapeDataString(DefaultPassword)}&__RequestVerificationToken={token}",
            Encoding.ASCII, "application/x-www-form-urlencoded"))).Content.ReadAsStringAsync());
        pages.Append(await (await client.GetAsync(JwtUrl("https://evil.example/?jwt=forged"))).Content.ReadAsStringAsync());
        pages.Append(await (await client.GetAsync(JwtUrl(Comm100Url + "?jwt=forged"))).Content.ReadAsStringAsync());
        var disabled = await app.CreateSignedInClientAsync("disabled@example.com");
        await app.UpdateUserAsync("disabled@example.com", user => user.IsDisabled = true);
        app.Time.Advance(TimeSpan.FromMinutes(1));
        pages.Append(await (await disabled.GetAsync(JwtUrl(Comm100Url))).Content.ReadAsStringAsync());

        var logs = app.Logs.GetSnapshot();
        // The capture really is on, at Trace, and saw the flow (so an empty log cannot pass this test).
        Assert.Equal(3, logs.Count(record => record.Category == JwtIssuerDiagnostics.AuditCategory && record.Id.Name == "TokenIssued"));
        Assert.Contains(logs, record => record.Level == LogLevel.Trace);
        Assert.Contains(logs, record => record.Category?.StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal) == true);
        secrets.AssertNoneIn(string.Join('\n', logs.Select(Describe)), "the logs");
        secrets.AssertNoneIn(pages.ToString(), "the pages");
    }

    [Fact]
    public async Task TheRealServerConsoleAtTraceOnPostgresShowsNoSecret()
    {
        using var app = new JwtIssuerApplication(TestDatabase.Postgres);
        var settings = new Dictionary<string, string?>(app.Settings)
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_FORWARDEDHEADERS_ENABLED"] = "true",
            ["Logging:LogLevel:Default"] = "Trace",
            ["Logging:LogLevel:Microsoft"] = "Trace",
        };
        Assert.Equal(0, (await Cli.RunAsync(settings, DefaultPassword, "users", "add", Agent, "--password-stdin")).ExitCode);
        var secrets = new Secrets();
        secrets.Add(new Npgsql.NpgsqlConnectionStringBuilder(app.Database.ConnectionString).Password!);

        await using (var server = await ServerProcess.StartAsync(app.DataDirectory, ServerProcess.FreePort(), settings))
        {
            // As behind a TLS proxy: the cookies are Secure, so this client keeps them itself.
            using var browser = new ManualCookieClient(server.BaseAddress);
            var form = await browser.GetStringAsync("/login");
            var antiforgery = WebUtility.HtmlDecode(form.Split("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"")[1].Split('"')[0]);
            secrets.Add(antiforgery);
            var failed = await browser.PostFormAsync("/login", new() { ["Email"] = Agent, ["Password"] = WrongPassword, ["__RequestVerificationToken"] = antiforgery });
            Assert.Equal(HttpStatusCode.OK, failed.StatusCode);
            var signedIn = await browser.PostFormAsync("/login", new() { ["Email"] = Agent, ["Password"] = DefaultPassword, ["__RequestVerificationToken"] = antiforgery });
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
            foreach (var url in new[] { Comm100Url, RsaConsumerUrl, EcConsumerUrl })
            {
                var issued = await browser.GetAsync(JwtUrl(url));
                Assert.Equal(HttpStatusCode.Redirect, issued.StatusCode);
                secrets.AddToken(TokenAssert.TokenFrom(issued.Headers.Location!));
            }

            foreach (var value in browser.CookieValues)
            {
                secrets.Add(value);
            }

            var output = server.Output;
            Assert.Contains("\"Category\":\"JwtIssuer.Audit\"", output, StringComparison.Ordinal);
            Assert.Contains("\"LogLevel\":\"Trace\"", output, StringComparison.Ordinal);
            secrets.AssertNoneIn(output, "the server's console");
        }
    }

    private static string Describe(FakeLogRecord record) =>
        $"{record.Category} {record.Message} {string.Join(' ', record.StructuredState ?? [])} {string.Join(' ', record.Scopes)} {record.Exception}";

    /// <summary>Everything that must never be written down, in each form it could be written in.</summary>
    private sealed class Secrets
    {
        private readonly List<string> _values = [];

        public Secrets()
        {
            Add(TestKeys.HsSecret);
            // The base64 body of each private key, line by line, not just its "PRIVATE KEY" label.
            foreach (var pem in new[] { TestKeys.RsaPrivatePem, TestKeys.EcPrivatePem })
            {
                _values.AddRange(pem.Split('\n').Where(line => line.Length >= 40 && !line.StartsWith("-----", StringComparison.Ordinal)));
            }

            Add(DefaultPassword);
            Add(WrongPassword);
        }

        public void Add(string secret)
        {
            Assert.False(string.IsNullOrEmpty(secret));
            _values.Add(secret);
            _values.Add(Uri.EscapeDataString(secret));
            _values.Add(secret.Replace(' ', '+'));
        }

        public void AddToken(string token)
        {
            Add(token);
            Add(token.Split('.')[2]);
        }

        public void AssertNoneIn(string text, string where)
        {
            Assert.NotEmpty(text);
            foreach (var secret in _values.Distinct())
            {
                Assert.False(text.Contains(secret, StringComparison.Ordinal), $"{where} contain a secret: {secret[..Math.Min(8, secret.Length)]}...");
            }
        }
    }

    /// <summary>
    /// An HTTP client for a plain-http server that believes it is behind a TLS proxy (X-Forwarded-Proto: https),
    /// keeping the Secure cookies a CookieContainer would hold back over http.
    /// </summary>
    private sealed class ManualCookieClient : IDisposable
    {
        private readonly HttpClient _http;
        private readonly Dictionary<string, string> _cookies = [];

        public ManualCookieClient(Uri baseAddress)
        {
            _http = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = baseAddress };
            _http.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");
        }

        public IEnumerable<string> CookieValues => _cookies.Values;

        public async Task<string> GetStringAsync(string path) => await (await GetAsync(path)).Content.ReadAsStringAsync();

        public Task<HttpResponseMessage> GetAsync(string path) => SendAsync(new HttpRequestMessage(HttpMethod.Get, path));

        public Task<HttpResponseMessage> PostFormAsync(string path, Dictionary<string, string> form) =>
            SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) });

        private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
        {
            if (_cookies.Count > 0)
            {
                request.Headers.Add("Cookie", string.Join("; ", _cookies.Select(cookie => $"{cookie.Key}={cookie.Value}")));
            }

            var response = await _http.SendAsync(request);
            foreach (var header in response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [])
            {
                var pair = header.Split(';')[0].Split('=', 2);
                _cookies[pair[0]] = pair[1];
            }

            request.Dispose();
            return response;
        }

        public void Dispose() => _http.Dispose();
    }
}
