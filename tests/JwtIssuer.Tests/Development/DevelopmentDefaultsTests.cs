using System.Net;
using System.Text.RegularExpressions;
using JwtIssuer.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;

namespace JwtIssuer.Tests.Development;

/// <summary>The README quickstart, automated: a fresh Development start, the demo user, and a verified token.</summary>
public sealed partial class DevelopmentDefaultsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("jwt-issuer-dev-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task FreshDevelopmentStartPrintsTheDemoPasswordOnceAndIssuesAVerifiedToken()
    {
        // A fresh clone: the server's own Development settings, an empty working directory and an empty home.
        File.Copy(Path.Combine(AppContext.BaseDirectory, "appsettings.Development.json"), Path.Combine(_directory, "appsettings.Development.json"));

        var port = ServerProcess.FreePort();
        var consumer = $"http://localhost:{port}/dev/consumer";
        var environment = new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["HOME"] = _directory,
            ["XDG_DATA_HOME"] = null,
            ["JwtIssuer__Issuer"] = $"http://localhost:{port}",
            ["JwtIssuer__Consumers__local__RedirectUrls__0"] = consumer,
            ["Console__Url"] = $"http://localhost:{port}/dev/console",
        };

        string password;
        await using (var server = await ServerProcess.StartAsync(_directory, port, environment))
        {
            password = DemoPassword().Match(server.Output).Groups[1].Value;
            Assert.NotEmpty(password);

            var cookies = new CookieContainer();
            using var client = new HttpClient(new CookieContainerHandler(cookies) { InnerHandler = new HttpClientHandler { AllowAutoRedirect = false } }) { BaseAddress = server.BaseAddress };
            var start = $"/api/jwt?redirect_url={Uri.EscapeDataString(consumer + "?relayState=demo")}";

            var toLogin = await client.GetAsync(start);
            Assert.Equal("/login", toLogin.Headers.Location!.AbsolutePath);
            var back = await JwtIssuerApplication.PostLoginAsync(client, "demo@example.com", password, start);
            Assert.Equal(start, back.Headers.Location!.OriginalString);
            var toConsumer = await client.GetAsync(start);
            Assert.StartsWith(consumer + "?relayState=demo&jwt=", toConsumer.Headers.Location!.OriginalString, StringComparison.Ordinal);
            var page = await client.GetStringAsync(toConsumer.Headers.Location);

            Assert.Contains("Token verified", page, StringComparison.Ordinal);
            Assert.Contains("demo@example.com", page, StringComparison.Ordinal);

            // /console frames the stand-in console, which starts the same journey.
            var console = await client.GetStringAsync("/console");
            Assert.Contains($"src=\"http://localhost:{port}/dev/console\"", console, StringComparison.Ordinal);
            var fromConsole = await client.GetAsync("/dev/console");
            Assert.Equal($"/api/jwt?redirect_url={Uri.EscapeDataString(consumer + "?relayState=dev-console")}", fromConsole.Headers.Location!.OriginalString);
            Assert.StartsWith(consumer + "?relayState=dev-console&jwt=", (await client.GetAsync(fromConsole.Headers.Location)).Headers.Location!.OriginalString, StringComparison.Ordinal);
        }

        var secret = Path.Combine(_directory, ".local", "share", "jwt-issuer", "development-hs256.secret");
        Assert.True(File.Exists(secret), "the Development key is kept outside the repository, in the user's data folder");
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(secret));
        }

        await using (var restarted = await ServerProcess.StartAsync(_directory, port, environment))
        {
            Assert.DoesNotContain("password:", restarted.Output, StringComparison.Ordinal);
            Assert.DoesNotContain(password, restarted.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ProductionHasNoDemoUserAndNoDevelopmentConsumer()
    {
        using var app = new JwtIssuerApplication();
        var client = app.CreateBrowserClient();

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/dev/consumer?jwt=x")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/dev/console")).StatusCode);
        var demo = await JwtIssuerApplication.PostLoginAsync(client, "demo@example.com", "anything at all");
        Assert.Equal(HttpStatusCode.OK, demo.StatusCode);
        await Assert.ThrowsAsync<InvalidOperationException>(() => app.FindUserAsync("demo@example.com"));
    }

    [GeneratedRegex(@"password: +(\S+)")]
    private static partial Regex DemoPassword();
}
