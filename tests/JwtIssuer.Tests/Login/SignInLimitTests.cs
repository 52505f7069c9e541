using System.Diagnostics;
using System.Globalization;
using System.Net;
using JwtIssuer.Server.Security;
using JwtIssuer.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using static JwtIssuer.Tests.Infrastructure.JwtIssuerApplication;

namespace JwtIssuer.Tests.Login;

/// <summary>
/// <c>SignInLimits</c>. The limiters keep real time (System.Threading.RateLimiting has no clock to fake), so
/// these tests use short windows and wait them out.
/// </summary>
public sealed class SignInLimitTests : IDisposable
{
    private const string Agent = "agent@example.com";
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(8);
    private readonly JwtIssuerApplication _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task TwoHundredWrongPasswordsForOneAccountCheckAtMostTheLimitThenTheRightOneWorksAfterTheWindow()
    {
        // Below Identity's lockout (5), so what stops the guessing here is the rate limit alone.
        const int PerAccount = 3;
        _app.Settings["SignInLimits:PerAccount:PermitLimit"] = PerAccount.ToString(CultureInfo.InvariantCulture);
        _app.Settings["SignInLimits:PerAccount:Window"] = Window.ToString();
        _app.Settings["SignInLimits:PerAddress:PermitLimit"] = "1000"; // every test request comes from the same (unknown) address
        await _app.CreateUserAsync(Agent);
        var client = _app.CreateBrowserClient();

        var clock = Stopwatch.StartNew();
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? refused = null;
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var response = await PostLoginAsync(client, attempt % 2 == 0 ? Agent : Agent.ToUpperInvariant(), $"guess {attempt}");
            statuses.Add(response.StatusCode);
            refused ??= response.StatusCode == HttpStatusCode.TooManyRequests ? response : null;
        }

        var elapsed = clock.Elapsed;

        // At most the limit in every window the 200 attempts spanned (one, unless this machine is very slow).
        var windows = (int)Math.Ceiling(elapsed / Window);
        Assert.InRange(_app.PasswordVerifications.Count, PerAccount, PerAccount * windows);
        Assert.Equal(200 - _app.PasswordVerifications.Count, statuses.Count(status => status == HttpStatusCode.TooManyRequests));

        Assert.NotNull(refused);
        var retryAfter = int.Parse(refused.Headers.GetValues("Retry-After").Single(), CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, (int)Window.TotalSeconds);
        Assert.Equal("text/html", refused.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Too many sign-in attempts. Wait", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // While the window lasts, even the right password is not checked.
        var beforeRight = _app.PasswordVerifications.Count;
        if (clock.Elapsed < Window - TimeSpan.FromSeconds(1))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, (await PostLoginAsync(client, Agent, DefaultPassword)).StatusCode);
            Assert.Equal(beforeRight, _app.PasswordVerifications.Count);
        }

        await Task.Delay(Window * windows - clock.Elapsed + TimeSpan.FromSeconds(1));
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
        using var throttle = new SignInThrottle(Options.Create(new SignInLimitOptions
        {
            PerAddress = new WindowLimit { PermitLimit = 2, Window = TimeSpan.FromMinutes(10) },
            PerAccount = new WindowLimit { PermitLimit = 100, Window = TimeSpan.FromMinutes(10) },
        }));

        Assert.True(throttle.TryAcquire(IPAddress.Parse("2001:db8:1:2::1"), "a@example.com", out _));
        Assert.True(throttle.TryAcquire(IPAddress.Parse("2001:db8:1:2:ffff::9"), "b@example.com", out _));
        Assert.False(throttle.TryAcquire(IPAddress.Parse("2001:db8:1:2:abcd::1"), "c@example.com", out var retryAfter));
        Assert.Equal(TimeSpan.FromMinutes(10), retryAfter);

        Assert.True(throttle.TryAcquire(IPAddress.Parse("2001:db8:1:3::1"), "d@example.com", out _));
        Assert.True(throttle.TryAcquire(IPAddress.Parse("192.0.2.1"), "e@example.com", out _));
        Assert.True(throttle.TryAcquire(IPAddress.Parse("::ffff:192.0.2.1"), "f@example.com", out _));
        Assert.False(throttle.TryAcquire(IPAddress.Parse("192.0.2.1"), "g@example.com", out _));
        Assert.True(throttle.TryAcquire(IPAddress.Parse("192.0.2.2"), "h@example.com", out _));
    }

    [Fact]
    public void AccountNamesAreLimitedWhateverTheirCaseOrSpacing()
    {
        using var throttle = new SignInThrottle(Options.Create(new SignInLimitOptions
        {
            PerAddress = new WindowLimit { PermitLimit = 100, Window = TimeSpan.FromMinutes(10) },
            PerAccount = new WindowLimit { PermitLimit = 2, Window = TimeSpan.FromMinutes(10) },
        }));

        Assert.True(throttle.TryAcquire(IPAddress.Parse("192.0.2.1"), Agent, out _));
        Assert.True(throttle.TryAcquire(IPAddress.Parse("192.0.2.2"), " AGENT@example.COM ", out _));
        Assert.False(throttle.TryAcquire(IPAddress.Parse("192.0.2.3"), "Agent@Example.com", out _));
        Assert.True(throttle.TryAcquire(IPAddress.Parse("192.0.2.3"), "other@example.com", out _));
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
