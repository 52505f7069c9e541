using JwtIssuer.Diagnostics;
using JwtIssuer.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using static JwtIssuer.Tests.Infrastructure.JwtIssuerApplication;

namespace JwtIssuer.Tests.Telemetry;

/// <summary>The audit trail: one structured event per token, on its own category.</summary>
public sealed class AuditTests : IDisposable
{
    private readonly JwtIssuerApplication _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task EachTokenIsOneEventNamingUserConsumerKeyAndJtiButNeverTheToken()
    {
        var user = await _app.CreateUserAsync("agent@example.com");
        var client = await _app.CreateSignedInClientAsync("agent@example.com");

        var hs = TokenAssert.TokenFrom((await client.GetAsync(JwtUrl(Comm100Url + "?relayState=1"))).Headers.Location!);
        var rs = TokenAssert.TokenFrom((await client.GetAsync(JwtUrl(RsaConsumerUrl))).Headers.Location!);
        await client.GetAsync(JwtUrl("https://evil.example/"));

        var events = _app.Logs.GetSnapshot().Where(record => record.Category == JwtIssuerDiagnostics.AuditCategory).ToList();
        Assert.Equal(2, events.Count);
        foreach (var (record, token, consumer, key, host) in new[]
        {
            (events[0], hs, "comm100", "comm100-hs256", "dash11.comm100.io"),
            (events[1], rs, "rsa", "rsa-test", "rsa.consumer.test"),
        })
        {
            Assert.Equal(LogLevel.Information, record.Level);
            Assert.Equal("TokenIssued", record.Id.Name);
            Assert.Equal(new JsonWebToken(token).Id, record.GetStructuredStateValue("TokenId"));
            Assert.Equal(user.Id, record.GetStructuredStateValue("UserId"));
            Assert.Equal("agent@example.com", record.GetStructuredStateValue("Email"));
            Assert.Equal(consumer, record.GetStructuredStateValue("Consumer"));
            Assert.Equal(key, record.GetStructuredStateValue("KeyId"));
            Assert.Equal(host, record.GetStructuredStateValue("RedirectHost"));
            Assert.DoesNotContain(token.Split('.')[2], record.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(record.StructuredState!, pair => pair.Value?.Contains(token.Split('.')[2], StringComparison.Ordinal) == true);
        }
    }
}
