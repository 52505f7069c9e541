using JwtIssuer.Diagnostics;
using JwtIssuer.Server.Audit;
using JwtIssuer.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using static JwtIssuer.Tests.Infrastructure.JwtIssuerApplication;

namespace JwtIssuer.Tests.Audit;

/// <summary>
/// The <c>JwtIssuer.Audit</c> log category, for those who ship logs: off as shipped, one structured event per stored
/// event when turned on (the test server turns it on).
/// </summary>
public sealed class AuditLogCategoryTests : IDisposable
{
    private const string Agent = "agent@example.com";
    private readonly JwtIssuerApplication _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task EachTokenIsOneEventNamingUserConsumerKeyAndJtiButNeverTheToken()
    {
        var user = await _app.CreateUserAsync(Agent);
        var client = await _app.CreateSignedInClientAsync(Agent);

        var hs = TokenAssert.TokenFrom((await client.GetAsync(JwtUrl(Comm100Url + "?relayState=1"))).Headers.Location!);
        var rs = TokenAssert.TokenFrom((await client.GetAsync(JwtUrl(RsaConsumerUrl))).Headers.Location!);
        await client.GetAsync(JwtUrl("https://evil.example/"));

        var events = _app.Logs.GetSnapshot().Where(record => record.Category == JwtIssuerDiagnostics.AuditCategory && record.Id.Name == "TokenIssued").ToList();
        Assert.Equal(2, events.Count);
        foreach (var (record, token, consumer, key, host) in new[]
        {
            (events[0], hs, "comm100", "comm100-hs256", "dash11.comm100.io"),
            (events[1], rs, "rsa", "rsa-test", "rsa.consumer.test"),
        })
        {
            Assert.Equal(LogLevel.Information, record.Level);
            Assert.Equal(new JsonWebToken(token).Id, record.GetStructuredStateValue("TokenId"));
            Assert.Equal(user.Id, record.GetStructuredStateValue("UserId"));
            Assert.Equal(Agent, record.GetStructuredStateValue("Email"));
            Assert.Equal(consumer, record.GetStructuredStateValue("Consumer"));
            Assert.Equal(key, record.GetStructuredStateValue("KeyId"));
            Assert.Equal(host, record.GetStructuredStateValue("RedirectHost"));
            Assert.DoesNotContain(token.Split('.')[2], record.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(record.StructuredState!, pair => pair.Value?.Contains(token.Split('.')[2], StringComparison.Ordinal) == true);
        }
    }

    [Fact]
    public async Task EveryStoredEventIsOneLineWhenTheCategoryIsOn()
    {
        await _app.CreateUserAsync(Agent);
        var client = await _app.CreateSignedInClientAsync(Agent);
        await client.GetAsync(JwtUrl(Comm100Url));
        await PostLoginAsync(_app.CreateBrowserClient(), Agent, "wrong password");
        await client.GetAsync("/api/jwt/logout");

        var lines = _app.Logs.GetSnapshot().Where(record => record.Category == JwtIssuerDiagnostics.AuditCategory).Select(record => record.Id.Name).ToList();
        Assert.Equal(["SignIn", "TokenIssued", "SignIn", "SignedOut"], lines);
        Assert.Equal(4, (await _app.AuditEventsAsync()).Count);
    }

    [Fact]
    public async Task AsShippedTheCategoryIsOffAndTheEventsAreStoredAllTheSame()
    {
        // The test server turns the category on; without that, the shipped default (Warning) holds even under
        // Logging:LogLevel:Default=Trace, the more specific category winning.
        _app.Settings.Remove("Logging:LogLevel:JwtIssuer.Audit");
        await _app.CreateUserAsync(Agent);
        var client = await _app.CreateSignedInClientAsync(Agent);
        await client.GetAsync(JwtUrl(Comm100Url));

        Assert.DoesNotContain(_app.Logs.GetSnapshot(), record => record.Category == JwtIssuerDiagnostics.AuditCategory);
        Assert.Equal([AuditEventTypes.SignIn, AuditEventTypes.Token], (await _app.AuditEventsAsync()).Select(entry => entry.Type));
    }
}
