using JwtIssuer.Tests.Infrastructure;

namespace JwtIssuer.Tests.Configuration;

public sealed class NoSecretsInLogsTests
{
    [Fact]
    public async Task NoTokenSecretOrPasswordEverReachesTheLogs()
    {
        using var app = new JwtIssuerApplication();
        await app.CreateUserAsync("agent@example.com");
        var client = await app.CreateSignedInClientAsync("agent@example.com");
        await JwtIssuerApplication.PostLoginAsync(app.CreateBrowserClient(), "agent@example.com", "a wrong password, also secret");
        var tokens = new List<string>();
        foreach (var url in new[] { JwtIssuerApplication.Comm100Url, JwtIssuerApplication.RsaConsumerUrl, JwtIssuerApplication.EcConsumerUrl })
        {
            tokens.Add(TokenAssert.TokenFrom((await client.GetAsync(JwtIssuerApplication.JwtUrl(url + "?relayState=r"))).Headers.Location!));
        }

        var logs = app.Logs.GetSnapshot();
        var text = string.Join('\n', logs.Select(record => $"{record.Message} {record.Exception}"));

        // The capture really is on, at Trace, and saw the flow (so an empty log cannot pass this test).
        Assert.Contains(logs, record => record.Category == JwtIssuer.Diagnostics.TokenAudit.Category);
        Assert.Contains(logs, record => record.Level == Microsoft.Extensions.Logging.LogLevel.Trace || record.Level == Microsoft.Extensions.Logging.LogLevel.Debug);
        foreach (var token in tokens)
        {
            Assert.DoesNotContain(token, text, StringComparison.Ordinal);
            Assert.DoesNotContain(token.Split('.')[2], text, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(TestKeys.HsSecret, text, StringComparison.Ordinal);
        Assert.DoesNotContain(JwtIssuerApplication.DefaultPassword, text, StringComparison.Ordinal);
        Assert.DoesNotContain(Uri.EscapeDataString(JwtIssuerApplication.DefaultPassword), text, StringComparison.Ordinal);
        Assert.DoesNotContain(JwtIssuerApplication.DefaultPassword.Replace(' ', '+'), text, StringComparison.Ordinal);
        Assert.DoesNotContain("a wrong password, also secret", text, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", text, StringComparison.Ordinal);
    }
}
