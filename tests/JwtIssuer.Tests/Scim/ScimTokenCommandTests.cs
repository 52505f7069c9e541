using System.Net;
using JwtIssuer.Server.Audit;
using JwtIssuer.Tests.Infrastructure;
using static JwtIssuer.Tests.Infrastructure.JwtIssuerApplication;

namespace JwtIssuer.Tests.Scim;

/// <summary>
/// The SCIM tokens from both places an operator makes them: <c>jwt-issuer scim token create|list|revoke</c> on the
/// server's database, and the admin area's SCIM page.
/// </summary>
public sealed class ScimTokenCommandTests : IDisposable
{
    private readonly JwtIssuerApplication _app = new();

    public void Dispose() => _app.Dispose();

    private Task<Cli.Result> RunAsync(params string[] args) => Cli.RunAsync(_app.Settings, null, args);

    [Fact]
    public async Task CreateListAndRevokeFromTheCommandLine()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await new ScimClient(_app, null).GetAsync("/Users")).Status);

        var created = await RunAsync("scim", "token", "create", "entra");
        Assert.Equal(0, created.ExitCode);
        var token = created.Stdout.Trim();
        Assert.Matches("^scim_[A-Za-z0-9_-]{43}$", token);
        Assert.Contains("shown once", created.Stderr, StringComparison.Ordinal);

        // The token opens /scim/v2, and is listed by name (never shown again), with when it was last used.
        Assert.Equal(HttpStatusCode.OK, (await new ScimClient(_app, token).GetAsync("/Users")).Status);
        var listed = await RunAsync("scim", "token", "list");
        Assert.Equal(0, listed.ExitCode);
        Assert.Matches(@"NAME\s+CREATED \(UTC\)\s+LAST USED \(UTC\)", listed.Stdout);
        Assert.Matches(@"entra\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", listed.Stdout);
        Assert.DoesNotContain(token, listed.Stdout, StringComparison.Ordinal);

        var duplicate = await RunAsync("scim", "token", "create", "entra");
        Assert.Equal((1, ""), (duplicate.ExitCode, duplicate.Stdout));
        Assert.Contains("exists already", duplicate.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, (await RunAsync("scim", "token", "create", "bad name")).ExitCode);
        Assert.Equal(2, (await RunAsync("scim", "token", "create")).ExitCode);

        var revoked = await RunAsync("scim", "token", "revoke", "entra");
        Assert.Equal((0, "Revoked SCIM token 'entra'."), (revoked.ExitCode, revoked.Stdout.Trim()));
        var again = await RunAsync("scim", "token", "revoke", "entra");
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("no SCIM token named 'entra'", again.Stderr, StringComparison.Ordinal);

        // No token left: SCIM is not there at all.
        var gone = await new ScimClient(_app, token).GetAsync("/Users");
        Assert.Equal((HttpStatusCode.NotFound, null), (gone.Status, gone.Body));

        // Making and revoking a token are in the audit trail, with who did it; the token itself is not.
        var trail = await _app.AuditEventsAsync(AuditEventTypes.ScimToken);
        Assert.Equal([("created", "token entra"), ("revoked", "token entra")], trail.Select(entry => (entry.Outcome, entry.Reason)));
        Assert.All(trail, entry => Assert.Equal($"cli ({Environment.UserName})", entry.Actor));
        var listedTrail = await RunAsync("audit", "--type", "scim-token");
        Assert.Contains("by cli (", listedTrail.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(token, listedTrail.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAdminCreatesAndRevokesTokensOnTheScimPage()
    {
        await _app.CreateUserAsync("admin@example.com");
        await _app.UpdateUserAsync("admin@example.com", user => user.IsAdmin = true);
        var admin = await _app.CreateSignedInClientAsync("admin@example.com");

        var page = await admin.GetAsync("/admin/scim");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<code id=\"tenant-url\">https://sso.example.test/scim/v2</code>", html, StringComparison.Ordinal);
        Assert.Contains("No token yet.", html, StringComparison.Ordinal);
        Assert.Equal("DENY", page.Headers.GetValues("X-Frame-Options").Single());

        var created = await PostAsync(admin, "Create", "okta");
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var token = Admin.AdminAreaTests.ShownOnce().Match(await created.Content.ReadAsStringAsync()).Groups[1].Value;
        Assert.Equal(HttpStatusCode.OK, (await new ScimClient(_app, token).GetAsync("/Users")).Status);
        Assert.DoesNotContain(token, await (await admin.GetAsync("/admin/scim")).Content.ReadAsStringAsync(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(admin, "Create", "<b>")).StatusCode);
        var revoked = await PostAsync(admin, "Revoke", "okta");
        Assert.Contains("SCIM token &#x27;okta&#x27; revoked", await revoked.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await new ScimClient(_app, token).GetAsync("/Users")).Status);

        Assert.Equal([("created", "admin (admin@example.com)"), ("revoked", "admin (admin@example.com)")],
            (await _app.AuditEventsAsync(AuditEventTypes.ScimToken)).Select(entry => (entry.Outcome, entry.Actor)));

        // Agents who are not admins get nothing here.
        await _app.CreateUserAsync("agent@example.com");
        Assert.Equal(HttpStatusCode.Forbidden, (await (await _app.CreateSignedInClientAsync("agent@example.com")).GetAsync("/admin/scim")).StatusCode);
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string handler, string name) =>
        await client.PostAsync($"/admin/scim?handler={handler}", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = await AntiforgeryTokenAsync(client, "/admin/scim"),
            ["name"] = name,
        }));
}
