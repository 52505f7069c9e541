using JwtIssuer.Tests.Infrastructure;
using static JwtIssuer.Tests.Infrastructure.JwtIssuerApplication;

namespace JwtIssuer.Tests.Commands;

/// <summary><c>jwt-issuer comm100 setup</c>: what goes into Comm100's Control Panel, and nothing secret unless asked.</summary>
public sealed class Comm100SetupTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("jwt-issuer-setup-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task AnHs256ConsumerGetsTheUrlsAndWhereTheSecretIsKeptButNotTheSecret()
    {
        var result = await Cli.RunAsync(DefaultSettings(_directory), null, "comm100", "setup", "--consumer", "comm100");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"Remote login URL (JWT Authentication URL):  {Issuer}/api/jwt", result.Stdout, StringComparison.Ordinal);
        Assert.Contains($"Remote logout URL (JWT Logout URL):         {Issuer}/api/jwt/logout", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("the setting JwtIssuer:SigningKeys:comm100-hs256:Secret", result.Stdout, StringComparison.Ordinal);
        Assert.Contains($"  {Comm100Url}", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(TestKeys.HsSecret, result.Stdout + result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSecretIsPrintedOnlyWhenAskedWithAWarning()
    {
        var result = await Cli.RunAsync(DefaultSettings(_directory), null, "comm100", "setup", "--consumer", "comm100", "--show-secret");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"\n{TestKeys.HsSecret}\n", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("warning: the HS256 secret is printed above", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnRs256ConsumerGetsThePublicKeyNeverThePrivateOne()
    {
        var result = await Cli.RunAsync(DefaultSettings(_directory), null, "comm100", "setup", "--consumer", "rsa", "--base-url", "https://login.voip.example.com/");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains(TestKeys.Rsa.ExportSubjectPublicKeyInfoPem(), result.Stdout.Replace("\r\n", "\n", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("https://login.voip.example.com/api/jwt\n", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Public key SHA-256: ", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", result.Stdout + result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new string[0], "several consumers are configured (comm100, ec, rsa); name one with --consumer")]
    [InlineData(new[] { "--consumer", "zendesk" }, "no consumer named 'zendesk' (configured: comm100, ec, rsa)")]
    [InlineData(new[] { "--consumer", "ec" }, "consumer 'ec' signs with ES256, which Comm100 does not accept (it takes HS256 or RS256)")]
    [InlineData(new[] { "--consumer", "rsa", "--base-url", "http://sso.example.com" }, "'http://sso.example.com' is not this service's public URL")]
    public async Task AnUnclearOrWrongChoiceFailsWithOneLine(string[] options, string message)
    {
        var result = await Cli.RunAsync(DefaultSettings(_directory), null, ["comm100", "setup", .. options]);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith($"error: {message}", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(result.Stdout);
    }
}
