using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using JwtIssuer.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using static JwtIssuer.Tests.Infrastructure.JwtIssuerApplication;

namespace JwtIssuer.Tests.Endpoints;

public abstract class JwksAndRotationTests(string provider) : IDisposable
{
    private readonly JwtIssuerApplication _app = new(provider);

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task JwksPublishesEveryPublicKeyAndNoSecret()
    {
        var response = await _app.CreateBrowserClient().GetAsync("/.well-known/jwks.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/jwk-set+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("public, max-age=300", response.Headers.CacheControl?.ToString());
        var body = await response.Content.ReadAsStringAsync();
        using var jwks = JsonDocument.Parse(body);
        var keys = jwks.RootElement.GetProperty("keys").EnumerateArray().ToDictionary(key => key.GetProperty("kid").GetString()!);

        Assert.Equal(["ec-test", "rsa-test"], keys.Keys.Order(StringComparer.Ordinal));
        var rsa = keys["rsa-test"];
        var rsaPublic = TestKeys.Rsa.ExportParameters(includePrivateParameters: false);
        Assert.Equal(("RSA", "sig", "RS256"), (rsa.GetProperty("kty").GetString(), rsa.GetProperty("use").GetString(), rsa.GetProperty("alg").GetString()));
        Assert.Equal(rsaPublic.Modulus, Base64Url.DecodeFromChars(rsa.GetProperty("n").GetString()));
        Assert.Equal(rsaPublic.Exponent, Base64Url.DecodeFromChars(rsa.GetProperty("e").GetString()));
        var ec = keys["ec-test"];
        var ecPublic = TestKeys.Ecdsa.ExportParameters(includePrivateParameters: false).Q;
        Assert.Equal(("EC", "P-256", "ES256"), (ec.GetProperty("kty").GetString(), ec.GetProperty("crv").GetString(), ec.GetProperty("alg").GetString()));
        Assert.Equal(ecPublic.X, Base64Url.DecodeFromChars(ec.GetProperty("x").GetString()));
        Assert.Equal(ecPublic.Y, Base64Url.DecodeFromChars(ec.GetProperty("y").GetString()));

        // No private or symmetric member anywhere, and not the shared secret in any spelling.
        foreach (var key in keys.Values)
        {
            Assert.All(key.EnumerateObject(), member => Assert.DoesNotContain(member.Name, new[] { "d", "p", "q", "dp", "dq", "qi", "k" }));
        }

        Assert.DoesNotContain("comm100-hs256", body, StringComparison.Ordinal);
        Assert.DoesNotContain(TestKeys.HsSecret, body, StringComparison.Ordinal);
        Assert.DoesNotContain(Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes(TestKeys.HsSecret)), body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SwitchingAConsumerToANewKeySignsWithItsKidWhileJwksListsBoth()
    {
        using var next = RSA.Create(2048);
        _app.Settings["JwtIssuer:SigningKeys:rsa-next:Algorithm"] = "RS256";
        _app.Settings["JwtIssuer:SigningKeys:rsa-next:PrivateKeyPem"] = next.ExportPkcs8PrivateKeyPem();
        await _app.CreateUserAsync("agent@example.com");
        var cookies = new CookieContainer();
        var client = await _app.CreateSignedInClientAsync("agent@example.com", cookies: cookies);
        var before = new JsonWebToken(TokenAssert.TokenFrom((await client.GetAsync(JwtUrl(RsaConsumerUrl))).Headers.Location!));
        Assert.Equal("rsa-test", before.Kid);

        // The switch is a configuration change and a restart; the agent stays signed in.
        _app.OwnsData = false;
        await _app.DisposeAsync();
        using var restarted = new JwtIssuerApplication(_app) { OwnsData = true };
        restarted.Settings["JwtIssuer:Consumers:rsa:SigningKey"] = "rsa-next";

        var after = TokenAssert.TokenFrom((await restarted.CreateBrowserClient(cookies).GetAsync(JwtUrl(RsaConsumerUrl))).Headers.Location!);

        var token = await TokenAssert.VerifiedAsync(after, new RsaSecurityKey(next.ExportParameters(false)), "Comm100", restarted.Time.GetUtcNow());
        Assert.Equal("rsa-next", token.Kid);
        Assert.False((await TokenAssert.ValidateAsync(after, TokenAssert.Rs256PublicKey, "Comm100", restarted.Time.GetUtcNow())).IsValid);
        using var jwks = JsonDocument.Parse(await restarted.CreateBrowserClient().GetStringAsync("/.well-known/jwks.json"));
        var kids = jwks.RootElement.GetProperty("keys").EnumerateArray().Select(key => key.GetProperty("kid").GetString());
        Assert.Equal(["ec-test", "rsa-next", "rsa-test"], kids.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AWorldReadableKeyFileLogsAWarningAtStartUp()
    {
        var keyFile = Path.Combine(_app.DataDirectory, "rsa.pem");
        await File.WriteAllTextAsync(keyFile, TestKeys.RsaPrivatePem);
        File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        _app.Settings.Remove("JwtIssuer:SigningKeys:rsa-test:PrivateKeyPem");
        _app.Settings["JwtIssuer:SigningKeys:rsa-test:PrivateKeyFile"] = keyFile;

        _ = _app.CreateClient();

        Assert.Contains(_app.Logs.GetSnapshot(), record =>
            record.Level == Microsoft.Extensions.Logging.LogLevel.Warning && record.Message.Contains($"'{keyFile}' can be read by other users", StringComparison.Ordinal));
    }
}

/// <summary>The same tests on the embedded SQLite file.</summary>
public sealed class JwksAndRotationTestsOnSqlite() : JwksAndRotationTests(TestDatabase.Sqlite);

/// <summary>The same tests on PostgreSQL.</summary>
public sealed class JwksAndRotationTestsOnPostgres() : JwksAndRotationTests(TestDatabase.Postgres);
