using System.Net;
using System.Text.RegularExpressions;
using JwtIssuer.Server.Audit;
using JwtIssuer.Server.Data;
using JwtIssuer.Server.Users;
using JwtIssuer.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static JwtIssuer.Tests.Infrastructure.JwtIssuerApplication;

namespace JwtIssuer.Tests.Admin;

/// <summary>
/// The admin area through HTTP as a browser uses it: who gets in, every action and what it does to the agent's
/// tokens, the audit event naming the admin, the last-admin guard, and the pages' framing and freshness rules.
/// </summary>
public abstract partial class AdminAreaTests(string provider) : IDisposable
{
    private const string AdminEmail = "admin@example.com";
    private const string AgentEmail = "agent@example.com";
    private const string AdminActor = $"admin ({AdminEmail})";

    private static readonly string[] Pages = ["/admin", "/admin/audit", "/admin/setup"];

    private readonly JwtIssuerApplication _app = new(provider);

    public void Dispose() => _app.Dispose();

    private async Task<HttpClient> SignedInAdminAsync()
    {
        await _app.CreateUserAsync(AdminEmail, name: "Ann Admin");
        await _app.UpdateUserAsync(AdminEmail, user => user.IsAdmin = true);
        return await _app.CreateSignedInClientAsync(AdminEmail);
    }

    /// <summary>Presses an action's button on the agent's page (antiforgery token from that page).</summary>
    private static async Task<HttpResponseMessage> ActAsync(HttpClient client, string agentId, string handler)
    {
        var path = $"/admin/agents/{agentId}";
        var token = await AntiforgeryTokenAsync(client, path);
        return await client.PostAsync($"{path}?handler={handler}", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
    }

    private async Task<AuditEvent> LastUserEventAsync() => (await _app.AuditEventsAsync(AuditEventTypes.User))[^1];

    [Fact]
    public async Task AnonymousVisitorsAreSentToTheLoginPageAndBack()
    {
        var client = _app.CreateBrowserClient();
        foreach (var path in Pages.Append("/admin/agents/anything"))
        {
            var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal($"/login?ReturnUrl={Uri.EscapeDataString(path)}", response.Headers.Location!.PathAndQuery);
        }
    }

    [Fact]
    public async Task AnAgentWhoIsNotAnAdminGets403OnEveryPageAndAction()
    {
        var agent = await _app.CreateUserAsync(AgentEmail);
        var client = await _app.CreateSignedInClientAsync(AgentEmail);
        foreach (var path in Pages.Append($"/admin/agents/{agent.Id}"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync(path)).StatusCode);
        }

        // A form post with a valid antiforgery token of this session (from the home page) is refused all the same.
        var token = await AntiforgeryTokenAsync(client, "/");
        var post = await client.PostAsync($"/admin/agents/{agent.Id}?handler=GrantAdmin", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
        Assert.False((await _app.FindUserAsync(AgentEmail)).IsAdmin);
    }

    [Fact]
    public async Task AnAdminWhoIsDisabledOrDemotedIsRefusedAtTheNextRequest()
    {
        var client = await SignedInAdminAsync();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/admin")).StatusCode);

        await _app.UpdateUserAsync(AdminEmail, user => user.IsAdmin = false);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/admin")).StatusCode);
        await _app.UpdateUserAsync(AdminEmail, user => (user.IsAdmin, user.IsDisabled) = (true, true));
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/admin")).StatusCode);
    }

    [Fact]
    public async Task AdminPagesAreNeverFramedNotEvenTheirErrorPages()
    {
        var client = await SignedInAdminAsync();
        // As a browser asks: error answers are then pages, not problem+json.
        client.DefaultRequestHeaders.Accept.ParseAdd("text/html");
        var self = await _app.FindUserAsync(AdminEmail);
        foreach (var path in Pages.Append($"/admin/agents/{self.Id}"))
        {
            AssertNeverFramed(await client.GetAsync(path), HttpStatusCode.OK);
        }

        // A refused form and a non-admin's 403 are error pages of the admin area: not framed either.
        AssertNeverFramed(await client.PostAsync($"/admin/agents/{self.Id}?handler=SignOut", new FormUrlEncodedContent([])), HttpStatusCode.BadRequest);
        await _app.CreateUserAsync(AgentEmail);
        var agent = await _app.CreateSignedInClientAsync(AgentEmail);
        agent.DefaultRequestHeaders.Accept.ParseAdd("text/html");
        AssertNeverFramed(await agent.GetAsync("/admin"), HttpStatusCode.Forbidden);
    }

    private static void AssertNeverFramed(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        var csp = string.Join(" ", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
    }

    [Fact]
    public async Task AnActionPostedWithoutTheAntiforgeryTokenOrToNoHandlerChangesNothing()
    {
        var admin = await SignedInAdminAsync();
        var agent = await _app.CreateUserAsync(AgentEmail);
        var forged = await admin.PostAsync($"/admin/agents/{agent.Id}?handler=GrantAdmin", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = "forged" }));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.False((await _app.FindUserAsync(AgentEmail)).IsAdmin);

        var token = await AntiforgeryTokenAsync(admin, $"/admin/agents/{agent.Id}");
        foreach (var path in new[] { $"/admin/agents/{agent.Id}", $"/admin/agents/{agent.Id}?handler=Nothing", "/admin/setup", "/admin/audit?handler=Nothing" })
        {
            var response = await admin.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        Assert.Empty(await _app.AuditEventsAsync(AuditEventTypes.User));
    }

    [Fact]
    public async Task AStaleAdminSessionsPostChangesNothing()
    {
        var admin = await SignedInAdminAsync();
        var agent = await _app.CreateUserAsync(AgentEmail);
        var token = await AntiforgeryTokenAsync(admin, $"/admin/agents/{agent.Id}");
        _app.Time.Advance(TimeSpan.FromMinutes(61));

        var response = await admin.PostAsync($"/admin/agents/{agent.Id}?handler=Disable", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login", response.Headers.Location!.AbsolutePath);
        Assert.False((await _app.FindUserAsync(AgentEmail)).IsDisabled);
    }

    [Fact]
    public async Task TwoAdminsDemotingEachOtherAtOnceLeaveOneAdmin()
    {
        var first = await SignedInAdminAsync();
        var second = await _app.CreateUserAsync("second@example.com");
        await _app.UpdateUserAsync("second@example.com", user => user.IsAdmin = true);
        var secondClient = await _app.CreateSignedInClientAsync("second@example.com");
        var firstUser = await _app.FindUserAsync(AdminEmail);

        // Each presses "Revoke admin" on the other, at the same moment; the check and the change are one step.
        var tokens = await Task.WhenAll(AntiforgeryTokenAsync(first, $"/admin/agents/{second.Id}"), AntiforgeryTokenAsync(secondClient, $"/admin/agents/{firstUser.Id}"));
        var responses = await Task.WhenAll(
            first.PostAsync($"/admin/agents/{second.Id}?handler=RevokeAdmin", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = tokens[0] })),
            secondClient.PostAsync($"/admin/agents/{firstUser.Id}?handler=RevokeAdmin", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = tokens[1] })));

        var admins = new[] { await _app.FindUserAsync(AdminEmail), await _app.FindUserAsync("second@example.com") }.Count(user => user.IsAdmin);
        Assert.Equal(1, admins);
        // The other is refused: by the guard (409) when both were admins as it checked, or by the gate (403) when the
        // winner's change had committed before its request began. Never both done.
        var codes = responses.Select(response => response.StatusCode).Order().ToList();
        Assert.Equal(HttpStatusCode.OK, codes[0]);
        Assert.Contains(codes[1], new[] { HttpStatusCode.Conflict, HttpStatusCode.Forbidden });
    }

    [Fact]
    public async Task AnAdminSignedInLongerThanSessionMaxAgeSignsInAgainThoughTheSessionLives()
    {
        var client = await SignedInAdminAsync();
        _app.Time.Advance(TimeSpan.FromMinutes(59));
        // The cookie is renewed by the security stamp check meanwhile; a renewal is not a sign-in.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/admin")).StatusCode);
        _app.Time.Advance(TimeSpan.FromMinutes(2));

        var response = await client.GetAsync("/admin/audit");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/login?ReturnUrl=", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        // Still an agent's session for tokens; only the admin area wants a fresh sign-in.
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync(JwtUrl(Comm100Url))).StatusCode);
        Assert.StartsWith(Comm100Url, (await client.GetAsync(JwtUrl(Comm100Url))).Headers.Location!.OriginalString, StringComparison.Ordinal);

        await PostLoginAsync(client, AdminEmail, DefaultPassword);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/admin/audit")).StatusCode);
    }

    [Fact]
    public async Task DisablingAnAgentStopsTheirTokensWithinTheStatusBoundAndNamesTheAdmin()
    {
        var admin = await SignedInAdminAsync();
        var agent = await _app.CreateUserAsync(AgentEmail);
        var agentClient = await _app.CreateSignedInClientAsync(AgentEmail);
        Assert.Equal(HttpStatusCode.Redirect, (await agentClient.GetAsync(JwtUrl(Comm100Url))).StatusCode);

        var response = await ActAsync(admin, agent.Id, "Disable");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("disabled", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        _app.Time.Advance(UserStatusSnapshot.MaxAge);
        Assert.Equal(HttpStatusCode.Forbidden, (await agentClient.GetAsync(JwtUrl(Comm100Url))).StatusCode);
        var change = await LastUserEventAsync();
        Assert.Equal((AuditOutcomes.UserDisabled, AgentEmail, AdminActor), (change.Outcome, change.Email, change.Actor));

        Assert.Equal(HttpStatusCode.OK, (await ActAsync(admin, agent.Id, "Enable")).StatusCode);
        Assert.False((await _app.FindUserAsync(AgentEmail)).IsDisabled);
        Assert.Equal((AuditOutcomes.UserEnabled, AdminActor), ((await LastUserEventAsync()).Outcome, (await LastUserEventAsync()).Actor));
    }

    [Fact]
    public async Task SignOutEverywhereEndsTheAgentsSessionsOnTheirNextToken()
    {
        var admin = await SignedInAdminAsync();
        var agent = await _app.CreateUserAsync(AgentEmail);
        var agentClient = await _app.CreateSignedInClientAsync(AgentEmail);

        Assert.Equal(HttpStatusCode.OK, (await ActAsync(admin, agent.Id, "SignOut")).StatusCode);
        _app.Time.Advance(UserStatusSnapshot.MaxAge);
        var response = await agentClient.GetAsync(JwtUrl(Comm100Url));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login", response.Headers.Location!.AbsolutePath);
        Assert.Equal(AuditOutcomes.UserSignedOutEverywhere, (await LastUserEventAsync()).Outcome);
    }

    [Fact]
    public async Task UnlockEndsALockoutAndUnlinkForgetsTheProvider()
    {
        var admin = await SignedInAdminAsync();
        var agent = await _app.CreateUserAsync(AgentEmail);
        await _app.UpdateUserAsync(AgentEmail, user => user.LockoutEnd = DateTimeOffset.UtcNow.AddMinutes(10));
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<User>>();
            var user = await users.FindByEmailAsync(AgentEmail);
            Assert.True((await users.AddLoginAsync(user!, new Microsoft.AspNetCore.Identity.UserLoginInfo("https://idp.example", "subject-1", "Example SSO"))).Succeeded);
        }

        var page = await (await admin.GetAsync($"/admin/agents/{agent.Id}")).Content.ReadAsStringAsync();
        Assert.Contains("locked until", page, StringComparison.Ordinal);
        Assert.Contains("Example SSO", page, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await ActAsync(admin, agent.Id, "Unlock")).StatusCode);
        Assert.Null((await _app.FindUserAsync(AgentEmail)).LockoutEnd);
        Assert.Equal(AuditOutcomes.UserUnlocked, (await LastUserEventAsync()).Outcome);
        Assert.Equal(HttpStatusCode.Redirect, (await PostLoginAsync(_app.CreateBrowserClient(), AgentEmail, DefaultPassword)).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await ActAsync(admin, agent.Id, "Unlink")).StatusCode);
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            Assert.Empty(await scope.ServiceProvider.GetRequiredService<JwtIssuerDbContext>().UserLogins.Where(login => login.UserId == agent.Id).ToListAsync());
        }

        var unlinked = await LastUserEventAsync();
        Assert.Equal((AuditOutcomes.UserUnlinked, AdminActor), (unlinked.Outcome, unlinked.Actor));
        Assert.Contains("subject-1", unlinked.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GrantAndRevokeAdminAndTheLastActiveAdminCannotBeDemotedDisabledOrRemoved()
    {
        var admin = await SignedInAdminAsync();
        var self = await _app.FindUserAsync(AdminEmail);
        foreach (var handler in new[] { "RevokeAdmin", "Disable", "Remove" })
        {
            var refused = await ActAsync(admin, self.Id, handler);
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            Assert.Contains("last active admin", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var stillAdmin = await _app.FindUserAsync(AdminEmail);
        Assert.True(stillAdmin.IsAdmin && !stillAdmin.IsDisabled);

        var agent = await _app.CreateUserAsync(AgentEmail);
        Assert.Equal(HttpStatusCode.OK, (await ActAsync(admin, agent.Id, "GrantAdmin")).StatusCode);
        Assert.True((await _app.FindUserAsync(AgentEmail)).IsAdmin);
        Assert.Equal((AuditOutcomes.UserAdminGranted, AgentEmail, AdminActor), ((await LastUserEventAsync()).Outcome, (await LastUserEventAsync()).Email, (await LastUserEventAsync()).Actor));
        // The new admin can use the area at once, as an agent too.
        var second = await _app.CreateSignedInClientAsync(AgentEmail);
        Assert.Equal(HttpStatusCode.OK, (await second.GetAsync("/admin")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await second.GetAsync(JwtUrl(Comm100Url))).StatusCode);

        // With another active admin, the first may step down.
        Assert.Equal(HttpStatusCode.OK, (await ActAsync(admin, self.Id, "RevokeAdmin")).StatusCode);
        Assert.Equal(AuditOutcomes.UserAdminRevoked, (await LastUserEventAsync()).Outcome);
        Assert.Equal(HttpStatusCode.Forbidden, (await admin.GetAsync("/admin")).StatusCode);
    }

    [Fact]
    public async Task RemoveDeletesTheAgentAndKeepsTheirEvents()
    {
        var admin = await SignedInAdminAsync();
        var agent = await _app.CreateUserAsync(AgentEmail);
        var agentClient = await _app.CreateSignedInClientAsync(AgentEmail);
        Assert.Equal(HttpStatusCode.Redirect, (await agentClient.GetAsync(JwtUrl(Comm100Url))).StatusCode);

        var response = await ActAsync(admin, agent.Id, "Remove");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/admin?removed=1", response.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/admin/agents/{agent.Id}")).StatusCode);
        _app.Time.Advance(UserStatusSnapshot.MaxAge);
        // The agent's session names a user who is gone: sign in again, no token.
        Assert.Equal("/login", (await agentClient.GetAsync(JwtUrl(Comm100Url))).Headers.Location!.AbsolutePath);
        Assert.Contains(await _app.AuditEventsAsync(AuditEventTypes.Token), e => e.UserId == agent.Id);
        Assert.Equal((AuditOutcomes.UserRemoved, AdminActor), ((await LastUserEventAsync()).Outcome, (await LastUserEventAsync()).Actor));
    }

    [Fact]
    public async Task AddingAnAgentShowsAGeneratedPasswordOnceThatWorks()
    {
        var admin = await SignedInAdminAsync();
        var page = await AddAsync(admin, "new@example.com", "New Agent", "Generated", admin: false);
        var password = ShownOnce().Match(page).Groups[1].Value;
        Assert.Matches("^[a-z2-9]{5}-[a-z2-9]{5}-[a-z2-9]{5}-[a-z2-9]{5}$", password);

        Assert.Equal(HttpStatusCode.Redirect, (await PostLoginAsync(_app.CreateBrowserClient(), "new@example.com", password)).StatusCode);
        Assert.DoesNotContain(password, await (await admin.GetAsync("/admin")).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var added = (await _app.AuditEventsAsync(AuditEventTypes.User)).Single(e => e.Email == "new@example.com");
        Assert.Equal((AuditOutcomes.UserAdded, AdminActor), (added.Outcome, added.Actor));
        Assert.DoesNotContain(await _app.AuditEventsAsync(), e => e.Reason?.Contains(password, StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task AddingAnAgentWithoutAPasswordOrAsAnAdmin()
    {
        var admin = await SignedInAdminAsync();
        await AddAsync(admin, "sso-only@example.com", null, "None", admin: false);
        await AddAsync(admin, "second-admin@example.com", null, "None", admin: true);

        var ssoOnly = await _app.FindUserAsync("sso-only@example.com");
        Assert.Null(ssoOnly.PasswordHash);
        Assert.False(ssoOnly.IsAdmin);
        Assert.True((await _app.FindUserAsync("second-admin@example.com")).IsAdmin);

        // A duplicate is refused with the reason, and nothing changes.
        var duplicate = await AddResponseAsync(admin, "sso-only@example.com", null, "None", admin: true);
        Assert.Equal(HttpStatusCode.BadRequest, duplicate.StatusCode);
        Assert.Contains("already taken", await duplicate.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False((await _app.FindUserAsync("sso-only@example.com")).IsAdmin);
    }

    [Fact]
    public async Task TheAgentsListSearchesAndPagesAndShowsLastSignInAndLastToken()
    {
        var admin = await SignedInAdminAsync();
        await admin.GetAsync(JwtUrl(Comm100Url));
        for (var i = 0; i < 30; i++)
        {
            await _app.CreateUserAsync($"agent{i:00}@example.com", name: i == 7 ? "Zoë Seven" : "Agent");
        }

        var first = await (await admin.GetAsync("/admin")).Content.ReadAsStringAsync();
        Assert.Contains("31 agents", first, StringComparison.Ordinal);
        Assert.Contains("Page 1 of 2", first, StringComparison.Ordinal);
        Assert.Contains("agent00@example.com", first, StringComparison.Ordinal);
        Assert.DoesNotContain("agent29@example.com", first, StringComparison.Ordinal);
        var second = await (await admin.GetAsync("/admin?p=2")).Content.ReadAsStringAsync();
        Assert.Contains("agent29@example.com", second, StringComparison.Ordinal);

        var byName = await (await admin.GetAsync("/admin?q=Zo%C3%AB")).Content.ReadAsStringAsync();
        Assert.Contains("1 agent found", byName, StringComparison.Ordinal);
        Assert.Contains("agent07@example.com", byName, StringComparison.Ordinal);
        var byEmail = await (await admin.GetAsync("/admin?q=ADMIN@EXAMPLE")).Content.ReadAsStringAsync();
        Assert.Contains("1 agent found", byEmail, StringComparison.Ordinal);

        // The admin signed in and got a token: both times are shown (from the audit trail), never "never".
        var row = AdminRow().Match(byEmail).Value;
        Assert.Equal(0, Regex.Count(row, "never"));
        Assert.Contains("<td>admin</td>", row, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostileValuesAreShownAsText()
    {
        var admin = await SignedInAdminAsync();
        await _app.CreateUserAsync(AgentEmail, name: "<script>alert(1)</script>");
        var list = await (await admin.GetAsync("/admin?q=%3Cscript%3E")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("<script>alert", list, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", list, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheAuditPageFiltersPagesAndExportsCsv()
    {
        var admin = await SignedInAdminAsync();
        await _app.CreateUserAsync(AgentEmail);
        var agent = await _app.CreateSignedInClientAsync(AgentEmail);
        for (var i = 0; i < 55; i++)
        {
            await agent.GetAsync(JwtUrl(Comm100Url));
        }

        await PostLoginAsync(_app.CreateBrowserClient(), "=HYPERLINK(\"https://evil.example\")@example.com", "wrong password");

        var tokens = await (await admin.GetAsync($"/admin/audit?user={AgentEmail}&type=token")).Content.ReadAsStringAsync();
        Assert.Equal(50, Regex.Count(tokens, "<td>token</td>"));
        Assert.Contains("rel=\"next\"", tokens, StringComparison.Ordinal);
        var older = await (await admin.GetAsync($"/admin/audit?user={AgentEmail}&type=token&p=2")).Content.ReadAsStringAsync();
        Assert.Equal(5, Regex.Count(older, "<td>token</td>"));
        Assert.DoesNotContain("rel=\"next\"", older, StringComparison.Ordinal);

        var today = _app.Time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var signIns = await (await admin.GetAsync($"/admin/audit?type=sign-in&since={today}&until={today}")).Content.ReadAsStringAsync();
        Assert.Equal(3, Regex.Count(signIns, "<td>sign-in</td>"));
        var tomorrow = _app.Time.GetUtcNow().UtcDateTime.AddDays(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(0, Regex.Count(await (await admin.GetAsync($"/admin/audit?since={tomorrow}")).Content.ReadAsStringAsync(), "<td>sign-in</td>"));
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/admin/audit?since=yesterday")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/admin/audit?type=everything")).StatusCode);

        var csv = await admin.GetAsync($"/admin/audit?handler=csv&type=sign-in");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(AuditFormat.CsvHeader, lines[0]);
        Assert.Equal(4, lines.Length);
        // The hostile account name stays text in a spreadsheet.
        Assert.Contains(lines, line => line.Contains(",\"'=hyperlink(\"\"https://evil.example\"\")@example.com\",", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task TheSetupPageShowsWhatComm100NeedsButNeverASecret()
    {
        var admin = await SignedInAdminAsync();
        var page = await (await admin.GetAsync("/admin/setup")).Content.ReadAsStringAsync();
        Assert.Contains($"{Issuer}/api/jwt", page, StringComparison.Ordinal);
        Assert.Contains($"{Issuer}/api/jwt/logout", page, StringComparison.Ordinal);
        Assert.Contains(Comm100Url, page, StringComparison.Ordinal);
        Assert.Contains("-----BEGIN PUBLIC KEY-----", page, StringComparison.Ordinal);
        Assert.Contains($"{Issuer}/.well-known/jwks.json", page, StringComparison.Ordinal);
        Assert.Contains("ec (ES256)", page, StringComparison.Ordinal);
        Assert.DoesNotContain(TestKeys.HsSecret, page, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", page, StringComparison.Ordinal);
    }

    private static async Task<string> AddAsync(HttpClient client, string email, string? name, string password, bool admin)
    {
        var response = await AddResponseAsync(client, email, name, password, admin);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return body;
    }

    internal static async Task<HttpResponseMessage> AddResponseAsync(HttpClient client, string email, string? name, string password, bool admin)
    {
        var form = new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = await AntiforgeryTokenAsync(client, "/admin"),
            ["email"] = email,
            ["name"] = name ?? "",
            ["password"] = password,
        };
        if (admin)
        {
            form["admin"] = "true";
        }

        return await client.PostAsync("/admin?handler=Add", new FormUrlEncodedContent(form));
    }

    [GeneratedRegex("id=\"shown-once\" type=\"text\" readonly value=\"([^\"]+)\"")]
    internal static partial Regex ShownOnce();

    [GeneratedRegex("<tr>\\s*<td><a [^>]*>admin@example.com</a>.*?</tr>", RegexOptions.Singleline)]
    private static partial Regex AdminRow();
}

public sealed class AdminAreaTestsOnSqlite() : AdminAreaTests(TestDatabase.Sqlite);

/// <summary>The same tests on PostgreSQL.</summary>
public sealed class AdminAreaTestsOnPostgres() : AdminAreaTests(TestDatabase.Postgres);
