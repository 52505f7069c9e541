using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using JwtIssuer.Tests.Infrastructure;
using static JwtIssuer.Tests.Infrastructure.JwtIssuerApplication;

namespace JwtIssuer.Tests.Keys;

/// <summary>
/// <c>jwt-issuer keygen</c> end to end: the real executable writes the key, the server signs with it, and the
/// printed public key (or secret) verifies the token with System.Security.Cryptography alone.
/// </summary>
public sealed partial class KeygenTests : IDisposable
{
    private static readonly Dictionary<string, string?> NoConfiguration = [];
    private readonly JwtIssuerApplication _app = new();

    private string KeysFolder => Path.Combine(_app.DataDirectory, "keys");

    public void Dispose() => _app.Dispose();

    private Task<Cli.Result> KeygenAsync(params string[] args) => Cli.RunAsync(NoConfiguration, null, ["keygen", .. args, "--out", KeysFolder]);

    [Theory]
    [InlineData("RS256")]
    [InlineData("ES256")]
    public async Task KeyPairSignsTokensThatThePrintedPublicKeyVerifies(string algorithm)
    {
        var generated = await KeygenAsync(algorithm, "--id", "fresh");
        Assert.Equal(0, generated.ExitCode);
        var privateFile = Path.Combine(KeysFolder, "fresh.private.pem");
        Assert.Contains($"\"fresh\": {{ \"Algorithm\": \"{algorithm}\", \"PrivateKeyFile\": \"{privateFile}\" }}", generated.Stdout, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(privateFile));
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", await File.ReadAllTextAsync(privateFile), StringComparison.Ordinal);
        var printedPublicKey = PublicKeyPem().Match(generated.Stdout).Value;
        Assert.Equal((await File.ReadAllTextAsync(Path.Combine(KeysFolder, "fresh.public.pem"))).Trim(), printedPublicKey);

        // Wire it up exactly as the printed snippet says.
        _app.Settings["JwtIssuer:SigningKeys:fresh:Algorithm"] = algorithm;
        _app.Settings["JwtIssuer:SigningKeys:fresh:PrivateKeyFile"] = privateFile;
        _app.Settings["JwtIssuer:Consumers:rsa:SigningKey"] = "fresh";
        var token = await MintAsync(RsaConsumerUrl);

        var (signed, signature) = SignedPartAndSignature(token);
        Assert.Contains("\"kid\":\"fresh\"", Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token.Split('.')[0])), StringComparison.Ordinal);
        if (algorithm == "RS256")
        {
            using var rsa = RSA.Create();
            rsa.ImportFromPem(printedPublicKey);
            Assert.True(rsa.VerifyData(signed, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        }
        else
        {
            using var ecdsa = ECDsa.Create();
            ecdsa.ImportFromPem(printedPublicKey);
            Assert.True(ecdsa.VerifyData(signed, signature, HashAlgorithmName.SHA256));
        }
    }

    [Fact]
    public async Task SecretIsA43CharacterBase64UrlStringWhoseUtf8BytesVerifyTheToken()
    {
        var generated = await KeygenAsync("HS256", "--id", "shared");
        Assert.Equal(0, generated.ExitCode);
        var secret = PrintedSecret().Match(generated.Stdout).Groups[1].Value;
        Assert.Equal(43, secret.Length);
        var secretFile = Path.Combine(KeysFolder, "shared.secret");
        Assert.Equal(secret, (await File.ReadAllTextAsync(secretFile)).TrimEnd('\n'));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(secretFile));

        _app.Settings.Remove("JwtIssuer:SigningKeys:comm100-hs256:Secret");
        _app.Settings["JwtIssuer:SigningKeys:comm100-hs256:SecretFile"] = secretFile;
        var token = await MintAsync(Comm100Url);

        var (signed, signature) = SignedPartAndSignature(token);
        Assert.Equal(signature, HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }

    [Fact]
    public async Task NeverOverwritesAKeyWithoutForce()
    {
        Assert.Equal(0, (await KeygenAsync("ES256", "--id", "kept")).ExitCode);
        var privateFile = Path.Combine(KeysFolder, "kept.private.pem");
        var original = await File.ReadAllTextAsync(privateFile);

        var refused = await KeygenAsync("ES256", "--id", "kept");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("already exists", refused.Stderr, StringComparison.Ordinal);
        Assert.Equal(original, await File.ReadAllTextAsync(privateFile));

        Assert.Equal(0, (await KeygenAsync("ES256", "--id", "kept", "--force")).ExitCode);
        Assert.NotEqual(original, await File.ReadAllTextAsync(privateFile));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(privateFile));
    }

    [Fact]
    public async Task DefaultsTo2048BitsAndADatedKeyId()
    {
        var generated = await KeygenAsync("RS256");

        Assert.Equal(0, generated.ExitCode);
        var id = $"rs256-{DateTime.UtcNow:yyyy-MM-dd}";
        Assert.Contains($"Generated RS256 key '{id}' (2048 bits).", generated.Stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(KeysFolder, $"{id}.private.pem")));
        Assert.Contains("Rotate in this order", generated.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2, "RS256", "--bits", "1024")]
    [InlineData(2, "HS512")]
    [InlineData(1, "HS256", "--bits", "4096")]
    [InlineData(1, "RS256", "--id", "bad:id")]
    public async Task RejectsBadArguments(int exitCode, params string[] args)
    {
        var result = await KeygenAsync(args);

        Assert.Equal(exitCode, result.ExitCode);
        Assert.False(Directory.Exists(KeysFolder) && Directory.EnumerateFiles(KeysFolder).Any());
    }

    private async Task<string> MintAsync(string consumerUrl)
    {
        await _app.CreateUserAsync("agent@example.com");
        var client = await _app.CreateSignedInClientAsync("agent@example.com");
        var response = await client.GetAsync(JwtUrl(consumerUrl));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return TokenAssert.TokenFrom(response.Headers.Location!);
    }

    private static (byte[] Signed, byte[] Signature) SignedPartAndSignature(string token)
    {
        var lastDot = token.LastIndexOf('.');
        return (Encoding.ASCII.GetBytes(token[..lastDot]), Base64Url.DecodeFromChars(token.AsSpan(lastDot + 1)));
    }

    [GeneratedRegex("-----BEGIN PUBLIC KEY-----[\\s\\S]+?-----END PUBLIC KEY-----")]
    private static partial Regex PublicKeyPem();

    [GeneratedRegex("^([A-Za-z0-9_-]{43})$", RegexOptions.Multiline)]
    private static partial Regex PrintedSecret();
}
