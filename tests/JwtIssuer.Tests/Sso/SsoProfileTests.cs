using System.Net;
using System.Text.RegularExpressions;
using JwtIssuer.Server.Audit;
using JwtIssuer.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using static JwtIssuer.Tests.Infrastructure.JwtIssuerApplication;

namespace JwtIssuer.Tests.Sso;

/// <summary>
/// The Zendesk and Freshworks profiles through HTTP as a browser meets them: the entry point's checks, the sign-in
/// detour, the token each product documents and how it is delivered, the logout URL, and Comm100's /api/jwt refusing
/// another product's URL.
/// </summary>
public sealed partial class SsoProfileTests : IDisposable
{
    public const string ZendeskUrl = "https://acme.zendesk.com/access/jwt";
    public const string FreshworksUrl = "https://acme.myfreshworks.com/sp/OIDC/302836020429100183/implicit";
    private const string Agent = "agent@example.com";

    private readonly JwtIssuerApplication _app = new();

    public SsoProfileTests()
    {
        AddHelpDesks(_app.Settings);
        _app.Settings["JwtIssuer:Consumers:zendesk:Claims:role"] = "agent";
    }

    /// <summary>A Zendesk consumer (the test HS256 key) and a Freshworks one (the test RS256 key) beside the default ones.</summary>
    internal static void AddHelpDesks(Dictionary<string, string?> settings)
    {
        settings["JwtIssuer:Consumers:zendesk:Profile"] = "Zendesk";
        settings["JwtIssuer:Consumers:zendesk:RedirectUrls:0"] = ZendeskUrl;
        settings["JwtIssuer:Consumers:zendesk:SigningKey"] = "zendesk-hs256";
        settings["JwtIssuer:SigningKeys:zendesk-hs256:Algorithm"] = "HS256";
        settings["JwtIssuer:SigningKeys:zendesk-hs256:Secret"] = TestKeys.ZendeskSecret;
        settings["JwtIssuer:Consumers:freshworks:Profile"] = "Freshworks";
        settings["JwtIssuer:Consumers:freshworks:RedirectUrls:0"] = FreshworksUrl;
        settings["JwtIssuer:Consumers:freshworks:SigningKey"] = "freshworks-rs256";
        settings["JwtIssuer:SigningKeys:freshworks-rs256:Algorithm"] = "RS256";
        settings["JwtIssuer:SigningKeys:freshworks-rs256:PrivateKeyPem"] = TestKeys.FreshworksRsa.ExportPkcs8PrivateKeyPem();
    }

    public void Dispose() => _app.Dispose();

    public static string FreshworksEntry(string state = "c3RhdGU=", string nonce = "xb2Ce5AGSDGhWYQI", string redirectUri = FreshworksUrl) =>
        $"/sso/freshworks?response_type=id_token&client_id=302836020429100183&scope={Uri.EscapeDataString("openid email profile")}&state={Uri.EscapeDataString(state)}&redirect_uri={Uri.EscapeDataString(redirectUri)}&nonce={Uri.EscapeDataString(nonce)}";

    private async Task<HttpClient> AgentAsync()
    {
        await _app.CreateUserAsync(Agent, name: "Ann Agent");
        return await _app.CreateSignedInClientAsync(Agent);
    }

    [Fact]
    public async Task ZendeskGetsAPageThatPostsItsDocumentedTokenToAccessJwt()
    {
        var browser = await AgentAsync();
        var page = await browser.GetAsync("/sso/zendesk?brand_id=360001&return_to=" + Uri.EscapeDataString("https://acme.zendesk.com/agent/tickets/123") + "&locale_id=1&timestamp=1733040000");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();

        // One form, posting to the consumer's /access/jwt (Zendesk's sample passes brand_id, locale_id and timestamp on).
        Assert.Equal($"{ZendeskUrl}?brand_id=360001&amp;locale_id=1&amp;timestamp=1733040000", FormAction().Match(html).Groups[1].Value);
        Assert.Equal("https://acme.zendesk.com/agent/tickets/123", Hidden(html, "return_to"));
        Assert.DoesNotContain("__RequestVerificationToken", html, StringComparison.Ordinal);

        // The token: HS256 with exactly iat, jti, email, name and external_id (and the consumer's extra claims).
        var token = new JsonWebToken(Hidden(html, "jwt")!);
        var verified = await new JsonWebTokenHandler().ValidateTokenAsync(token.EncodedToken, new TokenValidationParameters
        {
            IssuerSigningKey = new SymmetricSecurityKey(System.Text.Encoding.UTF8.GetBytes(TestKeys.ZendeskSecret)), ValidateIssuer = false, ValidateAudience = false, ValidateLifetime = false, ValidAlgorithms = ["HS256"],
        });
        Assert.True(verified.IsValid, verified.Exception?.Message);
        var user = await _app.FindUserAsync(Agent);
        Assert.Equal(["email", "external_id", "iat", "jti", "name", "role"], token.Claims.Select(claim => claim.Type).Order(StringComparer.Ordinal));
        Assert.Equal((Agent, "Ann Agent", user.Id, "agent"), (token.GetClaim("email").Value, token.GetClaim("name").Value, token.GetClaim("external_id").Value, token.GetClaim("role").Value));
        Assert.Equal(_app.Time.GetUtcNow().ToUnixTimeSeconds(), long.Parse(token.GetClaim("iat").Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(("HS256", "JWT"), (token.Alg, token.Typ));

        // The page: its form may go to Zendesk alone, its one script runs by its nonce, nothing frames or caches it.
        var csp = page.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Equal("https://acme.zendesk.com", Regex.Match(csp, "form-action ([^;]+)").Groups[1].Value.Trim());
        var nonce = Regex.Match(csp, "script-src 'nonce-([^']+)'").Groups[1].Value;
        Assert.NotEmpty(nonce);
        Assert.Equal(nonce, WebUtility.HtmlDecode(Regex.Match(html, "<script nonce=\"([^\"]+)\">").Groups[1].Value));
        Assert.Single(Regex.Matches(html, "<script"));
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Equal("DENY", page.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("no-store", page.Headers.CacheControl!.ToString());

        var issued = Assert.Single(await _app.AuditEventsAsync(AuditEventTypes.Token));
        Assert.Equal(("zendesk", "acme.zendesk.com", token.Id), (issued.Consumer, issued.RedirectHost, issued.TokenId));
    }

    [Theory]
    [InlineData("https://evil.example/phish", null)]
    [InlineData("http://acme.zendesk.com/agent", null)]
    [InlineData("https://acme.zendesk.com.evil.example/x", null)]
    [InlineData("https://user@acme.zendesk.com/x", null)]
    [InlineData("https://acme.zendesk.com:444/x", null)]
    [InlineData("//evil.example/x", null)]
    [InlineData("/\\evil.example", null)]
    [InlineData("javascript:alert(1)", null)]
    [InlineData("/hc/en-us/requests", "/hc/en-us/requests")]
    [InlineData("https://ACME.zendesk.com/agent", "https://ACME.zendesk.com/agent")]
    [InlineData("\"><script>alert(1)</script>", null)]
    [InlineData("/\"><script>alert(1)</script>", "/\"><script>alert(1)</script>")]
    [InlineData("https://acme.zendesk.com%2F@evil.example/x", null)]
    [InlineData("https://acme.zendesk.com%40evil.example/x", null)]
    public async Task ReturnToGoesAlongOnlyToTheConsumersHost(string returnTo, string? kept)
    {
        var browser = await AgentAsync();
        var page = await browser.GetAsync("/sso/zendesk?return_to=" + Uri.EscapeDataString(returnTo));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(kept, Hidden(html, "return_to"));
        Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
        Assert.Equal(ZendeskUrl, FormAction().Match(html).Groups[1].Value);
    }

    [Fact]
    public async Task WithoutASessionTheAgentSignsInFirstAndComesBack()
    {
        var anonymous = _app.CreateBrowserClient();
        var entry = "/sso/zendesk?return_to=" + Uri.EscapeDataString("https://acme.zendesk.com/agent");
        var challenge = await anonymous.GetAsync(entry);
        Assert.Equal(HttpStatusCode.Redirect, challenge.StatusCode);
        Assert.Equal($"/login?ReturnUrl={Uri.EscapeDataString(entry)}", challenge.Headers.Location!.PathAndQuery);

        await _app.CreateUserAsync(Agent);
        var signedIn = await PostLoginAsync(anonymous, Agent, DefaultPassword, entry);
        Assert.Equal(entry, signedIn.Headers.Location!.OriginalString);
        Assert.NotNull(Hidden(await anonymous.GetStringAsync(entry), "jwt"));
        Assert.Single(await _app.AuditEventsAsync(AuditEventTypes.Token));
    }

    [Fact]
    public async Task UnknownAndComm100ConsumersHaveNoEntryPointAndApiJwtKeepsToComm100()
    {
        var browser = await AgentAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync("/sso/nobody")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync("/sso/comm100")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync("/sso/freshworks/logout")).StatusCode);

        // Another product's URL never receives a Comm100 token through /api/jwt (nor Zendesk's deprecated GET form).
        Assert.Equal(HttpStatusCode.BadRequest, (await browser.GetAsync(JwtUrl(ZendeskUrl))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await browser.GetAsync(JwtUrl(FreshworksUrl))).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync(JwtUrl(Comm100Url))).StatusCode);

        // Nor does Freshworks' entry send to Zendesk's URL, or Comm100's.
        Assert.Equal(HttpStatusCode.BadRequest, (await browser.GetAsync(FreshworksEntry(redirectUri: ZendeskUrl))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await browser.GetAsync(FreshworksEntry(redirectUri: Comm100Url))).StatusCode);
    }

    [Fact]
    public async Task ADisabledAgentGetsNoZendeskOrFreshworksToken()
    {
        var browser = await AgentAsync();
        await _app.UpdateUserAsync(Agent, user => user.IsDisabled = true);
        _app.Time.Advance(JwtIssuer.Server.Users.UserStatusSnapshot.MaxAge);
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.GetAsync("/sso/zendesk")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.GetAsync(FreshworksEntry())).StatusCode);
        Assert.Empty(await _app.AuditEventsAsync(AuditEventTypes.Token));
    }

    [Fact]
    public async Task FreshworksGetsARedirectWithStateAndAnIdTokenCarryingTheNonce()
    {
        var browser = await AgentAsync();
        var state = "eyJhIjoiYiJ9+/=&x=1";
        var answer = await browser.GetAsync(FreshworksEntry(state: state, nonce: "n-0S6_WzA2Mj"));
        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        var location = answer.Headers.Location!;
        Assert.StartsWith(FreshworksUrl + "?state=", location.OriginalString, StringComparison.Ordinal);
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(location.Query);
        Assert.Equal((state, 1), (query["state"].ToString(), query["id_token"].Count));
        Assert.Equal("no-store", answer.Headers.CacheControl!.ToString());

        // As an OpenID Connect client checks an ID token: issuer, audience (the client_id), signature, expiry.
        var now = _app.Time.GetUtcNow().UtcDateTime;
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(query["id_token"]!, new TokenValidationParameters
        {
            ValidIssuer = Issuer, ValidAudience = "302836020429100183", ValidAlgorithms = ["RS256"],
            IssuerSigningKey = new RsaSecurityKey(TestKeys.FreshworksRsa.ExportParameters(includePrivateParameters: false)),
            LifetimeValidator = (_, expires, _, _) => expires > now && expires <= now.AddMinutes(5),
        });
        Assert.True(result.IsValid, result.Exception?.Message);
        var token = (JsonWebToken)result.SecurityToken;
        var user = await _app.FindUserAsync(Agent);
        Assert.Equal((user.Id, Agent, "n-0S6_WzA2Mj", "Ann", "Agent", Issuer), (token.Subject, token.GetClaim("email").Value, token.GetClaim("nonce").Value,
            token.GetClaim("given_name").Value, token.GetClaim("family_name").Value, token.Issuer));
        Assert.Equal("RS256", token.Alg);
        Assert.Equal(("freshworks", "acme.myfreshworks.com"), ((await _app.AuditEventsAsync(AuditEventTypes.Token))[0].Consumer, (await _app.AuditEventsAsync(AuditEventTypes.Token))[0].RedirectHost));
    }

    [Theory]
    [InlineData("redirect_uri=https%3A%2F%2Fevil.example%2Fsp%2FOIDC%2F1%2Fimplicit&state=s&nonce=n")]
    [InlineData("redirect_uri=https%3A%2F%2Facme.myfreshworks.com%2Fsp%2FOIDC%2F302836020429100183%2Fimplicit%2F..%2F..%2Fx&state=s&nonce=n")]
    [InlineData("redirect_uri=https%3A%2F%2Facme.myfreshworks.com%40evil.example%2Fsp%2FOIDC%2F302836020429100183%2Fimplicit&state=s&nonce=n")]
    [InlineData("redirect_uri=https%3A%2F%2Facme.myfreshworks.com%2Fsp%2FOIDC%2F302836020429100183%2Fimplicit%23x&state=s&nonce=n")]
    [InlineData("redirect_uri=https%3A%2F%2Facme.myfreshworks.com%2Fsp%2FOIDC%2F302836020429100183%2Fimplicit%3Fstate%3Dmine&state=s&nonce=n")]
    [InlineData("redirect_uri=https%3A%2F%2Facme.myfreshworks.com%2Fsp%2FOIDC%2F302836020429100183%2Fimplicit&state=s&state=t&nonce=n")]
    [InlineData("redirect_uri=https%3A%2F%2Facme.myfreshworks.com%2Fsp%2FOIDC%2F302836020429100183%2Fimplicit&redirect_uri=https%3A%2F%2Fevil.example&state=s&nonce=n")]
    [InlineData("redirect_uri=https%3A%2F%2Facme.myfreshworks.com%2Fsp%2FOIDC%2F302836020429100183%2Fimplicit&nonce=n")]
    [InlineData("redirect_uri=https%3A%2F%2Facme.myfreshworks.com%2Fsp%2FOIDC%2F302836020429100183%2Fimplicit&state=s")]
    [InlineData("state=s&nonce=n")]
    [InlineData("redirect_uri=https%3A%2F%2Facme.myfreshworks.com%2Fsp%2FOIDC%2F302836020429100183%2Fimplicit&state=a%0Ab&nonce=n")]
    [InlineData("redirect_uri=https%3A%2F%2Facme.myfreshworks.com%2Fsp%2FOIDC%2F302836020429100183%2Fimplicit&state=s&nonce=n&client_id=%22%3E%3Cscript%3E")]
    [InlineData("redirect_uri=https%3A%2F%2Facme.myfreshworks.com%2Fsp%2FOIDC%2F302836020429100183%2Fimplicit&state=s&nonce=n&client_id=Comm100")]
    [InlineData("redirect_uri=https%3A%2F%2Facme.myfreshworks.com%2Fsp%2FOIDC%2F302836020429100183%2Fimplicit%3Ferror%3Dx&state=s&nonce=n")]
    [InlineData("redirect_uri=https%3A%2F%2Facme.myfreshworks.com%2Fsp%2FOIDC%2F302836020429100183%2Fimplicit&state=%C3%A9t%C3%A9&nonce=n")]
    public async Task ABadFreshworksEntryIsRefusedBeforeAnySignIn(string query)
    {
        var anonymous = _app.CreateBrowserClient();
        var refused = await anonymous.GetAsync("/sso/freshworks?" + query);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.DoesNotContain("<script>", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Null(refused.Headers.Location);
    }

    [Fact]
    public async Task StateAndNonceAreEchoedVerbatimAndLengthLimited()
    {
        var browser = await AgentAsync();
        var hostile = "\"><script>alert(1)</script>&id_token=forged#frag %0d%0a";
        var answer = await browser.GetAsync(FreshworksEntry(state: hostile, nonce: hostile));
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(answer.Headers.Location!.Query);
        Assert.Equal((hostile, 1), (query["state"].ToString(), query["id_token"].Count));
        Assert.Equal(hostile, new JsonWebToken(query["id_token"]!).GetClaim("nonce").Value);

        Assert.Equal(HttpStatusCode.BadRequest, (await browser.GetAsync(FreshworksEntry(state: new string('s', 2049)))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await browser.GetAsync(FreshworksEntry(nonce: new string('n', 513)))).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync(FreshworksEntry(state: new string('s', 2048), nonce: new string('n', 512)))).StatusCode);
    }

    [Fact]
    public async Task ZendesksLogoutUrlEndsTheSessionAndShowsItsErrorAsText()
    {
        var browser = await AgentAsync();
        var message = "Invalid iat parameter. The supplied iat value is more than 3 minutes off, check your server clock. <script>alert(1)</script>";
        var page = await browser.GetAsync($"/sso/zendesk/logout?kind=error&message={Uri.EscapeDataString(message)}&email={Uri.EscapeDataString(Agent)}&brand_id=1");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("Zendesk could not sign you in. It said: “", html, StringComparison.Ordinal);
        Assert.Contains("check your server clock. &lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);

        // Signed out: the next entry asks to sign in; the sign-out is in the trail.
        Assert.Equal("/login", (await browser.GetAsync("/sso/zendesk")).Headers.Location!.AbsolutePath);
        Assert.Equal("logout-url", Assert.Single(await _app.AuditEventsAsync(AuditEventTypes.SignOut)).Outcome);

        // A plain logout says so, without an error; nor is a stranger's link's "message" shown as Zendesk's to someone
        // who was not signed in here.
        var plain = await (await _app.CreateBrowserClient().GetAsync("/sso/zendesk/logout")).Content.ReadAsStringAsync();
        Assert.Contains("You are signed out of Zendesk", plain, StringComparison.Ordinal);
        var stranger = await (await _app.CreateBrowserClient().GetAsync("/sso/zendesk/logout?kind=error&message=Call+us+at+555")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("555", stranger, StringComparison.Ordinal);
    }

    private static string? Hidden(string html, string name)
    {
        var match = Regex.Match(html, $"<input type=\"hidden\" name=\"{name}\" value=\"([^\"]*)\"");
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value) : null;
    }

    [GeneratedRegex("<form id=\"sso-post\" method=\"post\" action=\"([^\"]+)\"")]
    private static partial Regex FormAction();
}
