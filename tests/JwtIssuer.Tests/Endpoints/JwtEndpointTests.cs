using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using JwtIssuer.Server.Audit;
using JwtIssuer.Server.Users;
using JwtIssuer.Tests.Infrastructure;
using Microsoft.IdentityModel.Tokens;
using static JwtIssuer.Tests.Infrastructure.JwtIssuerApplication;

namespace JwtIssuer.Tests.Endpoints;

public abstract class JwtEndpointTests(string provider) : IDisposable
{
    private const string RelayState = "relayState=a%2Bb%2F%3D%3D.XYZ&lang=en";
    private readonly JwtIssuerApplication _app = new(provider);

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task RedirectsToConsumerWithVerifiableTokenGivenSession()
    {
        var user = await _app.CreateUserAsync("agent@example.com", name: "Ada Agent");
        var client = await _app.CreateSignedInClientAsync("agent@example.com");

        var response = await client.GetAsync(JwtUrl($"{Comm100Url}?{RelayState}"));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.StartsWith($"{Comm100Url}?{RelayState}&jwt=", location.OriginalString, StringComparison.Ordinal);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));

        var token = await TokenAssert.VerifiedAsync(TokenAssert.TokenFrom(location), TokenAssert.Hs256Key, "Comm100", _app.Time.GetUtcNow());
        Assert.Equal("HS256", token.Alg);
        Assert.Equal("JWT", token.Typ);
        Assert.Equal("comm100-hs256", token.Kid);
        Assert.Equal(Issuer, token.Issuer);
        Assert.Equal(["Comm100"], token.Audiences);
        Assert.Equal("comm100", token.Subject);
        Assert.Equal("agent@example.com", token.GetClaim("email").Value);
        Assert.Equal("Ada Agent", token.GetClaim("name").Value);
        Assert.True(Guid.TryParse(token.Id, out _));
        Assert.NotEqual(user.Id, token.Subject);

        var now = _app.Time.GetUtcNow().ToUnixTimeSeconds();
        Assert.Equal(now, token.GetPayloadValue<long>("iat"));
        Assert.Equal(now - 30, token.GetPayloadValue<long>("nbf"));
        Assert.Equal(300, token.GetPayloadValue<long>("exp") - token.GetPayloadValue<long>("iat"));
    }

    [Fact]
    public async Task TokenExpiresExactlyAtTheConfiguredLifetime()
    {
        await _app.CreateUserAsync("agent@example.com");
        var client = await _app.CreateSignedInClientAsync("agent@example.com");
        var issuedAt = _app.Time.GetUtcNow();

        var token = TokenAssert.TokenFrom((await client.GetAsync(JwtUrl(EcConsumerUrl))).Headers.Location!);

        Assert.True((await TokenAssert.ValidateAsync(token, TokenAssert.Es256PublicKey, "Comm100", issuedAt.AddSeconds(119))).IsValid);
        Assert.False((await TokenAssert.ValidateAsync(token, TokenAssert.Es256PublicKey, "Comm100", issuedAt.AddSeconds(120))).IsValid);
    }

    [Fact]
    public async Task EveryTokenGetsANewJti()
    {
        await _app.CreateUserAsync("agent@example.com");
        var client = await _app.CreateSignedInClientAsync("agent@example.com");

        var first = TokenAssert.TokenFrom((await client.GetAsync(JwtUrl(Comm100Url))).Headers.Location!);
        var second = TokenAssert.TokenFrom((await client.GetAsync(JwtUrl(Comm100Url))).Headers.Location!);

        Assert.NotEqual(new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(first).Id, new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(second).Id);
    }

    [Theory]
    [InlineData(RsaConsumerUrl, "RS256", "rsa-test")]
    [InlineData(EcConsumerUrl, "ES256", "ec-test")]
    public async Task SignsWithTheConsumersAsymmetricKey(string consumerUrl, string algorithm, string keyId)
    {
        var user = await _app.CreateUserAsync("agent@example.com");
        var client = await _app.CreateSignedInClientAsync("agent@example.com");

        var location = (await client.GetAsync(JwtUrl(consumerUrl))).Headers.Location!;

        var key = algorithm == "RS256" ? TokenAssert.Rs256PublicKey : TokenAssert.Es256PublicKey;
        var token = await TokenAssert.VerifiedAsync(TokenAssert.TokenFrom(location), key, "Comm100", _app.Time.GetUtcNow());
        Assert.Equal(algorithm, token.Alg);
        Assert.Equal(keyId, token.Kid);
        Assert.Equal(algorithm == "RS256" ? user.Id : "agent@example.com", token.Subject);
    }

    [Fact]
    public async Task RedirectsToLoginGivenNoSession()
    {
        var client = _app.CreateBrowserClient();
        var path = JwtUrl($"{Comm100Url}?{RelayState}");

        var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.Equal("/login", location.AbsolutePath);
        Assert.Equal(path, Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(location.Query)["ReturnUrl"].ToString());
        Assert.DoesNotContain("jwt=", location.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SigningInReturnsToApiJwtAndThenToConsumer()
    {
        await _app.CreateUserAsync("agent@example.com");
        var client = _app.CreateBrowserClient();
        var start = JwtUrl($"{Comm100Url}?{RelayState}");
        var login = (await client.GetAsync(start)).Headers.Location!;
        var returnUrl = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(login.Query)["ReturnUrl"].ToString();

        var afterLogin = await PostLoginAsync(client, "agent@example.com", DefaultPassword, returnUrl);
        Assert.Equal(HttpStatusCode.Redirect, afterLogin.StatusCode);
        Assert.Equal(start, afterLogin.Headers.Location!.OriginalString);

        var toConsumer = await client.GetAsync(afterLogin.Headers.Location);
        Assert.Equal(HttpStatusCode.Redirect, toConsumer.StatusCode);
        Assert.StartsWith($"{Comm100Url}?{RelayState}&jwt=", toConsumer.Headers.Location!.OriginalString, StringComparison.Ordinal);
        await TokenAssert.VerifiedAsync(TokenAssert.TokenFrom(toConsumer.Headers.Location), TokenAssert.Hs256Key, "Comm100", _app.Time.GetUtcNow());
    }

    [Theory]
    [InlineData("https://dash11.comm100.io@evil.com/api/agentSSO/jwt/Consumer")]
    [InlineData("https://evil.com\\@dash11.comm100.io/api/agentSSO/jwt/Consumer")]
    [InlineData("//evil.com/api/agentSSO/jwt/Consumer")]
    [InlineData("https://dash11.comm100.io%2f.evil.com/api/agentSSO/jwt/Consumer")]
    [InlineData("https://dash11.comm100.io/api/agentSSO/jwt/Consumer\r\nLocation: https://evil.com")]
    [InlineData("https://d\u0430sh11.comm100.io/api/agentSSO/jwt/Consumer")]
    [InlineData("https://dash11.comm100.io:8443/api/agentSSO/jwt/Consumer")]
    [InlineData("http://dash11.comm100.io/api/agentSSO/jwt/Consumer")]
    [InlineData("https://dash11.comm100.io/api/agentSSO/jwt/Consumer#x")]
    [InlineData("https://evil.com/api/agentSSO/jwt/Consumer")]
    public async Task RefusesHostileRedirectUrlWithoutMintingOrRedirecting(string url)
    {
        await _app.CreateUserAsync("agent@example.com");
        var client = await _app.CreateSignedInClientAsync("agent@example.com");

        var response = await client.GetAsync(JwtUrl(url));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(await _app.AuditEventsAsync(AuditEventTypes.Token));
    }

    [Fact]
    public async Task ShowsBadLinkErrorBeforeAskingToSignIn()
    {
        var client = _app.CreateBrowserClient();
        client.DefaultRequestHeaders.Accept.ParseAdd("text/html,application/xhtml+xml;q=0.9,*/*;q=0.8");

        var response = await client.GetAsync(JwtUrl("https://evil.com/"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("not a configured consumer URL", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task ShowsErrorsInTheSitesOwnLayout()
    {
        var client = _app.CreateBrowserClient();
        client.DefaultRequestHeaders.Accept.ParseAdd("text/html,application/xhtml+xml;q=0.9,*/*;q=0.8");

        var login = await (await client.GetAsync("/login")).Content.ReadAsStringAsync();
        var error = await client.GetAsync(JwtUrl("https://evil.com/"));
        var page = await error.Content.ReadAsStringAsync();

        // Everything around the page's own content (head, stylesheet, body) is the login page's.
        Assert.Equal(Layout(login), Layout(page));
        Assert.Contains("<title>This sign-in link is not valid", page, StringComparison.Ordinal);
        Assert.Contains("<h1>This sign-in link is not valid</h1>", page, StringComparison.Ordinal);
        // Its stylesheet may load: the page policy, not one that refuses everything.
        Assert.StartsWith("default-src 'self'", error.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("no-store", error.Headers.CacheControl?.ToString());

        static string Layout(string html) =>
            System.Text.RegularExpressions.Regex.Replace(html, "<title>.*?</title>|<main>.*</main>", string.Empty, System.Text.RegularExpressions.RegexOptions.Singleline);
    }

    [Theory]
    [InlineData("/api/jwt")]
    [InlineData("/api/jwt?redirect_url=")]
    [InlineData("/api/jwt?redirect_url=https%3A%2F%2Fdash11.comm100.io%2Fapi%2FagentSSO%2Fjwt%2FConsumer&redirect_url=https%3A%2F%2Fevil.com%2F")]
    public async Task RejectsMissingOrDuplicatedRedirectUrl(string path)
    {
        var client = _app.CreateBrowserClient();
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(400, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Contains("redirect_url", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefusesDisabledUserWith403AndNoTokenWithinTheStatusBound()
    {
        await _app.CreateUserAsync("agent@example.com");
        var client = await _app.CreateSignedInClientAsync("agent@example.com");
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync(JwtUrl(Comm100Url))).StatusCode);
        await _app.UpdateUserAsync("agent@example.com", user => user.IsDisabled = true);

        _app.Time.Advance(UserStatusSnapshot.MaxAge);
        var response = await client.GetAsync(JwtUrl(Comm100Url));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.DoesNotContain("eyJ", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeepsIssuingUntilTheStatusBoundThenRefusesADisabledUser()
    {
        await _app.CreateUserAsync("agent@example.com");
        var client = await _app.CreateSignedInClientAsync("agent@example.com");
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync(JwtUrl(Comm100Url))).StatusCode);
        await _app.UpdateUserAsync("agent@example.com", user => user.IsDisabled = true);

        // The documented price of not reading the database on every token: up to MaxAge of staleness, never more.
        _app.Time.Advance(UserStatusSnapshot.MaxAge - TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync(JwtUrl(Comm100Url))).StatusCode);
        _app.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync(JwtUrl(Comm100Url))).StatusCode);
    }

    [Fact]
    public async Task KeepsIssuingToASessionProvenBeforeALockout()
    {
        await _app.CreateUserAsync("agent@example.com");
        var agent = await _app.CreateSignedInClientAsync("agent@example.com");

        // Anyone who knows the agent's email types wrong passwords until the account locks.
        var stranger = _app.CreateBrowserClient();
        for (var attempt = 0; attempt < UsersSetup.MaxFailedAccessAttempts; attempt++)
        {
            await PostLoginAsync(stranger, "agent@example.com", "not the password at all");
        }

        Assert.True((await _app.FindUserAsync("agent@example.com")).LockoutEnd > _app.Time.GetUtcNow());
        _app.Time.Advance(UserStatusSnapshot.MaxAge);

        // The lockout stops password sign-in, even with the right password...
        Assert.Equal(HttpStatusCode.OK, (await PostLoginAsync(_app.CreateBrowserClient(), "agent@example.com", DefaultPassword)).StatusCode);
        // ...but the agent's earlier session keeps getting tokens: a stranger cannot cut off anyone's SSO.
        var response = await agent.GetAsync(JwtUrl(Comm100Url));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        await TokenAssert.VerifiedAsync(TokenAssert.TokenFrom(response.Headers.Location!), TokenAssert.Hs256Key, "Comm100", _app.Time.GetUtcNow());
    }

    [Fact]
    public async Task RefusesADisabledUserWhoIsAlsoLockedOut()
    {
        await _app.CreateUserAsync("agent@example.com");
        var client = await _app.CreateSignedInClientAsync("agent@example.com");
        await _app.UpdateUserAsync("agent@example.com", user =>
        {
            user.LockoutEnd = _app.Time.GetUtcNow().AddMinutes(5);
            user.IsDisabled = true;
        });

        _app.Time.Advance(UserStatusSnapshot.MaxAge);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync(JwtUrl(Comm100Url))).StatusCode);
    }

    [Fact]
    public async Task PutsAUsersValuesIntoClaimsAsDataNeverAsTemplates()
    {
        _app.Settings["JwtIssuer:Consumers:comm100:Subject"] = "{name}";
        _app.Settings["JwtIssuer:Consumers:comm100:Claims:all"] = "{userId}|{email}|{name}";
        var user = await _app.CreateUserAsync("agent@example.com", name: "{userId} {email} {name} {} }{");
        var client = await _app.CreateSignedInClientAsync("agent@example.com");

        var response = await client.GetAsync(JwtUrl(Comm100Url));

        var token = await TokenAssert.VerifiedAsync(TokenAssert.TokenFrom(response.Headers.Location!), TokenAssert.Hs256Key, "Comm100", _app.Time.GetUtcNow());
        Assert.Equal("{userId} {email} {name} {} }{", token.Subject);
        Assert.Equal("{userId} {email} {name} {} }{", token.GetClaim("name").Value);
        Assert.Equal($"{user.Id}|agent@example.com|{{userId}} {{email}} {{name}} {{}} }}{{", token.GetClaim("all").Value);
    }

    [Fact]
    public async Task SendsASessionIssuedBeforeTheSecurityStampChangedToSignInAgain()
    {
        await _app.CreateUserAsync("agent@example.com");
        var client = await _app.CreateSignedInClientAsync("agent@example.com");
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync(JwtUrl(Comm100Url))).StatusCode);

        // What a new password or "end all sessions" does: the old cookie must not fetch tokens any more.
        await _app.UpdateUserAsync("agent@example.com", user => user.SecurityStamp = Guid.NewGuid().ToString("N"));
        _app.Time.Advance(UserStatusSnapshot.MaxAge);

        // No token, and not a dead end either: the agent is asked to sign in, and comes back here after.
        var issued = (await _app.AuditEventsAsync(AuditEventTypes.Token)).Count;
        var stale = await client.GetAsync(JwtUrl(Comm100Url));
        Assert.Equal(HttpStatusCode.Redirect, stale.StatusCode);
        Assert.Equal("/login", stale.Headers.Location!.AbsolutePath);
        Assert.Equal(issued, (await _app.AuditEventsAsync(AuditEventTypes.Token)).Count);
        var fresh = await _app.CreateSignedInClientAsync("agent@example.com");
        Assert.Equal(HttpStatusCode.Redirect, (await fresh.GetAsync(JwtUrl(Comm100Url))).StatusCode);
    }

    [Fact]
    public async Task IssuesAtOnceToAUserAddedAfterTheStatusSnapshotWasRead()
    {
        await _app.CreateUserAsync("first@example.com");
        var first = await _app.CreateSignedInClientAsync("first@example.com");
        Assert.Equal(HttpStatusCode.Redirect, (await first.GetAsync(JwtUrl(Comm100Url))).StatusCode);

        await _app.CreateUserAsync("newcomer@example.com");
        var newcomer = await _app.CreateSignedInClientAsync("newcomer@example.com");
        var response = await newcomer.GetAsync(JwtUrl(Comm100Url));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var token = await TokenAssert.VerifiedAsync(TokenAssert.TokenFrom(response.Headers.Location!), TokenAssert.Hs256Key, "Comm100", _app.Time.GetUtcNow());
        Assert.Equal("newcomer@example.com", token.GetClaim("email").Value);
    }

    [Fact]
    public async Task SessionSurvivesARestart()
    {
        await _app.CreateUserAsync("agent@example.com");
        var cookies = new CookieContainer();
        await _app.CreateSignedInClientAsync("agent@example.com", cookies: cookies);
        _app.OwnsData = false;
        await _app.DisposeAsync();

        using var restarted = new JwtIssuerApplication(_app) { OwnsData = true };
        var response = await restarted.CreateBrowserClient(cookies).GetAsync(JwtUrl(Comm100Url));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith(Comm100Url + "?jwt=", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }
}

/// <summary>The same tests on the embedded SQLite file.</summary>
public sealed class JwtEndpointTestsOnSqlite() : JwtEndpointTests(TestDatabase.Sqlite);

/// <summary>The same tests on PostgreSQL.</summary>
public sealed class JwtEndpointTestsOnPostgres() : JwtEndpointTests(TestDatabase.Postgres);
