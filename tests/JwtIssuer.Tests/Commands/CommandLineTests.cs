using System.Net;
using JwtIssuer.Server.Audit;
using JwtIssuer.Server.Users;
using JwtIssuer.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static JwtIssuer.Tests.Infrastructure.JwtIssuerApplication;

namespace JwtIssuer.Tests.Commands;

/// <summary>The CLI verbs against the same SQLite file a running server uses.</summary>
public abstract class CommandLineTests(string provider) : IDisposable
{
    private readonly JwtIssuerApplication _app = new(provider);

    public void Dispose() => _app.Dispose();

    private Task<Cli.Result> RunAsync(string? stdin, params string[] args) => Cli.RunAsync(_app.Settings, stdin, args);

    [Fact]
    public async Task AddsListsDisablesEnablesAndRemovesUsers()
    {
        var added = await RunAsync(DefaultPassword, "users", "add", "cli@example.com", "--name", "Cli Agent", "--password-stdin");
        Assert.Equal((0, ""), (added.ExitCode, added.Stderr));
        Assert.Contains("Added cli@example.com.", added.Stdout, StringComparison.Ordinal);

        var listed = await RunAsync(null, "users", "list");
        Assert.Matches(@"cli@example\.com\s+Cli Agent\s+no\s+active", listed.Stdout);

        Assert.Equal(0, (await RunAsync(null, "users", "disable", "cli@example.com")).ExitCode);
        Assert.Matches(@"cli@example\.com\s+Cli Agent\s+no\s+disabled", (await RunAsync(null, "users", "list")).Stdout);

        Assert.Equal(0, (await RunAsync(null, "users", "enable", "cli@example.com")).ExitCode);
        Assert.Matches(@"cli@example\.com\s+Cli Agent\s+no\s+active", (await RunAsync(null, "users", "list")).Stdout);

        Assert.Equal(0, (await RunAsync(null, "users", "remove", "cli@example.com")).ExitCode);
        Assert.DoesNotContain("cli@example.com", (await RunAsync(null, "users", "list")).Stdout, StringComparison.Ordinal);

        // Every change is in the audit trail, with who made it.
        var changes = await _app.AuditEventsAsync(AuditEventTypes.User);
        Assert.Equal(["added", "disabled", "enabled", "removed"], changes.Select(change => change.Outcome));
        Assert.All(changes, change => Assert.Equal(("cli@example.com", $"cli ({Environment.UserName})"), (change.Email, change.Actor)));
        Assert.Single(changes.Select(change => change.UserId).Distinct());
    }

    [Fact]
    public async Task AddsAnAdminGrantsAndRevokesAdminAndListsIt()
    {
        var added = await RunAsync(DefaultPassword, "users", "add", "boss@example.com", "--admin", "--password-stdin");
        Assert.Equal((0, "Added boss@example.com, an admin."), (added.ExitCode, added.Stdout.Trim()));
        Assert.Equal(0, (await RunAsync(null, "users", "add", "agent@example.com", "--no-password")).ExitCode);
        var listed = (await RunAsync(null, "users", "list")).Stdout;
        Assert.Matches(@"EMAIL\s+NAME\s+ADMIN\s+STATE", listed);
        Assert.Matches(@"boss@example\.com\s+-\s+yes\s+active", listed);
        Assert.Matches(@"agent@example\.com\s+-\s+no\s+active", listed);

        Assert.Equal((0, "agent@example.com is an admin."), await ExitAndOutAsync("users", "grant-admin", "agent@example.com"));
        Assert.True((await _app.FindUserAsync("agent@example.com")).IsAdmin);
        // The command line may demote even the last admin: it is the way back in when the admin pages are no help.
        Assert.Equal((0, "boss@example.com is no longer an admin."), await ExitAndOutAsync("users", "revoke-admin", "boss@example.com"));
        Assert.Equal((0, "agent@example.com is no longer an admin."), await ExitAndOutAsync("users", "revoke-admin", "agent@example.com"));
        Assert.False((await _app.FindUserAsync("agent@example.com")).IsAdmin);
        Assert.Equal(1, (await RunAsync(null, "users", "grant-admin", "nobody@example.com")).ExitCode);

        var changes = await _app.AuditEventsAsync(AuditEventTypes.User);
        Assert.Equal(["added", "added", "admin-granted", "admin-revoked", "admin-revoked"], changes.Select(change => change.Outcome));
        Assert.Equal("admin", changes[0].Reason);
        Assert.Equal("no password", changes[1].Reason);
    }

    private async Task<(int, string)> ExitAndOutAsync(params string[] args)
    {
        var result = await RunAsync(null, args);
        return (result.ExitCode, result.Stdout.Trim());
    }

    [Fact]
    public async Task DisablingAUserRefusesTheirTokenRequestsWithinTheStatusBound()
    {
        await _app.CreateUserAsync("agent@example.com");
        var client = await _app.CreateSignedInClientAsync("agent@example.com");
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync(JwtUrl(Comm100Url))).StatusCode);

        Assert.Equal(0, (await RunAsync(null, "users", "disable", "agent@example.com")).ExitCode);
        _app.Time.Advance(UserStatusSnapshot.MaxAge);

        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync(JwtUrl(Comm100Url))).StatusCode);
    }

    [Fact]
    public async Task DisablingAUserEndsTheirSessionWithin30Seconds()
    {
        await _app.CreateUserAsync("agent@example.com");
        var client = await _app.CreateSignedInClientAsync("agent@example.com");
        Assert.Contains("Signed in as", await client.GetStringAsync("/"), StringComparison.Ordinal);

        Assert.Equal(0, (await RunAsync(null, "users", "disable", "agent@example.com")).ExitCode);
        _app.Time.Advance(TimeSpan.FromSeconds(31));

        Assert.Contains("You are not signed in.", await client.GetStringAsync("/"), StringComparison.Ordinal);
        Assert.Equal("/login", (await client.GetAsync(JwtUrl(Comm100Url))).Headers.Location!.AbsolutePath);
    }

    [Fact]
    public async Task SetPasswordReplacesThePassword()
    {
        await _app.CreateUserAsync("agent@example.com");

        var result = await RunAsync("a brand new passphrase", "users", "set-password", "agent@example.com", "--password-stdin");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(HttpStatusCode.OK, (await PostLoginAsync(_app.CreateBrowserClient(), "agent@example.com", DefaultPassword)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await PostLoginAsync(_app.CreateBrowserClient(), "agent@example.com", "a brand new passphrase")).StatusCode);
        var change = Assert.Single(await _app.AuditEventsAsync(AuditEventTypes.User));
        Assert.Equal(("password-set", "agent@example.com"), (change.Outcome, change.Email));
        Assert.DoesNotContain("passphrase", $"{change.Reason}{change.Actor}", StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddsAnAgentWithNoPasswordWhoCannotSignInHere()
    {
        var added = await RunAsync(null, "users", "add", "shared@example.com", "--no-password");
        Assert.Equal((0, ""), (added.ExitCode, added.Stderr));
        Assert.Matches(@"shared@example\.com\s+-\s+no\s+active", (await RunAsync(null, "users", "list")).Stdout);

        // Not with an empty password, not with any other; and wrong passwords never lock them out (of their tokens).
        foreach (var password in new[] { "", DefaultPassword, "guess 1", "guess 2", "guess 3", "guess 4", "guess 5", "guess 6" })
        {
            var response = await PostLoginAsync(_app.CreateBrowserClient(), "shared@example.com", password);
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"{response.StatusCode}");
            Assert.Contains("The email or password is incorrect", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            AssertNoSessionCookie(response);
        }

        Assert.Matches(@"shared@example\.com\s+-\s+no\s+active", (await RunAsync(null, "users", "list")).Stdout);
        Assert.Equal(0, (await _app.FindUserAsync("shared@example.com")).AccessFailedCount);

        var both = await RunAsync(DefaultPassword, "users", "add", "x@example.com", "--no-password", "--password-stdin");
        Assert.Equal(2, both.ExitCode);
        Assert.Contains("cannot be used together", both.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnlinkForgetsTheProvidersIdentityAndEndsItsSessions()
    {
        await _app.CreateUserAsync("linked@example.com");
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<User>>();
            Assert.True((await users.AddLoginAsync((await users.FindByEmailAsync("linked@example.com"))!, new Microsoft.AspNetCore.Identity.UserLoginInfo("https://idp.example.com", "subject-1", "Example SSO"))).Succeeded);
        }

        var before = await _app.FindUserAsync("linked@example.com");
        var unlinked = await RunAsync(null, "users", "unlink", "linked@example.com");

        Assert.Equal((0, ""), (unlinked.ExitCode, unlinked.Stderr));
        Assert.Contains("Unlinked linked@example.com (1 link).", unlinked.Stdout, StringComparison.Ordinal);
        var change = Assert.Single(await _app.AuditEventsAsync(AuditEventTypes.User));
        Assert.Equal(("unlinked", "subject subject-1 at https://idp.example.com"), (change.Outcome, change.Reason));
        var after = await _app.FindUserAsync("linked@example.com");
        Assert.NotEqual(before.SecurityStamp, after.SecurityStamp);
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<User>>();
            Assert.Empty(await users.GetLoginsAsync(after));
        }
    }

    [Theory]
    [InlineData("short", "users", "add", "x@example.com", "--password-stdin")]
    [InlineData(null, "users", "add", "x@example.com")]
    [InlineData(null, "users", "disable", "nobody@example.com")]
    [InlineData(DefaultPassword, "users", "add", "not-an-email", "--password-stdin")]
    public async Task FailsWithExitCode1AndOneClearMessage(string? stdin, params string[] args)
    {
        var result = await RunAsync(stdin, args);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error: ", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefusesDuplicateUser()
    {
        await _app.CreateUserAsync("agent@example.com");

        var result = await RunAsync(DefaultPassword, "users", "add", "agent@example.com", "--password-stdin");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("agent@example.com", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("user", "list")]
    [InlineData("users", "frobnicate")]
    [InlineData("users", "add")]
    [InlineData("config", "check", "--bogus")]
    public async Task UsageErrorsExitWith2(params string[] args)
    {
        Assert.Equal(2, (await RunAsync(null, args)).ExitCode);
    }

    [Fact]
    public async Task ConfigCheckPrintsConsumersAndKeysButNoSecretMaterial()
    {
        var result = await RunAsync(null, "config", "check");

        Assert.Equal(0, result.ExitCode);
        var fingerprint = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(TestKeys.Rsa.ExportSubjectPublicKeyInfo()));
        Assert.Contains($"rsa-test: RS256, 2048 bits, public key SHA-256 {fingerprint}", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("comm100-hs256: HS256, secret, 43 bytes", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("comm100: audience Comm100, subject comm100, lifetime 00:05:00, key comm100-hs256 (HS256)", result.Stdout, StringComparison.Ordinal);
        Assert.Contains(Comm100Url, result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Configuration is valid.", result.Stdout, StringComparison.Ordinal);

        var output = result.Stdout + result.Stderr;
        var secretBytes = System.Text.Encoding.UTF8.GetBytes(TestKeys.HsSecret);
        var rsaPrivate = TestKeys.Rsa.ExportParameters(includePrivateParameters: true);
        foreach (var forbidden in new[]
        {
            TestKeys.HsSecret,
            Convert.ToBase64String(secretBytes),
            System.Buffers.Text.Base64Url.EncodeToString(secretBytes),
            Convert.ToHexString(secretBytes),
            Convert.ToHexStringLower(secretBytes),
            Convert.ToBase64String(rsaPrivate.D!),
            System.Buffers.Text.Base64Url.EncodeToString(rsaPrivate.D!),
            "PRIVATE KEY",
        })
        {
            Assert.DoesNotContain(forbidden, output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task TokenVerifyExitsZeroForAValidTokenAndOneWithTheReasonOtherwise()
    {
        await _app.CreateUserAsync("agent@example.com");
        var client = await _app.CreateSignedInClientAsync("agent@example.com");
        var token = TokenAssert.TokenFrom((await client.GetAsync(JwtUrl(RsaConsumerUrl))).Headers.Location!);

        var valid = await RunAsync(null, "token", "verify", token);
        var wrongConsumer = await RunAsync(null, "token", "verify", token, "--consumer", "comm100");
        var garbage = await RunAsync(null, "token", "verify", "garbage");

        Assert.Equal(0, valid.ExitCode);
        Assert.Contains("\"kid\": \"rsa-test\"", valid.Stdout, StringComparison.Ordinal);
        Assert.Contains("valid: signed by key 'rsa-test' (RS256) for consumer 'rsa'", valid.Stdout, StringComparison.Ordinal);
        Assert.Equal(1, wrongConsumer.ExitCode);
        Assert.Equal("error: invalid: signed with key 'rsa-test', but consumer 'comm100' signs with key 'comm100-hs256' (a key rotation half done?)", wrongConsumer.Stderr.Trim());
        Assert.Equal(1, garbage.ExitCode);
        Assert.StartsWith("error: invalid: not a signed JWT", garbage.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigCheckFailsNamingEveryBadSetting()
    {
        _app.Settings["JwtIssuer:Consumers:comm100:SigningKey"] = "missing-key";
        _app.Settings["JwtIssuer:Consumers:rsa:TokenLifetime"] = "03:00:00";

        var result = await RunAsync(null, "config", "check");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("error: JwtIssuer:Consumers:comm100:SigningKey 'missing-key'", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("error: JwtIssuer:Consumers:rsa:TokenLifetime", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigCheckFailsOnABadKeyWithoutShowingIt()
    {
        _app.Settings["JwtIssuer:SigningKeys:comm100-hs256:Secret"] = "too-short";
        _app.Settings["JwtIssuer:SigningKeys:ec-test:PrivateKeyPem"] = TestKeys.Rsa.ExportSubjectPublicKeyInfoPem();

        var result = await RunAsync(null, "config", "check");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("error: JwtIssuer:SigningKeys:comm100-hs256: the HS256 secret is 9 bytes", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("error: JwtIssuer:SigningKeys:ec-test", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("too-short", result.Stderr + result.Stdout, StringComparison.Ordinal);
    }
}

/// <summary>The same tests on the embedded SQLite file.</summary>
public sealed class CommandLineTestsOnSqlite() : CommandLineTests(TestDatabase.Sqlite);

/// <summary>The same tests on PostgreSQL.</summary>
public sealed class CommandLineTestsOnPostgres() : CommandLineTests(TestDatabase.Postgres);
