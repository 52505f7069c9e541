using System.Globalization;
using System.Net;
using JwtIssuer.Server.SignIn.Password;
using JwtIssuer.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using static JwtIssuer.Tests.Infrastructure.JwtIssuerApplication;

namespace JwtIssuer.Tests.Login;

/// <summary><c>SignInLimits</c>, on the application's fake clock: windows end at the exact second.</summary>
public sealed class SignInLimitTests : IDisposable
{
    private const string Agent = "agent@example.com";
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(8);
    private readonly JwtIssuerApplication _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task TwoHundredWrongPasswordsForOneAccountCheckOnlyTheLimitThenTheRightOneWorksWhenTheWindowEnds()
    {
        // Two per window, below Identity's lockout (5): what stops the guessing here is the rate limit alone.
        const int PerAccount = 2;
        _app.Settings["SignInLimits:PerAccount:PermitLimit"] = PerAccount.ToString(CultureInfo.InvariantCulture);
        _app.Settings["SignInLimits:PerAccount:Window"] = Window.ToString();
        _app.Settings["SignInLimits:PerAddress:PermitLimit"] = "1000"; // every test request comes from the same (unknown) address
        await _app.CreateUserAsync(Agent);
        var client = _app.CreateBrowserClient();

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? lastRefused = null;
        for (var attempt = 0; attempt < 200; attempt++)
        {
            if (attempt == 100)
            {
                _app.Time.Advance(TimeSpan.FromSeconds(3)); // later in the same window
            }

            var response = await PostLoginAsync(client, attempt % 2 == 0 ? Agent : Agent.ToUpperInvariant(), $"guess {attempt}");
            statuses.Add(response.StatusCode);
            lastRefused = response.StatusCode == HttpStatusCode.TooManyRequests ? response : lastRefused;
        }

        Assert.Equal(PerAccount, _app.PasswordVerifications.Count);
        Assert.Equal(200 - PerAccount, statuses.Count(status => status == HttpStatusCode.TooManyRequests));

        // Retry-After says how much of the window is left: 8 seconds, 3 of them gone.
        Assert.NotNull(lastRefused);
        Assert.Equal("5", Assert.Single(lastRefused.Headers.GetValues("Retry-After")));
        Assert.Equal("text/html", lastRefused.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Too many sign-in attempts. Try again in 5 seconds.", await lastRefused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // A second early is still too early; waiting as told is enough for the right password to work.
        _app.Time.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(HttpStatusCode.TooManyRequests, (await PostLoginAsync(client, Agent, DefaultPassword)).StatusCode);
        _app.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.Redirect, (await PostLoginAsync(client, Agent, DefaultPassword)).StatusCode);
    }

    [Fact]
    public async Task OneAddressTryingManyAccountsIsLimitedToo()
    {
        _app.Settings["SignInLimits:PerAddress:PermitLimit"] = "4";
        _app.Settings["SignInLimits:PerAddress:Window"] = "00:10:00";
        var client = _app.CreateBrowserClient();

        var statuses = new List<HttpStatusCode>();
        for (var account = 0; account < 10; account++)
        {
            statuses.Add((await PostLoginAsync(client, $"sprayed{account}@example.com", DefaultPassword)).StatusCode);
        }

        Assert.Equal(4, _app.PasswordVerifications.Count);
        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.OK, 4), .. Enumerable.Repeat(HttpStatusCode.TooManyRequests, 6)], statuses);
    }

    [Fact]
    public void AddressesAreLimitedEachOnItsOwnAndIPv6ByItsSlash64()
    {
        var clock = new FakeTimeProvider();
        var throttle = new SignInThrottle(Options.Create(new SignInLimitOptions
        {
            PerAddress = new WindowLimit { PermitLimit = 2, Window = TimeSpan.FromMinutes(10) },
            PerAccount = new WindowLimit { PermitLimit = 100, Window = TimeSpan.FromMinutes(10) },
        }), clock);

        Assert.True(throttle.TryAcquire(IPAddress.Parse("2001:db8:1:2::1"), "a@example.com", out _));
        Assert.True(throttle.TryAcquire(IPAddress.Parse("2001:db8:1:2:ffff::9"), "b@example.com", out _));
        clock.Advance(TimeSpan.FromMinutes(4));
        Assert.False(throttle.TryAcquire(IPAddress.Parse("2001:db8:1:2:abcd::1"), "c@example.com", out var retryAfter));
        Assert.Equal(TimeSpan.FromMinutes(6), retryAfter);

        Assert.True(throttle.TryAcquire(IPAddress.Parse("2001:db8:1:3::1"), "d@example.com", out _));
        Assert.True(throttle.TryAcquire(IPAddress.Parse("192.0.2.1"), "e@example.com", out _));
        Assert.True(throttle.TryAcquire(IPAddress.Parse("::ffff:192.0.2.1"), "f@example.com", out _));
        Assert.False(throttle.TryAcquire(IPAddress.Parse("192.0.2.1"), "g@example.com", out _));
        Assert.True(throttle.TryAcquire(IPAddress.Parse("192.0.2.2"), "h@example.com", out _));

        // A new window for each address once its own has ended.
        clock.Advance(TimeSpan.FromMinutes(6));
        Assert.True(throttle.TryAcquire(IPAddress.Parse("2001:db8:1:2::7"), "i@example.com", out _));
        Assert.False(throttle.TryAcquire(IPAddress.Parse("192.0.2.1"), "j@example.com", out _));
    }

    [Fact]
    public async Task AnAccountNameIsOneBucketWhateverItsCaseOrUnicodeForm()
    {
        _app.Settings["SignInLimits:PerAccount:PermitLimit"] = "2";
        var client = _app.CreateBrowserClient();

        // "josé" composed (U+00E9) and decomposed (e + U+0301): one address to Identity, so one bucket here.
        var spellings = new[] { "jos\u00e9@example.com", "JOSE\u0301@EXAMPLE.COM", "Jos\u00c9@Example.com" };
        var statuses = new List<HttpStatusCode>();
        foreach (var email in spellings)
        {
            statuses.Add((await PostLoginAsync(client, email, "guess")).StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(2, _app.PasswordVerifications.Count);
    }

    [Theory]
    [InlineData("SignInLimits:PerAddress:PermitLimit", "0", "SignInLimits:PerAddress:PermitLimit 0 is out of range")]
    [InlineData("SignInLimits:PerAccount:Window", "00:00:00", "SignInLimits:PerAccount:Window 00:00:00 is out of range")]
    public async Task BadLimitsStopStartUp(string key, string value, string message)
    {
        var settings = DefaultSettings(_app.DataDirectory);
        settings[key] = value;

        var result = await Cli.RunAsync(settings, null, "config", "check");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(message, result.Stderr, StringComparison.Ordinal);
    }
}
