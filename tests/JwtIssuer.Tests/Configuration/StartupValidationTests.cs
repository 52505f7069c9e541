using System.Security.Cryptography;
using JwtIssuer.Server;
using JwtIssuer.Server.Configuration;
using JwtIssuer.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;

namespace JwtIssuer.Tests.Configuration;

/// <summary>A bad setting stops start-up with a message naming it, instead of surfacing as failed sign-ins.</summary>
public sealed class StartupValidationTests
{
    public static TheoryData<string, string?, string> InvalidSettings => new()
    {
        { "JwtIssuer:SigningKeys:comm100-hs256:Secret", "only-20-bytes-secret", "JwtIssuer:SigningKeys:comm100-hs256: the HS256 secret is 20 bytes; at least 32" },
        { "JwtIssuer:SigningKeys:rsa-test:PrivateKeyPem", TestKeys.Rsa.ExportSubjectPublicKeyInfoPem(), "JwtIssuer:SigningKeys:rsa-test holds only a public key" },
        { "JwtIssuer:SigningKeys:rsa-test:PrivateKeyPem", RSA.Create(1024).ExportPkcs8PrivateKeyPem(), "JwtIssuer:SigningKeys:rsa-test: the RSA key is 1024 bits" },
        { "JwtIssuer:SigningKeys:ec-test:PrivateKeyPem", ECDsa.Create(ECCurve.NamedCurves.nistP384).ExportPkcs8PrivateKeyPem(), "JwtIssuer:SigningKeys:ec-test: ES256 needs a key on the P-256 curve" },
        { "JwtIssuer:SigningKeys:ec-test:PrivateKeyPem", "not a pem at all", "JwtIssuer:SigningKeys:ec-test could not be imported" },
        { "JwtIssuer:SigningKeys:comm100-hs256:SecretFile", "/run/secrets/comm100", "JwtIssuer:SigningKeys:comm100-hs256:Secret and JwtIssuer:SigningKeys:comm100-hs256:SecretFile are both set" },
        { "JwtIssuer:SigningKeys:comm100-hs256:Algorithm", "HS512", "JwtIssuer:SigningKeys:comm100-hs256:Algorithm 'HS512' is not supported" },
        { "JwtIssuer:Consumers:rsa:Profile", "Zendesk", "JwtIssuer:Consumers:rsa:SigningKey 'rsa-test' is RS256, but Zendesk takes HS256 only" },
        { "JwtIssuer:Consumers:comm100:Profile", "Freshworks", "JwtIssuer:Consumers:comm100:SigningKey 'comm100-hs256' is HS256, but Freshworks takes RS256 only" },
        { "JwtIssuer:Consumers:comm100:Profile", "Intercom", "JwtIssuer:Consumers:comm100:Profile 'Intercom' is not a product this service knows. Use Comm100, Zendesk, Freshworks" },
        { "JwtIssuer:Consumers:comm100:Profile", "2", "JwtIssuer:Consumers:comm100:Profile '2' is not a product" },
        { "JwtIssuer:Consumers:comm100:SigningKey", "nope", "JwtIssuer:Consumers:comm100:SigningKey 'nope' is not a key under JwtIssuer:SigningKeys" },
        { "JwtIssuer:Consumers:comm100:RedirectUrls:0", "http://dash11.comm100.io/api/agentSSO/jwt/Consumer", "JwtIssuer:Consumers:comm100:RedirectUrls:0 'http://dash11.comm100.io/api/agentSSO/jwt/Consumer' uses plain http" },
        { "JwtIssuer:Consumers:comm100:RedirectUrls:0", "dash11.comm100.io/api", "JwtIssuer:Consumers:comm100:RedirectUrls:0 'dash11.comm100.io/api' is not an absolute URL" },
        { "JwtIssuer:Consumers:comm100:RedirectUrls:0", "https://dash11.comm100.io/consumer?x=1", "JwtIssuer:Consumers:comm100:RedirectUrls:0 'https://dash11.comm100.io/consumer?x=1' must be a plain absolute URL" },
        { "JwtIssuer:Consumers:comm100:RedirectUrls:0", "https://*.io/consumer", "puts a wildcard over a top-level domain" },
        { "JwtIssuer:Consumers:comm100:RedirectUrls:0", JwtIssuerApplication.RsaConsumerUrl, "overlaps a URL of consumer" },
        { "JwtIssuer:Consumers:comm100:RedirectUrls:0", "https://*.consumer.test/sso", "overlaps a URL of consumer" },
        { "JwtIssuer:Consumers:comm100:RedirectUrls:0", "https://*.io./sso", "ends its host with a dot" },
        { "JwtIssuer:Consumers:comm100:RedirectUrls:0", "https://*.0.0.1/sso", "puts a wildcard over a top-level domain or an IP address" },
        { "JwtIssuer:Consumers:comm100:RedirectUrls:0", "https://dash11.comm100.io/api/sso/..", "must spell out its path exactly as browsers send it" },
        { "JwtIssuer:Consumers:comm100:RedirectUrls:0", "https://dash11.comm100.io", "must spell out its path exactly as browsers send it" },
        { "JwtIssuer:Consumers:comm100:TokenLifetime", "02:00:00", "JwtIssuer:Consumers:comm100:TokenLifetime 02:00:00 is out of range" },
        { "JwtIssuer:Consumers:comm100:Subject", "{username}", "JwtIssuer:Consumers:comm100:Subject '{username}' has an unknown placeholder" },
        { "JwtIssuer:Consumers:comm100:Claims:exp", "0", "JwtIssuer:Consumers:comm100:Claims:exp would overwrite a claim the issuer sets itself" },
        { "JwtIssuer:Issuer", "", "JwtIssuer:Issuer is missing" },
        { "Session:FrameAncestors:0", "app.voip.example.com", "Session:FrameAncestors:0 'app.voip.example.com' is not an origin" },
        { "Session:Lifetime", "00:00:10", "Session:Lifetime 00:00:10 is out of range" },
        { "Session:CookieDomain", "https://example.com", "Session:CookieDomain 'https://example.com' is not a domain name" },
        { "Session:CookieDomain", "example.com:443", "Session:CookieDomain 'example.com:443' is not a domain name" },
        { "Session:CookieDomain", "localhost", "Session:CookieDomain 'localhost' is not a domain name" },
        { "Session:CookieDomain", "10.0.0.1", "Session:CookieDomain '10.0.0.1' is not a domain name" },
        { "Session:CookieDomain", "bücher.example", "Session:CookieDomain 'bücher.example' is not a domain name" },
        { "Database:Provider", "Oracle", "Database:Provider must be Sqlite" },
        { "Authentication:OpenIdConnect:Authority", "http://idp.example.com", "Authentication:OpenIdConnect:Authority 'http://idp.example.com' is not an https URL" },
        { "Authentication:OpenIdConnect:Authority", "https://idp.example.com/?tenant=1", "is not an https URL with no query" },
        { "Authentication:OpenIdConnect:Authority", "https://idp.example.com", "Authentication:OpenIdConnect:ClientId is missing" },
        { "Authentication:OpenIdConnect:Authority", "https://idp.example.com", "Authentication:OpenIdConnect needs exactly one of ClientSecret and ClientSecretFile" },
        { "Authentication:OpenIdConnect:ClientId", "jwt-issuer", "Authentication:OpenIdConnect:Authority is missing" },
        // The one secret-file reader: like every secret setting, it never echoes a value that may be the secret itself.
        { "Authentication:OpenIdConnect:ClientSecretFile", "/nonexistent/oidc-secret", "Authentication:OpenIdConnect:ClientSecretFile: cannot read (value not shown" },
        { "Authentication:OpenIdConnect:Scopes:0", "email", "Authentication:OpenIdConnect:Scopes must include openid" },
        { "Authentication:OpenIdConnect:AllowedEmailDomains:0", "@example.com", "Authentication:OpenIdConnect:AllowedEmailDomains:0 '@example.com' is not a domain name" },
        { "Authentication:OpenIdConnect:RequiredClaim:Type", "groups", "Authentication:OpenIdConnect:RequiredClaim needs both Type and Value" },
        { "Authentication:OpenIdConnect:EmailClaim", "preferred_username", "Authentication:OpenIdConnect:EmailClaim is 'preferred_username', but email_verified vouches only for the email claim" },
        { "Authentication:OpenIdConnect:RequireVerifiedEmail", "false", "Authentication:OpenIdConnect:RequireVerifiedEmail is false, so AllowedEmailDomains must list" },
        { "Authentication:OpenIdConnect:CreateUsers", "true", "Authentication:OpenIdConnect:CreateUsers is true with neither AllowedEmailDomains nor RequiredClaim" },
        { "Authentication:OpenIdConnect:AdminClaim:Value", "support-admins", "Authentication:OpenIdConnect:AdminClaim needs both Type and Value" },
        { "Admin:SessionMaxAge", "00:00:10", "Admin:SessionMaxAge 00:00:10 is out of range" },
        { "Admin:SetPasswordLinkLifetime", "90.00:00:00", "Admin:SetPasswordLinkLifetime 90.00:00:00 is out of range" },
        { "Branding:Name", "", "Branding:Name must be 1 to 64 printable characters" },
        { "Branding:LogoUrl", "http://cdn.example.com/logo.png", "Branding:LogoUrl 'http://cdn.example.com/logo.png' is not an image address" },
        { "Branding:LogoUrl", "//evil.example/logo.png", "Branding:LogoUrl '//evil.example/logo.png' is not an image address" },
        { "Branding:LogoUrl", "javascript:alert(1)", "Branding:LogoUrl 'javascript:alert(1)' is not an image address" },
        { "Console:Url", "http://dash11.comm100.io/agentconsole", "Console:Url 'http://dash11.comm100.io/agentconsole' is not an absolute https URL" },
        { "Console:Url", "/agentconsole", "Console:Url '/agentconsole' is not an absolute https URL" },
        { "Console:Allow", "camera\" onload=\"x", "Console:Allow is a permissions list" },
        { "Console:Sdk:BaseUrl", "javascript:alert(1)", "Console:Sdk:BaseUrl is missing or not an absolute https URL" },
        { "Console:Sdk:BaseUrl", "http://console.comm100.io", "Console:Sdk:BaseUrl is missing or not an absolute https URL" },
        { "Console:Sdk:BaseUrl", "https://console.comm100.io/?x=1", "Console:Sdk:BaseUrl is missing or not an absolute https URL" },
        { "Console:Sdk:AppId", "x\"});alert(1);//", "Console:Sdk:AppId is missing or not an app id" },
        { "Console:Sdk:AppId", "</script><script>alert(1)</script>", "Console:Sdk:AppId is missing or not an app id" },
        { "Console:Sdk:SiteId", "0", "Console:Sdk:SiteId is missing or not a site id" },
        { "Console:Sdk:SiteId", "12; alert(1)", "Failed to convert configuration value '12; alert(1)' at 'Console:Sdk:SiteId'" },
        { "Console:Sdk:Modules:0", "chat\"", "Console:Sdk:Modules:0 is not a module name" },
        { "Audit:Retention", "12:00:00", "Audit:Retention 12:00:00 is out of range. Use between 1.00:00:00 (a day) and 3650.00:00:00" },
        { "Audit:Retention", "3651.00:00:00", "Audit:Retention 3651.00:00:00 is out of range" },
        { "Audit:Retention", "90 days", "Failed to convert configuration value '90 days' at 'Audit:Retention'" },
        { "Authentication:LocalAccounts", "false", "Authentication:LocalAccounts is false but Authentication:OpenIdConnect is not configured" },
    };

    /// <summary>The server's services on this configuration, checked exactly as start-up checks them.</summary>
    private static async Task<IReadOnlyList<string>> FailuresAsync(Action<Dictionary<string, string?>> change)
    {
        var directory = Directory.CreateTempSubdirectory("jwt-issuer-config-").FullName;
        var settings = JwtIssuerApplication.DefaultSettings(directory);
        change(settings);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production", ContentRootPath = directory });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddServerServices();
        await using var app = builder.Build();
        return ConfigurationCheck.Failures(app.Services);
    }

    [Fact]
    public async Task DefaultTestConfigurationIsValid()
    {
        Assert.Empty(await FailuresAsync(_ => { }));
    }

    [Theory]
    [MemberData(nameof(InvalidSettings))]
    public async Task NamesTheSettingAndTheFix(string key, string? value, string expectedMessage)
    {
        var failures = await FailuresAsync(settings => settings[key] = value);

        Assert.Contains(failures, failure => failure.Contains(expectedMessage, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnotherProductsConsumerHasAKeyOfItsOwnAndExactUrls()
    {
        var failures = await FailuresAsync(settings =>
        {
            Sso.SsoProfileTests.AddHelpDesks(settings);
            settings["JwtIssuer:Consumers:zendesk:SigningKey"] = "comm100-hs256";
        });
        Assert.Contains("JwtIssuer:Consumers:zendesk:SigningKey signs for consumer 'comm100' too; a Zendesk consumer needs a key of its own, or one product's tokens would be good at the other.", failures);

        failures = await FailuresAsync(settings =>
        {
            Sso.SsoProfileTests.AddHelpDesks(settings);
            settings["JwtIssuer:Consumers:zendesk:RedirectUrls:1"] = "https://acme2.zendesk.com/access/jwt";
            settings["JwtIssuer:Consumers:freshworks:RedirectUrls:0"] = "https://*.myfreshworks.com/sp/OIDC/1/implicit";
        });
        Assert.Contains("JwtIssuer:Consumers:zendesk:RedirectUrls lists 2 URLs; Zendesk takes one, https://<subdomain>.zendesk.com/access/jwt.", failures);
        Assert.Contains("JwtIssuer:Consumers:freshworks:RedirectUrls may not use a wildcard host for Freshworks: list the exact URL.", failures);

        // The same secret under another key id is the same key.
        failures = await FailuresAsync(settings =>
        {
            Sso.SsoProfileTests.AddHelpDesks(settings);
            settings["JwtIssuer:SigningKeys:zendesk-hs256:Secret"] = TestKeys.HsSecret;
        });
        Assert.Contains(failures, failure => failure.StartsWith("JwtIssuer:Consumers:zendesk:SigningKey signs for consumer 'comm100' too", StringComparison.Ordinal));
        Assert.Empty(await FailuresAsync(Sso.SsoProfileTests.AddHelpDesks));
    }

    [Fact]
    public async Task RefusesConfigurationWithoutAnyConsumer()
    {
        var failures = await FailuresAsync(settings =>
        {
            foreach (var key in settings.Keys.Where(key => key.StartsWith("JwtIssuer:Consumers:", StringComparison.Ordinal)).ToList())
            {
                settings.Remove(key);
            }
        });

        Assert.Contains("JwtIssuer:Consumers is empty. Configure at least one consumer with RedirectUrls and SigningKey; see appsettings.example.json.", failures);
    }

    [Theory]
    [InlineData(" client-secret\n", "has spaces or tabs before or after the secret")]
    [InlineData("client-secret\t\n", "has spaces or tabs before or after the secret")]
    [InlineData("\n", "is empty")]
    public async Task AClientSecretFileWithStrayWhitespaceIsRefusedNotSentToTheProvider(string content, string message)
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("jwt-issuer-oidc-").FullName, "client-secret");
        await File.WriteAllTextAsync(file, content, TestContext.Current.CancellationToken);

        var failures = await FailuresAsync(settings =>
        {
            settings["Authentication:OpenIdConnect:Authority"] = "https://idp.example.com";
            settings["Authentication:OpenIdConnect:ClientId"] = "jwt-issuer";
            settings["Authentication:OpenIdConnect:ClientSecretFile"] = file;
        });

        Assert.Contains(failures, failure => failure.StartsWith($"Authentication:OpenIdConnect:ClientSecretFile '{file}' {message}", StringComparison.Ordinal));
        Assert.DoesNotContain(failures, failure => failure.Contains("client-secret\t", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheConsoleIsABareIframeOrTheSdkNeverBoth()
    {
        var failures = await FailuresAsync(settings =>
        {
            settings["Console:Url"] = "https://dash11.comm100.io/agentconsole";
            settings["Console:Sdk:BaseUrl"] = "https://dash11.comm100.io/agentconsole";
            settings["Console:Sdk:AppId"] = "app";
            settings["Console:Sdk:SiteId"] = "10000";
        });

        Assert.Equal(["Console:Url and Console:Sdk are both set; keep one: Console:Url shows the console in a bare iframe, Console:Sdk:* through Comm100's embedded agent console SDK."], failures);
    }

    [Fact]
    public async Task ValidationMessagesNeverContainTheSecret()
    {
        var failures = await FailuresAsync(settings => settings["JwtIssuer:SigningKeys:comm100-hs256:Secret"] = "short-but-secret-value");

        Assert.NotEmpty(failures);
        Assert.All(failures, failure => Assert.DoesNotContain("short-but-secret-value", failure, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ServerRefusesToStartInProductionWithoutConfiguration()
    {
        var directory = Directory.CreateTempSubdirectory("jwt-issuer-empty-").FullName;

        var result = await Cli.RunAsync(new Dictionary<string, string?> { ["Database:ConnectionString"] = $"Data Source={directory}/jwt-issuer.db" }, null, "--urls", "http://127.0.0.1:0");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("error: JwtIssuer:Issuer is missing.", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("error: JwtIssuer:SigningKeys is empty.", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("error: JwtIssuer:Consumers is empty.", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(directory, "jwt-issuer.db")), "the database was touched before configuration was checked");
    }

    [Theory]
    [InlineData("missing", ": cannot read")]
    [InlineData("a directory", ": cannot read")]
    [InlineData("empty", " '")]
    [InlineData("not a key", " '")]
    [InlineData("encrypted, with the wrong passphrase", " '")]
    public async Task ServerRefusesToStartNamingAnUnreadableKeyFile(string what, string reason)
    {
        var directory = Directory.CreateTempSubdirectory("jwt-issuer-keyfile-").FullName;
        var keyFile = Path.Combine(directory, "rsa.pem");
        switch (what)
        {
            case "a directory":
                Directory.CreateDirectory(keyFile);
                break;
            case "empty":
                await File.WriteAllTextAsync(keyFile, string.Empty);
                break;
            case "not a key":
                await File.WriteAllTextAsync(keyFile, "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n");
                break;
            case "encrypted, with the wrong passphrase":
                await File.WriteAllTextAsync(keyFile, TestKeys.Rsa.ExportEncryptedPkcs8PrivateKeyPem(
                    "the right passphrase", new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 10_000)));
                await File.WriteAllTextAsync(Path.Combine(directory, "passphrase"), "a wrong passphrase\n");
                break;
        }

        var settings = JwtIssuerApplication.DefaultSettings(directory);
        settings.Remove("JwtIssuer:SigningKeys:rsa-test:PrivateKeyPem");
        settings["JwtIssuer:SigningKeys:rsa-test:PrivateKeyFile"] = keyFile;
        if (what.StartsWith("encrypted", StringComparison.Ordinal))
        {
            settings["JwtIssuer:SigningKeys:rsa-test:PrivateKeyPassphraseFile"] = Path.Combine(directory, "passphrase");
        }

        var result = await Cli.RunAsync(settings, null, "--urls", "http://127.0.0.1:0");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith($"error: JwtIssuer:SigningKeys:rsa-test:PrivateKeyFile{reason}", result.Stderr, StringComparison.Ordinal);
        Assert.Contains(keyFile, result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadsSecretAndPrivateKeyFromFiles()
    {
        using var app = new JwtIssuerApplication();
        var secretFile = Path.Combine(app.DataDirectory, "hs256.secret");
        var keyFile = Path.Combine(app.DataDirectory, "rsa.pem");
        await File.WriteAllTextAsync(secretFile, TestKeys.HsSecret + "\n");
        await File.WriteAllTextAsync(keyFile, TestKeys.Rsa.ExportRSAPrivateKeyPem());
        app.Settings.Remove("JwtIssuer:SigningKeys:comm100-hs256:Secret");
        app.Settings.Remove("JwtIssuer:SigningKeys:rsa-test:PrivateKeyPem");
        app.Settings["JwtIssuer:SigningKeys:comm100-hs256:SecretFile"] = secretFile;
        app.Settings["JwtIssuer:SigningKeys:rsa-test:PrivateKeyFile"] = keyFile;
        await app.CreateUserAsync("agent@example.com");
        var client = await app.CreateSignedInClientAsync("agent@example.com");

        var hs = TokenAssert.TokenFrom((await client.GetAsync(JwtIssuerApplication.JwtUrl(JwtIssuerApplication.Comm100Url))).Headers.Location!);
        var rs = TokenAssert.TokenFrom((await client.GetAsync(JwtIssuerApplication.JwtUrl(JwtIssuerApplication.RsaConsumerUrl))).Headers.Location!);

        await TokenAssert.VerifiedAsync(hs, TokenAssert.Hs256Key, "Comm100", app.Time.GetUtcNow());
        await TokenAssert.VerifiedAsync(rs, TokenAssert.Rs256PublicKey, "Comm100", app.Time.GetUtcNow());
    }
}
