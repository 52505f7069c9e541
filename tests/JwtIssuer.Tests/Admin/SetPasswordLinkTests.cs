using System.Net;
using JwtIssuer.Server.Admin;
using JwtIssuer.Server.Audit;
using JwtIssuer.Server.Data;
using JwtIssuer.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static JwtIssuer.Tests.Infrastructure.JwtIssuerApplication;

namespace JwtIssuer.Tests.Admin;

/// <summary>One-time set-password links: single use, expiring, stored as a hash, and one answer for every unusable link.</summary>
public abstract class SetPasswordLinkTests(string provider) : IDisposable
{
    private const string AdminEmail = "admin@example.com";
    private const string AgentEmail = "agent@example.com";
    private const string NewPassword = "a brand new passphrase";
    private const string Unusable = "This link cannot be used";

    private readonly JwtIssuerApplication _app = new(provider);

    public void Dispose() => _app.Dispose();

    private async Task<HttpClient> SignedInAdminAsync()
    {
        await _app.CreateUserAsync(AdminEmail);
        await _app.UpdateUserAsync(AdminEmail, user => user.IsAdmin = true);
        return await _app.CreateSignedInClientAsync(AdminEmail);
    }

    /// <summary>The admin adds the agent with a link; the link's path and query.</summary>
    private static async Task<string> AddWithLinkAsync(HttpClient admin, string email = AgentEmail)
    {
        var response = await admin.PostAsync("/admin?handler=Add", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = await AntiforgeryTokenAsync(admin, "/admin"),
            ["email"] = email,
            ["password"] = "Link",
        }));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        var link = new Uri(WebUtility.HtmlDecode(AdminAreaTests.ShownOnce().Match(body).Groups[1].Value));
        Assert.Equal($"{Issuer}/set-password", link.GetLeftPart(UriPartial.Path));
        return link.PathAndQuery;
    }

    private static async Task<HttpResponseMessage> ChooseAsync(HttpClient client, string link, string password, string? repeated = null)
    {
        var token = await AntiforgeryTokenAsync(client, link);
        return await client.PostAsync("/set-password", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["Token"] = link[(link.IndexOf("token=", StringComparison.Ordinal) + 6)..],
            ["Password"] = password,
            ["ConfirmPassword"] = repeated ?? password,
        }));
    }

    [Fact]
    public async Task TheAgentChoosesAPasswordIsSignedInAndTheLinkIsSpent()
    {
        var link = await AddWithLinkAsync(await SignedInAdminAsync());
        var agent = _app.CreateBrowserClient();
        var page = await agent.GetAsync(link);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains(AgentEmail, await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var chosen = await ChooseAsync(agent, link, NewPassword);
        Assert.Equal(HttpStatusCode.Redirect, chosen.StatusCode);
        Assert.Equal("/", chosen.Headers.Location!.OriginalString);
        // Signed in: a token at once.
        Assert.StartsWith(Comm100Url, (await agent.GetAsync(JwtUrl(Comm100Url))).Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await PostLoginAsync(_app.CreateBrowserClient(), AgentEmail, NewPassword)).StatusCode);

        // Used: the same page as any unusable link.
        var again = await _app.CreateBrowserClient().GetAsync(link);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Contains(Unusable, await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var events = await _app.AuditEventsAsync();
        Assert.Contains(events, e => e.Type == AuditEventTypes.User && e.Outcome == AuditOutcomes.UserPasswordLinkCreated && e.Actor == $"admin ({AdminEmail})");
        Assert.Contains(events, e => e.Type == AuditEventTypes.User && e.Outcome == AuditOutcomes.UserPasswordSet && e.Email == AgentEmail);
        Assert.Contains(events, e => e.Type == AuditEventTypes.SignIn && e.Reason == "set-password link" && e.Email == AgentEmail);
    }

    [Fact]
    public async Task OnlyTheHashIsStored()
    {
        var link = await AddWithLinkAsync(await SignedInAdminAsync());
        var secret = link[(link.IndexOf("token=", StringComparison.Ordinal) + 6)..];
        await using var scope = _app.Services.CreateAsyncScope();
        var stored = await scope.ServiceProvider.GetRequiredService<JwtIssuerDbContext>().SetPasswordLinks.AsNoTracking().SingleAsync();
        Assert.NotEqual(secret, stored.Id);
        Assert.Equal(Server.SignIn.PasswordLinks.SetPasswordLink.Hash(secret), stored.Id);
        Assert.DoesNotContain(await _app.AuditEventsAsync(), e => e.Reason?.Contains(secret, StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task ExpiredForgedAndMalformedLinksGetTheSameAnswer()
    {
        _app.Settings["Admin:SetPasswordLinkLifetime"] = "02:00:00";
        var link = await AddWithLinkAsync(await SignedInAdminAsync());
        var client = _app.CreateBrowserClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(link)).StatusCode);

        var forged = link[..^4] + (link[^4..] == "AAAA" ? "BBBB" : "AAAA");
        foreach (var path in new[] { forged, "/set-password", "/set-password?token=", "/set-password?token=%00%00", "/set-password?token=" + new string('A', 5000) })
        {
            var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Contains(Unusable, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        _app.Time.Advance(TimeSpan.FromHours(2));
        var expired = await client.GetAsync(link);
        Assert.Equal(HttpStatusCode.NotFound, expired.StatusCode);
        Assert.Contains(Unusable, await expired.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARefusedPasswordLeavesTheLinkUsable()
    {
        var link = await AddWithLinkAsync(await SignedInAdminAsync());
        var agent = _app.CreateBrowserClient();

        var tooShort = await ChooseAsync(agent, link, "short");
        Assert.Equal(HttpStatusCode.BadRequest, tooShort.StatusCode);
        Assert.Contains("at least 12", await tooShort.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var mismatch = await ChooseAsync(agent, link, NewPassword, "another passphrase!");
        Assert.Equal(HttpStatusCode.BadRequest, mismatch.StatusCode);

        Assert.Equal(HttpStatusCode.Redirect, (await ChooseAsync(agent, link, NewPassword)).StatusCode);
    }

    [Fact]
    public async Task AResetLinkReplacesTheLastAndTheOldPasswordWorksUntilItIsUsed()
    {
        var admin = await SignedInAdminAsync();
        var user = await _app.CreateUserAsync(AgentEmail);
        string Reset(string body) => new Uri(WebUtility.HtmlDecode(AdminAreaTests.ShownOnce().Match(body).Groups[1].Value)).PathAndQuery;
        async Task<string> ResetAsync()
        {
            var token = await AntiforgeryTokenAsync(admin, $"/admin/agents/{user.Id}");
            var response = await admin.PostAsync($"/admin/agents/{user.Id}?handler=ResetPassword", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return Reset(await response.Content.ReadAsStringAsync());
        }

        var first = await ResetAsync();
        var second = await ResetAsync();
        Assert.NotEqual(first, second);
        Assert.Equal(HttpStatusCode.NotFound, (await _app.CreateBrowserClient().GetAsync(first)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await PostLoginAsync(_app.CreateBrowserClient(), AgentEmail, DefaultPassword)).StatusCode);

        Assert.Equal(HttpStatusCode.Redirect, (await ChooseAsync(_app.CreateBrowserClient(), second, NewPassword)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostLoginAsync(_app.CreateBrowserClient(), AgentEmail, DefaultPassword)).StatusCode);
    }

    [Fact]
    public async Task ALinkForAnAgentSinceDisabledOpensNothing()
    {
        var link = await AddWithLinkAsync(await SignedInAdminAsync());
        await _app.UpdateUserAsync(AgentEmail, user => user.IsDisabled = true);
        Assert.Equal(HttpStatusCode.NotFound, (await _app.CreateBrowserClient().GetAsync(link)).StatusCode);
    }

    [Fact]
    public async Task DisablingOrSigningOutEverywhereVoidsTheLink()
    {
        var admin = await SignedInAdminAsync();
        var link = await AddWithLinkAsync(admin);
        var agent = await _app.FindUserAsync(AgentEmail);
        foreach (var handler in new[] { "Disable", "SignOut" })
        {
            if (handler == "SignOut")
            {
                await _app.UpdateUserAsync(AgentEmail, user => user.IsDisabled = false);
                link = new Uri(WebUtility.HtmlDecode(AdminAreaTests.ShownOnce().Match(await (await PostAsync(admin, agent.Id, "ResetPassword")).Content.ReadAsStringAsync()).Groups[1].Value)).PathAndQuery;
                Assert.Equal(HttpStatusCode.OK, (await _app.CreateBrowserClient().GetAsync(link)).StatusCode);
            }

            Assert.Equal(HttpStatusCode.OK, (await PostAsync(admin, agent.Id, handler)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await _app.CreateBrowserClient().GetAsync(link)).StatusCode);
        }
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient admin, string agentId, string handler)
    {
        var token = await AntiforgeryTokenAsync(admin, $"/admin/agents/{agentId}");
        return await admin.PostAsync($"/admin/agents/{agentId}?handler={handler}", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
    }

    [Fact]
    public void TheLifetimeIsValidated() =>
        Assert.False(new AdminOptionsValidator().Validate(null, new AdminOptions { SetPasswordLinkLifetime = TimeSpan.FromSeconds(10) }).Succeeded);
}

public sealed class SetPasswordLinkTestsOnSqlite() : SetPasswordLinkTests(TestDatabase.Sqlite);

/// <summary>The same tests on PostgreSQL.</summary>
public sealed class SetPasswordLinkTestsOnPostgres() : SetPasswordLinkTests(TestDatabase.Postgres);
