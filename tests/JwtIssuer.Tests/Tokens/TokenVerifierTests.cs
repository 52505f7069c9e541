using System.Buffers.Text;
using System.Text;
using JwtIssuer.Tests.Infrastructure;
using JwtIssuer.Tokens;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using static JwtIssuer.Tests.Infrastructure.JwtIssuerApplication;

namespace JwtIssuer.Tests.Tokens;

/// <summary>What <c>token verify</c> says for each way a token can be wrong.</summary>
public sealed class TokenVerifierTests : IDisposable
{
    private readonly JwtIssuerApplication _app = new();

    public void Dispose() => _app.Dispose();

    private TokenVerifier Verifier => _app.Services.GetRequiredService<TokenVerifier>();

    private string Sign(SecurityKey key, string algorithm, string? audience = "Comm100", TimeSpan? age = null, string issuer = Issuer)
    {
        var issued = _app.Time.GetUtcNow().UtcDateTime - (age ?? TimeSpan.Zero);
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = issued,
            NotBefore = issued,
            Expires = issued + TimeSpan.FromMinutes(5),
            Claims = new Dictionary<string, object> { ["email"] = "agent@example.com", ["sub"] = "comm100" },
            SigningCredentials = new SigningCredentials(key, algorithm),
        });
    }

    private static SymmetricSecurityKey HsKey(string kid = "comm100-hs256", string? secret = null) =>
        new(Encoding.UTF8.GetBytes(secret ?? TestKeys.HsSecret)) { KeyId = kid };

    [Fact]
    public async Task AcceptsATokenTheIssuerMinted()
    {
        await _app.CreateUserAsync("agent@example.com");
        var client = await _app.CreateSignedInClientAsync("agent@example.com");
        var token = TokenAssert.TokenFrom((await client.GetAsync(JwtUrl(Comm100Url))).Headers.Location!);

        var result = await Verifier.VerifyAsync(token);

        Assert.True(result.IsValid, result.Reason);
        Assert.Equal("valid: signed by key 'comm100-hs256' (HS256) for consumer 'comm100', expires in 5m 0s", result.Reason);
        Assert.Contains("\"kid\": \"comm100-hs256\"", result.Header, StringComparison.Ordinal);
        Assert.Contains("\"email\": \"agent@example.com\"", result.Payload, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SaysByHowMuchATokenHasExpired()
    {
        var result = await Verifier.VerifyAsync(Sign(HsKey(), SecurityAlgorithms.HmacSha256, age: TimeSpan.FromMinutes(17)));

        Assert.False(result.IsValid);
        Assert.StartsWith("expired 12m 0s ago", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ToleratesOneMinuteOfClockSkewAndSaysSo()
    {
        var withinTolerance = await Verifier.VerifyAsync(Sign(HsKey(), SecurityAlgorithms.HmacSha256, age: TimeSpan.FromSeconds(339)));
        var beyond = await Verifier.VerifyAsync(Sign(HsKey(), SecurityAlgorithms.HmacSha256, age: TimeSpan.FromSeconds(361)));

        Assert.True(withinTolerance.IsValid);
        Assert.EndsWith("expired 39s ago, within the 60 s clock tolerance", withinTolerance.Reason, StringComparison.Ordinal);
        Assert.False(beyond.IsValid);
        Assert.StartsWith("expired 1m 1s ago", beyond.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefusesCriticalHeaderExtensions()
    {
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = "Comm100",
            Expires = _app.Time.GetUtcNow().UtcDateTime.AddMinutes(5),
            AdditionalHeaderClaims = new Dictionary<string, object> { ["crit"] = new[] { "b64" }, ["b64"] = false },
            SigningCredentials = new SigningCredentials(HsKey(), SecurityAlgorithms.HmacSha256),
        });

        Assert.Equal("the header has 'crit' extensions, which this issuer never sets", (await Verifier.VerifyAsync(token)).Reason);
    }

    [Fact]
    public async Task RefusesATokenForSeveralAudiences()
    {
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audiences = { "evil", "Comm100" },
            Expires = _app.Time.GetUtcNow().UtcDateTime.AddMinutes(5),
            SigningCredentials = new SigningCredentials(HsKey(), SecurityAlgorithms.HmacSha256),
        });

        Assert.Equal("the token names 2 audiences; a token from this issuer names exactly one", (await Verifier.VerifyAsync(token)).Reason);
    }

    [Fact]
    public async Task MatchesKidExactlyAndEscapesWhatItEchoes()
    {
        var differentCase = await Verifier.VerifyAsync(Sign(HsKey("COMM100-HS256"), SecurityAlgorithms.HmacSha256));
        var hostile = await Verifier.VerifyAsync(Sign(HsKey("k\u001b[31m\n"), SecurityAlgorithms.HmacSha256));

        Assert.StartsWith("unknown kid 'COMM100-HS256'", differentCase.Reason, StringComparison.Ordinal);
        Assert.StartsWith("unknown kid 'k\\u001b[31m\\u000a'", hostile.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', hostile.Reason);
    }

    [Theory]
    [InlineData("Other", "wrong audience 'Other': consumer 'comm100' expects 'Comm100'")]
    public async Task NamesTheWrongAudience(string audience, string expected)
    {
        Assert.Equal(expected, (await Verifier.VerifyAsync(Sign(HsKey(), SecurityAlgorithms.HmacSha256, audience))).Reason);
    }

    [Fact]
    public async Task NamesTheWrongIssuer()
    {
        var result = await Verifier.VerifyAsync(Sign(HsKey(), SecurityAlgorithms.HmacSha256, issuer: "https://evil.example"));

        Assert.Equal($"wrong issuer 'https://evil.example': this service is '{Issuer}'", result.Reason);
    }

    [Fact]
    public async Task DetectsATamperedPayload()
    {
        var parts = Sign(HsKey(), SecurityAlgorithms.HmacSha256).Split('.');
        var payload = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(parts[1])).Replace("agent@example.com", "admin@example.com", StringComparison.Ordinal);
        var tampered = $"{parts[0]}.{Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload))}.{parts[2]}";

        var result = await Verifier.VerifyAsync(tampered);

        Assert.Equal("bad signature: not signed by key 'comm100-hs256', or altered after signing", result.Reason);
        Assert.Contains("admin@example.com", result.Payload, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DetectsTheWrongKey()
    {
        var result = await Verifier.VerifyAsync(Sign(HsKey(secret: new string('x', 43)), SecurityAlgorithms.HmacSha256));

        Assert.Equal("bad signature: not signed by key 'comm100-hs256', or altered after signing", result.Reason);
    }

    [Fact]
    public async Task RefusesAlgNone()
    {
        static string Encode(string json) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));
        var unsigned = $"{Encode("{\"alg\":\"none\",\"typ\":\"JWT\",\"kid\":\"comm100-hs256\"}")}.{Encode($"{{\"iss\":\"{Issuer}\",\"aud\":\"Comm100\",\"email\":\"a@b.c\"}}")}.";

        var result = await Verifier.VerifyAsync(unsigned);

        Assert.Equal("alg 'none': an unsigned token is never accepted", result.Reason);
    }

    [Fact]
    public async Task NamesAnUnknownKid()
    {
        var result = await Verifier.VerifyAsync(Sign(HsKey("retired-2025"), SecurityAlgorithms.HmacSha256));

        Assert.Equal("unknown kid 'retired-2025': no such key is configured (configured: comm100-hs256, ec-test, rsa-test)", result.Reason);
    }

    [Fact]
    public async Task NamesAKidThatIsNotTheConsumersKey()
    {
        var token = Sign(new ECDsaSecurityKey(TestKeys.Ecdsa) { KeyId = "ec-test" }, SecurityAlgorithms.EcdsaSha256);

        var result = await Verifier.VerifyAsync(token, "comm100");

        Assert.Equal("signed with key 'ec-test', but consumer 'comm100' signs with key 'comm100-hs256' (a key rotation half done?)", result.Reason);
    }

    [Fact]
    public async Task RefusesAnAlgorithmThatIsNotTheKeys()
    {
        // The classic confusion attack: HMAC keyed with what the verifier believes is a public key.
        var token = Sign(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(TestKeys.Rsa.ExportSubjectPublicKeyInfoPem())) { KeyId = "rsa-test" }, SecurityAlgorithms.HmacSha256);

        var result = await Verifier.VerifyAsync(token);

        Assert.Equal("alg 'HS256' does not match key 'rsa-test', which is RS256", result.Reason);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a token")]
    [InlineData("a.b")]
    public async Task SaysWhenTheInputIsNotAJwt(string input)
    {
        Assert.StartsWith("not a signed JWT", (await Verifier.VerifyAsync(input)).Reason, StringComparison.Ordinal);
    }
}
