using System.Net;
using JwtIssuer.Server.Users;
using JwtIssuer.Tests.Infrastructure;
using static JwtIssuer.Tests.Infrastructure.JwtIssuerApplication;

namespace JwtIssuer.Tests.Login;

public abstract class LoginTests(string provider) : IDisposable
{
    private const string GenericError = "The email or password is incorrect";
    private readonly JwtIssuerApplication _app = new(provider);

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task SignsInAndRedirectsToLocalReturnUrl()
    {
        await _app.CreateUserAsync("agent@example.com");

        var response = await PostLoginAsync(_app.CreateBrowserClient(), "agent@example.com", DefaultPassword, "/api/jwt?redirect_url=x");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/api/jwt?redirect_url=x", response.Headers.Location!.OriginalString);
    }

    [Theory]
    [InlineData("https://evil.com/")]
    [InlineData("//evil.com/")]
    [InlineData("/\\evil.com/")]
    [InlineData("javascript:alert(1)")]
    public async Task NeverRedirectsOffSiteAfterSignIn(string returnUrl)
    {
        await _app.CreateUserAsync("agent@example.com");

        var response = await PostLoginAsync(_app.CreateBrowserClient(), "agent@example.com", DefaultPassword, returnUrl);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task ShowsTheSameMessageForUnknownEmailAndWrongPassword()
    {
        await _app.CreateUserAsync("agent@example.com");

        var unknown = await PostLoginAsync(_app.CreateBrowserClient(), "nobody@example.com", DefaultPassword);
        var wrong = await PostLoginAsync(_app.CreateBrowserClient(), "agent@example.com", "not the password at all");

        Assert.Equal(HttpStatusCode.OK, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        Assert.Contains(GenericError, await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains(GenericError, await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("nobody@example.com", DefaultPassword)]
    [InlineData("agent@example.com", "not the password at all")]
    [InlineData("disabled@example.com", DefaultPassword)]
    [InlineData("locked@example.com", DefaultPassword)]
    public async Task EveryFailedSignInCostsExactlyOnePasswordHash(string email, string password)
    {
        // Equal work is what makes the time equal: an early return for unknown, disabled or locked
        // accounts would let anyone list the agents by timing the login form.
        await _app.CreateUserAsync("agent@example.com");
        await _app.CreateUserAsync("disabled@example.com");
        await _app.CreateUserAsync("locked@example.com");
        await _app.UpdateUserAsync("disabled@example.com", user => user.IsDisabled = true);
        await _app.UpdateUserAsync("locked@example.com", user => user.LockoutEnd = DateTimeOffset.UtcNow.AddMinutes(10));
        var before = _app.PasswordVerifications.Count;

        var response = await PostLoginAsync(_app.CreateBrowserClient(), email, password);

        Assert.Contains(GenericError, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, _app.PasswordVerifications.Count - before);
    }

    [Theory]
    [InlineData("", DefaultPassword)]
    [InlineData("agent@example.com", "")]
    [InlineData(null, null)]
    public async Task MissingFieldsGiveTheFormBackNotAnError(string? email, string? password)
    {
        await _app.CreateUserAsync("agent@example.com");
        var client = _app.CreateBrowserClient();
        var form = new Dictionary<string, string> { ["__RequestVerificationToken"] = await AntiforgeryTokenAsync(client) };
        if (email is not null)
        {
            form["Email"] = email;
        }

        if (password is not null)
        {
            form["Password"] = password;
        }

        var response = await client.PostAsync("/login", new FormUrlEncodedContent(form));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(GenericError, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LocksOutAfterFiveWrongPasswords()
    {
        await _app.CreateUserAsync("agent@example.com");
        var client = _app.CreateBrowserClient();

        for (var attempt = 0; attempt < UsersSetup.MaxFailedAccessAttempts; attempt++)
        {
            await PostLoginAsync(client, "agent@example.com", "wrong password " + attempt);
        }

        var withRightPassword = await PostLoginAsync(client, "agent@example.com", DefaultPassword);
        Assert.Equal(HttpStatusCode.OK, withRightPassword.StatusCode);
        Assert.Contains(GenericError, await withRightPassword.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.True((await _app.FindUserAsync("agent@example.com")).LockoutEnd > _app.Time.GetUtcNow());

        // Identity reads the system clock for lockouts, so the window's end is moved instead of the clock.
        await _app.UpdateUserAsync("agent@example.com", user => user.LockoutEnd = DateTimeOffset.UtcNow.AddSeconds(-1));
        Assert.Equal(HttpStatusCode.Redirect, (await PostLoginAsync(client, "agent@example.com", DefaultPassword)).StatusCode);
    }

    [Fact]
    public async Task RefusesSignInToDisabledUser()
    {
        await _app.CreateUserAsync("agent@example.com");
        await _app.UpdateUserAsync("agent@example.com", user => user.IsDisabled = true);

        var response = await PostLoginAsync(_app.CreateBrowserClient(), "agent@example.com", DefaultPassword);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(GenericError, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        AssertNoSessionCookie(response);
    }

    [Fact]
    public async Task RejectsPostWithoutAntiforgeryToken()
    {
        await _app.CreateUserAsync("agent@example.com");
        var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["Email"] = "agent@example.com", ["Password"] = DefaultPassword });

        var response = await _app.CreateBrowserClient().PostAsync("/login", form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("did not send this site&#x27;s cookies", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        AssertNoSessionCookie(response);
    }

    [Fact]
    public async Task LoginPageMayBeFramedOnlyByItselfTheConsumersAndTheEmbeddingApps()
    {
        _app.Settings["Session:FrameAncestors:0"] = "https://app.voip.example.com";

        var response = await _app.CreateBrowserClient().GetAsync("/login");

        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        var frameAncestors = csp.Split(';', StringSplitOptions.TrimEntries).Single(directive => directive.StartsWith("frame-ancestors ", StringComparison.Ordinal));
        Assert.Equal(
            ["'self'", "https://app.voip.example.com", "https://dash11.comm100.io", "https://ec.consumer.test", "https://rsa.consumer.test"],
            frameAncestors.Split(' ').Skip(1).Order(StringComparer.Ordinal));
        Assert.False(response.Headers.Contains("X-Frame-Options"));
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
    }

    [Fact]
    public async Task SessionCookieIsHttpOnlySecureAndLax()
    {
        await _app.CreateUserAsync("agent@example.com");

        var response = await PostLoginAsync(_app.CreateBrowserClient(), "agent@example.com", DefaultPassword);

        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), value => value.StartsWith("jwtissuer=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("partitioned", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task CrossSiteModePartitionsSessionAndAntiforgeryCookies()
    {
        _app.Settings["Session:CrossSite"] = "true";
        await _app.CreateUserAsync("agent@example.com");

        var client = _app.CreateBrowserClient();
        var page = await client.GetAsync("/login");
        var response = await PostLoginAsync(client, "agent@example.com", DefaultPassword);

        var antiforgery = Assert.Single(page.Headers.GetValues("Set-Cookie"), value => value.StartsWith("jwtissuer.af=", StringComparison.Ordinal));
        var session = Assert.Single(response.Headers.GetValues("Set-Cookie"), value => value.StartsWith("jwtissuer=", StringComparison.Ordinal));
        foreach (var cookie in new[] { antiforgery, session })
        {
            Assert.Contains("samesite=none", cookie, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("partitioned", cookie, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task LogoutEndsTheSession()
    {
        await _app.CreateUserAsync("agent@example.com");
        var client = await _app.CreateSignedInClientAsync("agent@example.com");
        var token = await AntiforgeryTokenAsync(client, "/");

        var logout = await client.PostAsync("/logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));

        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        var response = await client.GetAsync(JwtUrl(Comm100Url));
        Assert.Equal("/login", response.Headers.Location!.AbsolutePath);
    }

    [Fact]
    public async Task StoresPasswordsAsPbkdf2Sha512WithAtLeast210000Iterations()
    {
        var user = await _app.CreateUserAsync("agent@example.com");

        // Identity v3 format: 0x01, PRF (1 = HMAC-SHA256, 2 = HMAC-SHA512), iteration count, salt size; big-endian.
        var hash = Convert.FromBase64String(user.PasswordHash!);
        Assert.Equal(0x01, hash[0]);
        Assert.Equal(2u, System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(hash.AsSpan(1)));
        Assert.True(System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(hash.AsSpan(5)) >= 210_000);
    }
}

/// <summary>The same tests on the embedded SQLite file.</summary>
public sealed class LoginTestsOnSqlite() : LoginTests(TestDatabase.Sqlite);

/// <summary>The same tests on PostgreSQL.</summary>
public sealed class LoginTestsOnPostgres() : LoginTests(TestDatabase.Postgres);
