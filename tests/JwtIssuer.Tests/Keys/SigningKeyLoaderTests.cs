using System.Security.Cryptography;
using System.Text;
using JwtIssuer.Configuration;
using JwtIssuer.Keys;
using JwtIssuer.Tests.Infrastructure;
using Microsoft.IdentityModel.Tokens;

namespace JwtIssuer.Tests.Keys;

public sealed class SigningKeyLoaderTests
{
    private static SigningCredentials? Load(SigningKeyOptions options, out string? error) =>
        SigningKeyLoader.TryLoad("k", options, Path.GetTempPath(), out error);

    [Fact]
    public void UsesTheSecretsUtf8BytesAsTheHmacKey()
    {
        var secret = "ünïcödé-secret-that-is-long-enough-for-hs256";

        var credentials = Load(new SigningKeyOptions { Algorithm = "HS256", Secret = secret }, out var error);

        Assert.Null(error);
        Assert.Equal(Encoding.UTF8.GetBytes(secret), ((SymmetricSecurityKey)credentials!.Key).Key);
        Assert.Equal("k", credentials.Key.KeyId);
        Assert.Equal(SecurityAlgorithms.HmacSha256, credentials.Algorithm);
    }

    [Fact]
    public void RefusesSecretShorterThan32Bytes()
    {
        Assert.Null(Load(new SigningKeyOptions { Algorithm = "HS256", Secret = new string('x', 31) }, out var error));
        Assert.Contains("31 bytes; at least 32", error, StringComparison.Ordinal);
        Assert.NotNull(Load(new SigningKeyOptions { Algorithm = "HS256", Secret = new string('x', 32) }, out _));
    }

    [Fact]
    public void AcceptsPkcs1AndPkcs8RsaKeys()
    {
        Assert.NotNull(Load(new SigningKeyOptions { Algorithm = "RS256", PrivateKeyPem = TestKeys.Rsa.ExportRSAPrivateKeyPem() }, out _));
        var credentials = Load(new SigningKeyOptions { Algorithm = "RS256", PrivateKeyPem = TestKeys.RsaPrivatePem }, out _);
        Assert.Equal(SecurityAlgorithms.RsaSha256, credentials!.Algorithm);
    }

    [Fact]
    public void AcceptsSec1AndPkcs8P256Keys()
    {
        Assert.NotNull(Load(new SigningKeyOptions { Algorithm = "ES256", PrivateKeyPem = TestKeys.Ecdsa.ExportECPrivateKeyPem() }, out _));
        Assert.NotNull(Load(new SigningKeyOptions { Algorithm = "ES256", PrivateKeyPem = TestKeys.EcPrivatePem }, out _));
    }

    [Fact]
    public void RefusesEncryptedPrivateKeyWithAHowTo()
    {
        var encrypted = TestKeys.Rsa.ExportEncryptedPkcs8PrivateKeyPem("pw", new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 100_000));

        Assert.Null(Load(new SigningKeyOptions { Algorithm = "RS256", PrivateKeyPem = encrypted }, out var error));
        Assert.Contains("encrypted private key", error, StringComparison.Ordinal);
        Assert.Contains("-nocrypt", error, StringComparison.Ordinal);
    }

    [Fact]
    public void RefusesAnRsaKeyConfiguredAsES256()
    {
        Assert.Null(Load(new SigningKeyOptions { Algorithm = "ES256", PrivateKeyPem = TestKeys.RsaPrivatePem }, out var error));
        Assert.Contains("JwtIssuer:SigningKeys:k", error, StringComparison.Ordinal);
    }

    [Fact]
    public void RefusesSecretOnAnAsymmetricKey()
    {
        Assert.Null(Load(new SigningKeyOptions { Algorithm = "RS256", Secret = new string('x', 40) }, out var error));
        Assert.Contains("takes PrivateKeyPem or PrivateKeyFile", error, StringComparison.Ordinal);
    }

    [Fact]
    public void RefusesBothPrivateKeyPemAndPrivateKeyFile()
    {
        Assert.Null(Load(new SigningKeyOptions { Algorithm = "ES256", PrivateKeyPem = TestKeys.EcPrivatePem, PrivateKeyFile = "ec.pem" }, out var error));
        Assert.Contains("PrivateKeyPem and JwtIssuer:SigningKeys:k:PrivateKeyFile are both set", error, StringComparison.Ordinal);
    }
}
