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
        SigningKeyLoader.TryLoad("k", options, Path.GetTempPath(), [], out error);

    private static string EncryptedRsaPem(string passphrase) =>
        TestKeys.Rsa.ExportEncryptedPkcs8PrivateKeyPem(passphrase, new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 100_000));

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

    [Theory]
    [InlineData("RS256", "keys/rsa|.pem", "JwtIssuer:SigningKeys:k:PrivateKeyFile is not a valid file path ('keys/rsa\\u0000.pem').")]
    [InlineData("HS256", "secrets/hs|", "JwtIssuer:SigningKeys:k:SecretFile is not a valid file path (value not shown")]
    public void SaysAPathWithANulCharacterIsNotAFilePath(string algorithm, string path, string expected)
    {
        var file = path.Replace('|', '\0');
        var options = algorithm == "HS256"
            ? new SigningKeyOptions { Algorithm = algorithm, SecretFile = file }
            : new SigningKeyOptions { Algorithm = algorithm, PrivateKeyFile = file };

        Assert.Null(Load(options, out var error));
        Assert.StartsWith(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain("\0", error, StringComparison.Ordinal);
    }

    [Fact]
    public void RefusesEncryptedPrivateKeyWithoutPassphraseNamingTheSettings()
    {
        Assert.Null(Load(new SigningKeyOptions { Algorithm = "RS256", PrivateKeyPem = EncryptedRsaPem("pw") }, out var error));
        Assert.Contains("encrypted private key but no passphrase", error, StringComparison.Ordinal);
        Assert.Contains("JwtIssuer:SigningKeys:k:PrivateKeyPassphrase", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ImportsEncryptedPrivateKeyWithPassphraseFromSettingOrFile()
    {
        var passphraseFile = Path.GetTempFileName();
        File.WriteAllText(passphraseFile, "correct horse\n");

        var inline = Load(new SigningKeyOptions { Algorithm = "RS256", PrivateKeyPem = EncryptedRsaPem("correct horse"), PrivateKeyPassphrase = "correct horse" }, out var inlineError);
        var fromFile = Load(new SigningKeyOptions { Algorithm = "RS256", PrivateKeyPem = EncryptedRsaPem("correct horse"), PrivateKeyPassphraseFile = passphraseFile }, out var fileError);

        Assert.Null(inlineError);
        Assert.Null(fileError);
        Assert.Equal(TestKeys.Rsa.ExportSubjectPublicKeyInfo(), ((RsaSecurityKey)inline!.Key).Rsa.ExportSubjectPublicKeyInfo());
        Assert.NotNull(fromFile);
    }

    [Fact]
    public void RefusesWrongPassphrase()
    {
        Assert.Null(Load(new SigningKeyOptions { Algorithm = "RS256", PrivateKeyPem = EncryptedRsaPem("right"), PrivateKeyPassphrase = "wrong" }, out var error));
        Assert.StartsWith("JwtIssuer:SigningKeys:k could not be imported", error, StringComparison.Ordinal);
    }

    [Fact]
    public void WarnsWhenOtherUsersCanReadTheKeyFile()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var file = Path.GetTempFileName();
        File.WriteAllText(file, TestKeys.RsaPrivatePem);
        var warnings = new List<string>();

        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        Assert.NotNull(SigningKeyLoader.TryLoad("k", new SigningKeyOptions { Algorithm = "RS256", PrivateKeyFile = file }, "/", warnings, out _));
        Assert.Equal($"JwtIssuer:SigningKeys:k:PrivateKeyFile '{file}' can be read by other users; run `chmod 600 {file}`.", Assert.Single(warnings));

        warnings.Clear();
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Assert.NotNull(SigningKeyLoader.TryLoad("k", new SigningKeyOptions { Algorithm = "RS256", PrivateKeyFile = file }, "/", warnings, out _));
        Assert.Empty(warnings);
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

    [Fact]
    public void NeverRepeatsASecretPastedIntoAFileSetting()
    {
        Assert.Null(Load(new SigningKeyOptions { Algorithm = "HS256", SecretFile = TestKeys.HsSecret }, out var secretError));
        Assert.Null(Load(new SigningKeyOptions { Algorithm = "RS256", PrivateKeyFile = TestKeys.RsaPrivatePem }, out var pemError));
        Assert.Null(Load(new SigningKeyOptions { Algorithm = "RS256", PrivateKeyPem = EncryptedRsaPem("pw"), PrivateKeyPassphraseFile = "hunter2-passphrase" }, out var passphraseError));

        Assert.DoesNotContain(TestKeys.HsSecret, secretError, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", pemError, StringComparison.Ordinal);
        Assert.DoesNotContain(TestKeys.RsaPrivatePem.Split('\n')[1], pemError, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", passphraseError, StringComparison.Ordinal);
        Assert.Contains("JwtIssuer:SigningKeys:k:SecretFile: cannot read (value not shown", secretError, StringComparison.Ordinal);
    }

    [Fact]
    public void AnEmptySecretSettingDoesNotSpoilAnRsaKey()
    {
        // An empty environment variable (JwtIssuer__SigningKeys__k__Secret=) binds as "".
        Assert.NotNull(Load(new SigningKeyOptions { Algorithm = "RS256", PrivateKeyPem = TestKeys.RsaPrivatePem, Secret = "" }, out var error));
        Assert.Null(error);
    }

    [Fact]
    public void ExplainsHowToConvertALegacyEncryptedPem()
    {
        const string legacy = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,00112233445566778899AABBCCDDEEFF\n\nAAAA\n-----END RSA PRIVATE KEY-----\n";

        Assert.Null(Load(new SigningKeyOptions { Algorithm = "RS256", PrivateKeyPem = legacy, PrivateKeyPassphrase = "pw" }, out var error));
        Assert.Contains("openssl pkcs8 -topk8", error, StringComparison.Ordinal);
    }
}
