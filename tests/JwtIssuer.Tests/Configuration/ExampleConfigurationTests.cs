using JwtIssuer.Configuration;
using JwtIssuer.Server;
using JwtIssuer.Server.AgentConsole;
using JwtIssuer.Server.Data;
using JwtIssuer.Server.Sessions;
using JwtIssuer.Server.SignIn;
using JwtIssuer.Server.SignIn.Password;
using JwtIssuer.Server.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace JwtIssuer.Tests.Configuration;

/// <summary>appsettings.example.json documents every setting; it must name only settings that exist.</summary>
public sealed class ExampleConfigurationTests
{
    private static IConfiguration Example()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "appsettings.example.json")))
        {
            directory = directory.Parent;
        }

        Assert.NotNull(directory);
        return new ConfigurationBuilder().AddJsonFile(Path.Combine(directory.FullName, "appsettings.example.json")).Build();
    }

    /// <summary>Every settings section the server registers (each registers itself once: there is no list to keep here).</summary>
    internal static IReadOnlyList<SettingsSection> Sections()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.AddServerServices();
        using var app = builder.Build();
        return [.. app.Services.GetServices<SettingsSection>()];
    }

    [Fact]
    public void EveryExampleSettingBindsToARealOption()
    {
        var example = Example();
        Action<BinderOptions> strict = options => options.ErrorOnUnknownConfiguration = true;
        var sections = Sections();

        // Every section the server reads is in the example, and binds with nothing left over.
        Assert.All(sections, section =>
        {
            Assert.True(example.GetSection(section.Name).Exists(), $"appsettings.example.json has no {section.Name} section");
            Assert.NotNull(example.GetSection(section.Name).Get(section.OptionsType, strict));
        });
        // And the example names no section the server does not read (but the framework's own).
        Assert.All(example.GetChildren(), child => Assert.True(
            child.Key is "Logging" or "AllowedHosts" || sections.Any(section => section.Name == child.Key),
            $"appsettings.example.json has a section {child.Key} that nothing reads"));

        var issuer = example.GetSection(JwtIssuerOptions.SectionName).Get<JwtIssuerOptions>(strict)!;
        var database = example.GetSection(DatabaseOptions.SectionName).Get<DatabaseOptions>(strict)!;
        var session = example.GetSection(AgentSessionOptions.SectionName).Get<AgentSessionOptions>(strict)!;
        var dataProtection = example.GetSection(DataProtectionSettings.SectionName).Get<DataProtectionSettings>(strict)!;
        var signInLimits = example.GetSection(SignInLimitOptions.SectionName).Get<SignInLimitOptions>(strict)!;
        var metrics = example.GetSection(MetricsOptions.SectionName).Get<MetricsOptions>(strict)!;
        var authentication = example.GetSection(AuthenticationSettings.SectionName).Get<AuthenticationSettings>(strict)!;
        var console = example.GetSection(AgentConsoleOptions.SectionName).Get<AgentConsoleOptions>(strict)!;

        Assert.Equal("Comm100", issuer.Consumers["comm100"].Audience);
        Assert.Equal(["comm100-hs256", "ec-2026-11", "rsa-2026-11"], issuer.SigningKeys.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("Sqlite", database.Provider);
        Assert.Equal(TimeSpan.FromHours(8), session.Lifetime);
        Assert.Equal("JwtIssuer", dataProtection.ApplicationName);
        Assert.Equal(10, signInLimits.PerAccount.PermitLimit);
        Assert.Equal(9464, metrics.Port);
        Assert.Equal(["openid", "profile", "email"], authentication.OpenIdConnect!.EffectiveScopes);
        Assert.Equal("comm100-agents", authentication.OpenIdConnect.RequiredClaim!.Value);
        Assert.NotNull(console.ConsoleUri);
    }

    [Fact]
    public void ExampleHoldsNoKeyMaterial()
    {
        var example = Example();

        Assert.All(example.AsEnumerable(), setting =>
        {
            Assert.False(setting.Key.EndsWith(":Secret", StringComparison.Ordinal), $"{setting.Key} puts a secret in the example");
            Assert.DoesNotContain("PRIVATE KEY", setting.Value ?? string.Empty, StringComparison.Ordinal);
        });
    }
}
