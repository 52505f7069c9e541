using System.Net;
using System.Text.RegularExpressions;
using JwtIssuer.Server.Audit;
using JwtIssuer.Server.SignIn.OpenIdConnect;
using JwtIssuer.Server.Users;
using JwtIssuer.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using static JwtIssuer.Tests.Infrastructure.JwtIssuerApplication;

namespace JwtIssuer.Tests.Upstream;

/// <summary>
/// Sign-in through the company's OpenID Connect provider: a real OpenIddict server on a loopback port, the issuer in
/// process, and every hop of the browser's journey (our login page, the provider, the form post back, our callback)
/// made as a browser makes it.
/// </summary>
public sealed partial class UpstreamSignInTests
{
    private const string Agent = "agent@example.com";
    private static readonly string JwtPath = JwtUrl(Comm100Url + "?relayState=r1");

    [Fact]
    public async Task AFirstSignInCreatesTheUserAndEndsAtTheConsumerWithTheUpstreamEmail()
    {
        await using var flow = await Flow.StartAsync(CreatingUsersAtExampleCom);
        flow.Provider.NextUser = new UpstreamUser("upstream-1", Agent);

        // Comm100 sends the browser here; no session, so our login page, with the provider's button.
        var challenge = await flow.IssuerTab.GetAsync(JwtPath);
        Assert.Equal("/login", challenge.Headers.Location!.AbsolutePath);
        var login = await (await flow.IssuerTab.GetAsync(challenge.Headers.Location.PathAndQuery)).Content.ReadAsStringAsync();
        Assert.Contains("Sign in with Example SSO", login, StringComparison.Ordinal);

        await AssertSignedInAsync(await flow.SignInAsync(JwtPath));

        var issued = await flow.IssuerTab.GetAsync(JwtPath);
        Assert.Equal(HttpStatusCode.Redirect, issued.StatusCode);
        Assert.StartsWith(Comm100Url + "?relayState=r1&jwt=", issued.Headers.Location!.OriginalString, StringComparison.Ordinal);
        var verified = await TokenAssert.VerifiedAsync(TokenAssert.TokenFrom(issued.Headers.Location), TokenAssert.Hs256Key, "Comm100", flow.Issuer.Time.GetUtcNow());
        Assert.Equal(Agent, verified.GetClaim("email").Value);
        Assert.Equal("Upstream Agent", verified.GetClaim("name").Value);

        // Everything was logged at Trace; neither the client secret nor an issued token is in it.
        var token = TokenAssert.TokenFrom(issued.Headers.Location);
        Assert.DoesNotContain(flow.Issuer.Logs.GetSnapshot(), record =>
            $"{record.Message} {record.Exception}".Contains(TestIdentityProvider.ClientSecret, StringComparison.Ordinal)
            || $"{record.Message} {record.Exception}".Contains(token, StringComparison.Ordinal));

        var user = await flow.Issuer.FindUserAsync(Agent);
        Assert.Null(user.PasswordHash);
        Assert.Equal("upstream-1", Assert.Single(await flow.LoginsAsync(Agent)).ProviderKey);

        // The trail: the provider made the user and linked it, then the sign-in, then the token.
        var trail = (await flow.Issuer.AuditEventsAsync()).Select(entry => (entry.Type, entry.Outcome, entry.UserId, entry.Email, entry.Actor)).ToList();
        Assert.Equal(
        [
            ("user", "added", user.Id, Agent, "openid-connect (Example SSO)"),
            ("user", "linked", user.Id, Agent, "openid-connect (Example SSO)"),
            ("sign-in", "succeeded", user.Id, Agent, null),
            ("token", "issued", user.Id, Agent, null),
        ], trail);
    }

    [Fact]
    public async Task APreProvisionedAgentIsLinkedAndAnUnknownOneIsRefused()
    {
        await using var flow = await Flow.StartAsync();
        await flow.Issuer.CreateUserAsync(Agent);

        flow.Provider.NextUser = new UpstreamUser("upstream-1", "Agent@Example.com");
        await AssertSignedInAsync(await flow.SignInAsync(JwtPath));
        Assert.Equal("upstream-1", Assert.Single(await flow.LoginsAsync(Agent)).ProviderKey);

        var stranger = await flow.NewTab();
        stranger.Provider.NextUser = new UpstreamUser("upstream-2", "stranger@example.com");
        await AssertRefusedAsync(await stranger.SignInAsync(JwtPath), "There is no agent account for your email address here");
        await Assert.ThrowsAsync<InvalidOperationException>(() => flow.Issuer.FindUserAsync("stranger@example.com"));
        var refused = (await flow.Issuer.AuditEventsAsync(AuditEventTypes.SignIn)).Last();
        Assert.Equal(("refused", "stranger@example.com", "OpenID Connect: NotProvisioned"), (refused.Outcome, refused.Email, refused.Reason));
    }

    [Fact]
    public async Task LaterSignInsFollowTheSubjectNotTheEmail()
    {
        await using var flow = await Flow.StartAsync();
        await flow.Issuer.CreateUserAsync(Agent);
        flow.Provider.NextUser = new UpstreamUser("upstream-1", Agent);
        await AssertSignedInAsync(await flow.SignInAsync(JwtPath));

        // Another subject at the provider now claims the same address: not a second key to this agent.
        var other = await flow.NewTab();
        other.Provider.NextUser = new UpstreamUser("upstream-9", Agent);
        await AssertRefusedAsync(await other.SignInAsync(JwtPath), "already linked to another sign-in");
    }

    [Theory]
    [InlineData("outsider@elsewhere.example", true, "", "Accounts in your email domain may not sign in here")]
    [InlineData(Agent, false, "", "does not confirm that your email address is verified")]
    [InlineData(Agent, true, "sales", "not in the group allowed to use Comm100")]
    public async Task AnIdentityTheSettingsDoNotAllowIsRefusedWithAClearPage(string email, bool verified, string group, string message)
    {
        await using var flow = await Flow.StartAsync(settings =>
        {
            settings["Authentication:OpenIdConnect:CreateUsers"] = "true";
            settings["Authentication:OpenIdConnect:AllowedEmailDomains:0"] = "example.com";
            settings["Authentication:OpenIdConnect:RequiredClaim:Type"] = "groups";
            settings["Authentication:OpenIdConnect:RequiredClaim:Value"] = "comm100-agents";
        });
        flow.Provider.NextUser = new UpstreamUser("upstream-1", email, verified, "Someone", group);

        await AssertRefusedAsync(await flow.SignInAsync(JwtPath), message);
        Assert.Equal(HttpStatusCode.Redirect, (await flow.IssuerTab.GetAsync(JwtPath)).StatusCode);
        Assert.Equal("/login", (await flow.IssuerTab.GetAsync(JwtPath)).Headers.Location!.AbsolutePath);

        // The same settings let the right identity in.
        var agent = await flow.NewTab();
        agent.Provider.NextUser = new UpstreamUser("upstream-2", Agent, true, "Agent", "comm100-agents");
        await AssertSignedInAsync(await agent.SignInAsync(JwtPath));
    }

    [Fact]
    public async Task TheAdminClaimMarksAnAdminAtEachSignInAndItsAbsenceRemovesTheMark()
    {
        await using var flow = await Flow.StartAsync(settings =>
        {
            settings["Authentication:OpenIdConnect:AdminClaim:Type"] = "groups";
            settings["Authentication:OpenIdConnect:AdminClaim:Value"] = "support-admins";
        });
        await flow.Issuer.CreateUserAsync(Agent);

        flow.Provider.NextUser = new UpstreamUser("upstream-1", Agent, true, "Agent", "support-admins", "comm100-agents");
        await AssertSignedInAsync(await flow.SignInAsync(JwtPath));
        Assert.True((await flow.Issuer.FindUserAsync(Agent)).IsAdmin);
        Assert.Equal(HttpStatusCode.OK, (await flow.IssuerTab.GetAsync("/admin")).StatusCode);

        // Out of the group at the provider: the next sign-in takes the admin area away, and the agent stays an agent.
        var later = await flow.NewTab();
        later.Provider.NextUser = new UpstreamUser("upstream-1", Agent, true, "Agent", "comm100-agents");
        await AssertSignedInAsync(await later.SignInAsync(JwtPath));
        Assert.False((await flow.Issuer.FindUserAsync(Agent)).IsAdmin);
        Assert.Equal(HttpStatusCode.Forbidden, (await later.IssuerTab.GetAsync("/admin")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await later.IssuerTab.GetAsync(JwtPath)).StatusCode);

        var changes = (await flow.Issuer.AuditEventsAsync(AuditEventTypes.User)).Where(e => e.Outcome.StartsWith("admin-", StringComparison.Ordinal)).ToList();
        Assert.Equal([("admin-granted", "openid-connect (Example SSO)"), ("admin-revoked", "openid-connect (Example SSO)")], changes.Select(e => (e.Outcome, e.Actor)));
    }

    [Fact]
    public async Task AnAgentProvisionedBySCIMSignsInThroughTheProviderAndTheirDeactivationStopsTheirTokens()
    {
        // CreateUsers is off: only agents someone provisioned may sign in. Entra ID provisions this one through SCIM,
        // in a domain the settings allow (another is refused, as a sign-in from it would be).
        await using var flow = await Flow.StartAsync(settings => settings["Authentication:OpenIdConnect:AllowedEmailDomains:0"] = "example.com");
        var scim = await Scim.ScimClient.WithNewTokenAsync(flow.Issuer);
        Scim.ScimClient.AssertError(await scim.PostAsync("/Users", """{"userName":"someone@elsewhere.example"}"""), HttpStatusCode.BadRequest, "invalidValue");

        // An agent added by hand before the domain list was set can still be deactivated: an unchanged email is not judged.
        var outsider = await flow.Issuer.CreateUserAsync("contractor@elsewhere.example");
        Assert.Equal("false", (await scim.PatchAsync($"/Users/{outsider.Id}", """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":false}}]}"""))["active"]);
        var created = await scim.PostAsync("/Users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"agent.upn@corp.example","emails":[{"value":"Agent@example.com","type":"work","primary":true}],"displayName":"Provisioned Agent","active":true}""");
        Assert.Equal(HttpStatusCode.Created, created.Status);

        // No password: the first sign-in through the provider links the subject by email, and tokens flow.
        flow.Provider.NextUser = new UpstreamUser("upstream-1", Agent);
        await AssertSignedInAsync(await flow.SignInAsync(JwtPath));
        Assert.Equal(HttpStatusCode.Redirect, (await flow.IssuerTab.GetAsync(JwtPath)).StatusCode);
        Assert.Null((await flow.Issuer.FindUserAsync(Agent)).PasswordHash);

        // The leaver is deactivated at the provider; the browser session is still open, and within the status bound
        // no token comes out of it.
        var patched = await scim.PatchAsync($"/Users/{created["id"]}", """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"active","value":"False"}]}""");
        Assert.Equal(HttpStatusCode.OK, patched.Status);
        flow.Issuer.Time.Advance(UserStatusSnapshot.MaxAge);
        Assert.Equal(HttpStatusCode.Forbidden, (await flow.IssuerTab.GetAsync(JwtPath)).StatusCode);

        // Nor can they sign in again through the provider.
        var again = await flow.NewTab();
        again.Provider.NextUser = new UpstreamUser("upstream-1", Agent);
        await AssertRefusedAsync(await again.SignInAsync(JwtPath), "cannot sign in right now");
    }

    [Fact]
    public async Task WithTheAdminClaimAPasswordSessionCannotUseTheAdminArea()
    {
        await using var flow = await Flow.StartAsync(settings =>
        {
            settings["Authentication:OpenIdConnect:AdminClaim:Type"] = "groups";
            settings["Authentication:OpenIdConnect:AdminClaim:Value"] = "support-admins";
        });
        await flow.Issuer.CreateUserAsync(Agent);
        await flow.Issuer.UpdateUserAsync(Agent, user => user.IsAdmin = true);

        // The mark is there, but only the provider may vouch for it: a password session is not enough.
        var password = await flow.Issuer.CreateSignedInClientAsync(Agent);
        var refused = await password.GetAsync("/admin");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("sign in with Example SSO", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        flow.Provider.NextUser = new UpstreamUser("upstream-1", Agent, true, "Agent", "support-admins");
        await AssertSignedInAsync(await flow.SignInAsync(JwtPath));
        Assert.Equal(HttpStatusCode.OK, (await flow.IssuerTab.GetAsync("/admin")).StatusCode);
    }

    [Fact]
    public async Task WithPasswordsOffTheAdminAreaOffersNoPasswordAndNoLinkAndLinksOpenNothing()
    {
        await using var flow = await Flow.StartAsync(settings => settings["Authentication:LocalAccounts"] = "false");
        await flow.Issuer.CreateUserAsync(Agent);
        await flow.Issuer.UpdateUserAsync(Agent, user => user.IsAdmin = true);
        var other = await flow.Issuer.CreateUserAsync("other@example.com");
        string secret;
        await using (var scope = flow.Issuer.Services.CreateAsyncScope())
        {
            // A link made while passwords were on.
            secret = await scope.ServiceProvider.GetRequiredService<JwtIssuer.Server.SignIn.PasswordLinks.SetPasswordLinks>().CreateAsync(other);
        }

        flow.Provider.NextUser = new UpstreamUser("upstream-1", Agent);
        await AssertSignedInAsync(await flow.SignInAsync(JwtPath));
        var page = await (await flow.IssuerTab.GetAsync("/admin")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("value=\"Link\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Reset password", await (await flow.IssuerTab.GetAsync($"/admin/agents/{other.Id}")).Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var link = await JwtIssuer.Tests.Admin.AdminAreaTests.AddResponseAsync(flow.IssuerTab, "new@example.com", null, "Link", admin: false);
        Assert.Equal(HttpStatusCode.BadRequest, link.StatusCode);
        Assert.Contains("Passwords are off here", await link.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await flow.Issuer.CreateBrowserClient().GetAsync($"/set-password?token={secret}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await AdminAreaAddNoneAsync(flow.IssuerTab)).StatusCode);
    }

    private static Task<HttpResponseMessage> AdminAreaAddNoneAsync(HttpClient client) =>
        JwtIssuer.Tests.Admin.AdminAreaTests.AddResponseAsync(client, "sso-only@example.com", null, "None", admin: false);

    [Fact]
    public async Task ADisabledLocalUserIsRefusedThoughTheProviderSignsThemIn()
    {
        await using var flow = await Flow.StartAsync();
        await flow.Issuer.CreateUserAsync(Agent);
        await flow.Issuer.UpdateUserAsync(Agent, user => user.IsDisabled = true);
        flow.Provider.NextUser = new UpstreamUser("upstream-1", Agent);

        await AssertRefusedAsync(await flow.SignInAsync(JwtPath), "cannot sign in right now");
        Assert.Equal("/login", (await flow.IssuerTab.GetAsync(JwtPath)).Headers.Location!.AbsolutePath);
    }

    [Fact]
    public async Task APasswordLockoutDoesNotStopASignInTheProviderProved()
    {
        await using var flow = await Flow.StartAsync();
        await flow.Issuer.CreateUserAsync(Agent);
        // Locked by wrong passwords typed by anyone: that stops password guessing, not the provider's sign-in.
        await flow.Issuer.UpdateUserAsync(Agent, user => user.LockoutEnd = DateTimeOffset.UtcNow.AddMinutes(10));
        flow.Provider.NextUser = new UpstreamUser("upstream-1", Agent);

        await AssertSignedInAsync(await flow.SignInAsync(JwtPath));
        var issued = await flow.IssuerTab.GetAsync(JwtPath);
        Assert.StartsWith(Comm100Url + "?relayState=r1&jwt=", issued.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATamperedStateFailsSafely()
    {
        await using var flow = await Flow.StartAsync(CreatingUsersAtExampleCom);
        flow.Provider.NextUser = new UpstreamUser("upstream-1", Agent);

        var response = await flow.SignInAsync(JwtPath, form => form["state"] = form["state"][..^4] + "AAAA");

        await AssertFailedSafelyAsync(flow, response);
    }

    [Fact]
    public async Task AnIdTokenFromAnotherIssuerFailsSafely()
    {
        // The metadata and the tokens name an issuer other than the configured Authority: a mix-up, refused.
        await using var flow = await Flow.StartAsync(CreatingUsersAtExampleCom, issuerPath: "other/");
        flow.Provider.NextUser = new UpstreamUser("upstream-1", Agent);

        var response = await flow.SignInAsync(JwtPath);

        await AssertFailedSafelyAsync(flow, response);
        Assert.Contains(flow.Issuer.Logs.GetSnapshot(), record => record.Message.StartsWith("OpenID Connect sign-in failed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnAgentWhoCancelsAtTheProviderGetsAPageNotAnError()
    {
        await using var flow = await Flow.StartAsync();
        flow.Provider.NextUser = null;

        await AssertFailedSafelyAsync(flow, await flow.SignInAsync(JwtPath));
    }

    [Fact]
    public async Task WithLocalAccountsOffThereIsNoPasswordFormAndAPostedPasswordIsRefused()
    {
        await using var flow = await Flow.StartAsync(settings => settings["Authentication:LocalAccounts"] = "false");
        await flow.Issuer.CreateUserAsync(Agent);

        var page = await (await flow.IssuerTab.GetAsync("/login")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("type=\"password\"", page, StringComparison.Ordinal);
        Assert.Contains("Sign in with Example SSO", page, StringComparison.Ordinal);

        var posted = await PostLoginAsync(flow.IssuerTab, Agent, DefaultPassword);
        Assert.Equal(HttpStatusCode.Forbidden, posted.StatusCode);
        AssertNoSessionCookie(posted);
        Assert.Equal(0, flow.Issuer.PasswordVerifications.Count);
    }

    [Fact]
    public async Task AnIdentityThatDidNotComeFromTheConfiguredIssuerIsNotTaken()
    {
        // What an app sharing the key ring could put in a cookie, or any principal not made from our provider's ID token.
        await using var flow = await Flow.StartAsync(CreatingUsersAtExampleCom);
        await flow.Issuer.CreateUserAsync(Agent);
        var forged = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
            [new System.Security.Claims.Claim("sub", "upstream-1"), new System.Security.Claims.Claim("email", Agent), new System.Security.Claims.Claim("email_verified", "true")], "forged"));

        await using var scope = flow.Issuer.Services.CreateAsyncScope();
        var refusal = await scope.ServiceProvider.GetRequiredService<OpenIdConnectSignIn>().SignInAsync(forged, null);

        Assert.Equal(OpenIdConnectRefusal.NoSubjectOrEmail, refusal);
        Assert.Empty(await flow.LoginsAsync(Agent));
    }

    [Theory]
    [InlineData("//evil.example/x")]
    [InlineData("https://evil.example/x")]
    [InlineData("/\\evil.example/x")]
    public async Task TheCallbackAndCompleteReturnOnlyToLocalPaths(string returnUrl)
    {
        await using var flow = await Flow.StartAsync();

        var callback = await flow.IssuerTab.GetAsync($"/login/external/callback?ReturnUrl={Uri.EscapeDataString(returnUrl)}");
        var next = WebUtility.HtmlDecode(MetaRefresh().Match(await callback.Content.ReadAsStringAsync()).Groups[1].Value);
        Assert.Equal("/login/external/complete?ReturnUrl=%2F", next);

        // Without the provider's identity, complete sends the browser to sign in, and only ever locally.
        var complete = await flow.IssuerTab.GetAsync($"/login/external/complete?ReturnUrl={Uri.EscapeDataString(returnUrl)}");
        Assert.Equal(HttpStatusCode.Redirect, complete.StatusCode);
        Assert.Equal("/login?ReturnUrl=%2F", complete.Headers.Location!.OriginalString);
    }

    private static void CreatingUsersAtExampleCom(Dictionary<string, string?> settings)
    {
        settings["Authentication:OpenIdConnect:CreateUsers"] = "true";
        settings["Authentication:OpenIdConnect:AllowedEmailDomains:0"] = "example.com";
    }

    /// <summary>Signed in: the session cookie, and a redirect to the local return URL.</summary>
    private static Task AssertSignedInAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(JwtPath, response.Headers.Location!.OriginalString);
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), cookie => cookie.StartsWith("jwtissuer=", StringComparison.Ordinal));
        return Task.CompletedTask;
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response, string message)
    {
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains(WebUtility.HtmlEncode(message), await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        AssertNoSessionCookie(response);
    }

    private static async Task AssertFailedSafelyAsync(Flow flow, HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Sign-in failed", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        AssertNoSessionCookie(response);
        Assert.Equal("/login", (await flow.IssuerTab.GetAsync(JwtPath)).Headers.Location!.AbsolutePath);
    }

    /// <summary>The issuer, the provider, and a browser with a tab on each (separate cookie jars: separate sites).</summary>
    private sealed class Flow : IAsyncDisposable
    {
        private readonly bool _ownsServers;

        private Flow(JwtIssuerApplication issuer, TestIdentityProvider provider, bool ownsServers)
        {
            Issuer = issuer;
            Provider = provider;
            _ownsServers = ownsServers;
            IssuerTab = issuer.CreateBrowserClient();
            IssuerTab.DefaultRequestHeaders.Accept.ParseAdd("text/html");
            ProviderTab = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() });
        }

        public JwtIssuerApplication Issuer { get; }

        public TestIdentityProvider Provider { get; }

        public HttpClient IssuerTab { get; }

        public HttpClient ProviderTab { get; }

        public static async Task<Flow> StartAsync(Action<Dictionary<string, string?>>? configure = null, string? issuerPath = null)
        {
            var issuer = new JwtIssuerApplication();
            var provider = await TestIdentityProvider.StartAsync(new Uri("https://localhost" + CallbackPath), issuer.DataDirectory, issuerPath);
            provider.ConfigureIssuer(issuer.Settings, "Example SSO");
            configure?.Invoke(issuer.Settings);
            return new Flow(issuer, provider, ownsServers: true);
        }

        /// <summary>Another browser against the same issuer and provider.</summary>
        public Task<Flow> NewTab() => Task.FromResult(new Flow(Issuer, Provider, ownsServers: false));

        /// <summary>
        /// "Sign in with ..." on our login page, the provider's answer, its form post back to us (optionally altered
        /// on the way, as an attacker could), and our callback: the last response of the journey.
        /// </summary>
        public async Task<HttpResponseMessage> SignInAsync(string returnUrl, Action<Dictionary<string, string>>? tamper = null)
        {
            var antiforgery = await AntiforgeryTokenAsync(IssuerTab, $"/login?ReturnUrl={Uri.EscapeDataString(returnUrl)}");
            var start = await IssuerTab.PostAsync("/login/external", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = antiforgery,
                ["ReturnUrl"] = returnUrl,
            }));
            Assert.True(start.StatusCode == HttpStatusCode.Redirect, $"{start.StatusCode}: {string.Join(" | ", Issuer.Logs.GetSnapshot().Where(log => log.Level >= Microsoft.Extensions.Logging.LogLevel.Warning).Select(log => log.Message + " " + log.Exception))}");
            Assert.StartsWith(Provider.Authority + "connect/authorize?", start.Headers.Location!.AbsoluteUri, StringComparison.Ordinal);
            Assert.Contains("code_challenge_method=S256", start.Headers.Location.Query, StringComparison.Ordinal);

            // The provider answers with a page that posts the code back to our callback (response_mode=form_post).
            var answer = await ProviderTab.GetAsync(start.Headers.Location);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            var html = await answer.Content.ReadAsStringAsync();
            var action = new Uri(WebUtility.HtmlDecode(FormAction().Match(html).Groups[1].Value));
            Assert.Equal("https://localhost" + CallbackPath, action.AbsoluteUri);
            var fields = HiddenField().Matches(html).ToDictionary(match => WebUtility.HtmlDecode(match.Groups[1].Value), match => WebUtility.HtmlDecode(match.Groups[2].Value));
            tamper?.Invoke(fields);

            var callback = await IssuerTab.PostAsync(action.PathAndQuery, new FormUrlEncodedContent(fields));
            if (callback.StatusCode != HttpStatusCode.Redirect)
            {
                return callback;
            }

            // Our callback page, which moves on by itself (a same-site navigation, for the iframe's sake) to complete.
            Assert.StartsWith("/login/external/callback", callback.Headers.Location!.OriginalString, StringComparison.Ordinal);
            var page = await IssuerTab.GetAsync(callback.Headers.Location);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            var complete = WebUtility.HtmlDecode(MetaRefresh().Match(await page.Content.ReadAsStringAsync()).Groups[1].Value);
            Assert.StartsWith("/login/external/complete?", complete, StringComparison.Ordinal);
            return await IssuerTab.GetAsync(complete);
        }

        public async Task<IList<UserLoginInfo>> LoginsAsync(string email)
        {
            await using var scope = Issuer.Services.CreateAsyncScope();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<JwtIssuer.Server.Users.User>>();
            return await users.GetLoginsAsync(await users.FindByEmailAsync(email) ?? throw new InvalidOperationException($"no user {email}"));
        }

        public async ValueTask DisposeAsync()
        {
            IssuerTab.Dispose();
            ProviderTab.Dispose();
            if (_ownsServers)
            {
                await Provider.DisposeAsync();
                await Issuer.DisposeAsync();
            }
        }
    }

    private const string CallbackPath = OpenIdConnectSettings.CallbackPath;

    [GeneratedRegex("<meta http-equiv=\"refresh\" content=\"0;url=([^\"]+)\"")]
    private static partial Regex MetaRefresh();

    [GeneratedRegex("<form[^>]*action=\"([^\"]+)\"")]
    private static partial Regex FormAction();

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\"")]
    private static partial Regex HiddenField();
}
