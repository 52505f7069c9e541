using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using JwtIssuer.Tests.Infrastructure;
using static JwtIssuer.Tests.Infrastructure.JwtIssuerApplication;

namespace JwtIssuer.Tests.Endpoints;

/// <summary>Tokens verified by jose-jwt, a JOSE implementation that shares no code with IdentityModel.</summary>
public sealed class IndependentVerificationTests : IDisposable
{
    private readonly JwtIssuerApplication _app = new();

    public void Dispose() => _app.Dispose();

    public static TheoryData<string, string> Consumers => new()
    {
        { Comm100Url, "HS256" },
        { RsaConsumerUrl, "RS256" },
        { EcConsumerUrl, "ES256" },
    };

    [Theory]
    [MemberData(nameof(Consumers))]
    public async Task JoseJwtVerifiesTheSignatureAndReadsTheClaims(string consumerUrl, string algorithm)
    {
        await _app.CreateUserAsync("agent@example.com");
        var client = await _app.CreateSignedInClientAsync("agent@example.com");
        var token = TokenAssert.TokenFrom((await client.GetAsync(JwtUrl(consumerUrl + "?relayState=42"))).Headers.Location!);

        var payload = Jose.JWT.Decode(token, KeyFor(algorithm));

        using var claims = JsonDocument.Parse(payload);
        Assert.Equal("agent@example.com", claims.RootElement.GetProperty("email").GetString());
        Assert.Equal("Comm100", claims.RootElement.GetProperty("aud").GetString());
        Assert.Equal(algorithm, Jose.JWT.Headers(token)["alg"]);
    }

    [Theory]
    [MemberData(nameof(Consumers))]
    public async Task JoseJwtRejectsTheTokenUnderAnotherKey(string consumerUrl, string algorithm)
    {
        await _app.CreateUserAsync("agent@example.com");
        var client = await _app.CreateSignedInClientAsync("agent@example.com");
        var token = TokenAssert.TokenFrom((await client.GetAsync(JwtUrl(consumerUrl))).Headers.Location!);

        object otherKey = algorithm switch
        {
            "HS256" => Encoding.UTF8.GetBytes(TestKeys.HsSecret.ToUpperInvariant() + "!"),
            "RS256" => RSA.Create(2048),
            _ => ECDsa.Create(ECCurve.NamedCurves.nistP256),
        };

        Assert.Throws<Jose.IntegrityException>(() => Jose.JWT.Decode(token, otherKey));
    }

    private static object KeyFor(string algorithm) => algorithm switch
    {
        // Comm100's own sample keys HMAC with Encoding.UTF8.GetBytes(sharedKey): so must the consumer here.
        "HS256" => Encoding.UTF8.GetBytes(TestKeys.HsSecret),
        "RS256" => PublicOnly(TestKeys.Rsa),
        _ => PublicOnly(TestKeys.Ecdsa),
    };

    private static RSA PublicOnly(RSA key)
    {
        var copy = RSA.Create();
        copy.ImportSubjectPublicKeyInfo(key.ExportSubjectPublicKeyInfo(), out _);
        return copy;
    }

    private static ECDsa PublicOnly(ECDsa key)
    {
        var copy = ECDsa.Create();
        copy.ImportSubjectPublicKeyInfo(key.ExportSubjectPublicKeyInfo(), out _);
        return copy;
    }
}
