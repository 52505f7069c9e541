using JwtIssuer.Tests.Infrastructure;

namespace JwtIssuer.Tests.Sso;

/// <summary><c>jwt-issuer consumer setup NAME</c>: what goes into each product's settings, never a secret unless asked.</summary>
public sealed class ConsumerSetupCommandTests : IDisposable
{
    private readonly JwtIssuerApplication _app = new();

    public ConsumerSetupCommandTests()
    {
        SsoProfileTests.AddHelpDesks(_app.Settings);
        _app.Settings["JwtIssuer:Consumers:freshworks:Profile"] = "freshworks"; // any case
    }

    public void Dispose() => _app.Dispose();

    private Task<Cli.Result> RunAsync(params string[] args) => Cli.RunAsync(_app.Settings, null, args);

    [Fact]
    public async Task ZendeskGetsItsRemoteLoginAndLogoutUrlsAndWhereTheSecretIs()
    {
        var setup = await RunAsync("consumer", "setup", "zendesk");
        Assert.Equal((0, ""), (setup.ExitCode, setup.Stderr));
        Assert.Contains($"Remote login URL:   {JwtIssuerApplication.Issuer}/sso/zendesk", setup.Stdout, StringComparison.Ordinal);
        Assert.Contains($"Remote logout URL:  {JwtIssuerApplication.Issuer}/sso/zendesk/logout", setup.Stdout, StringComparison.Ordinal);
        Assert.Contains("the setting JwtIssuer:SigningKeys:zendesk-hs256:Secret", setup.Stdout, StringComparison.Ordinal);
        Assert.Contains(SsoProfileTests.ZendeskUrl, setup.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(TestKeys.ZendeskSecret, setup.Stdout, StringComparison.Ordinal);

        var shown = await RunAsync("consumer", "setup", "zendesk", "--show-secret");
        Assert.Contains($"Shared secret:      {TestKeys.ZendeskSecret}", shown.Stdout, StringComparison.Ordinal);
        Assert.Contains("warning", shown.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FreshworksGetsItsAuthorizationUrlAndThePublicKey()
    {
        var setup = await RunAsync("consumer", "setup", "freshworks", "--base-url", "https://sso.acme.example");
        Assert.Equal(0, setup.ExitCode);
        Assert.Contains("Authorization URL:  https://sso.acme.example/sso/freshworks", setup.Stdout, StringComparison.Ordinal);
        Assert.Contains(TestKeys.FreshworksRsa.ExportSubjectPublicKeyInfoPem(), setup.Stdout.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", setup.Stdout, StringComparison.Ordinal);
        Assert.Contains(SsoProfileTests.FreshworksUrl, setup.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Comm100ConsumersGetComm100sSetupAndOtherProductsAreSentToTheirOwn()
    {
        var comm100 = await RunAsync("consumer", "setup", "comm100");
        Assert.Contains("Remote login URL (JWT Authentication URL):", comm100.Stdout, StringComparison.Ordinal);

        var wrong = await RunAsync("comm100", "setup", "--consumer", "zendesk");
        Assert.Equal(1, wrong.ExitCode);
        Assert.Contains("run 'jwt-issuer consumer setup zendesk'", wrong.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, (await RunAsync("consumer", "setup", "nobody")).ExitCode);
    }
}
