using System.Diagnostics;
using System.Net;
using EmbeddedApp;
using JwtIssuer.Tests.Infrastructure;

namespace JwtIssuer.Tests.Embedding;

/// <summary>
/// The NuGet package, as a stranger would use it: samples/EmbeddedApp's code in a fresh project outside this
/// repository, with a PackageReference to <c>JwtIssuer</c> restored from the packed .nupkg (a folder of its own
/// for the package cache, so nothing stale or built here is picked up), built, run, and put through the flow.
/// </summary>
public sealed class PackageTests : IDisposable
{
    /// <summary>Where .ci/run puts the packed package; without it the test packs one itself.</summary>
    public const string PackagesVariable = "JWTISSUER_TEST_PACKAGES";

    private const string Consumer = EmbeddedSample.Consumer;
    private readonly string _directory = Directory.CreateTempSubdirectory("jwt-issuer-package-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task ThePackedLibraryInstallsIntoAFreshProjectAndIssuesTokens()
    {
        var cancel = TestContext.Current.CancellationToken;
        var repository = RepositoryRoot();
        var packages = Environment.GetEnvironmentVariable(PackagesVariable) is { Length: > 0 } packed
            ? packed
            : await PackAsync(repository, cancel);
        Assert.NotEmpty(Directory.GetFiles(packages, "JwtIssuer.*.nupkg"));

        var project = Path.Combine(_directory, "app");
        Directory.CreateDirectory(project);
        foreach (var source in Directory.GetFiles(Path.Combine(repository, "samples", "EmbeddedApp"), "*.cs"))
        {
            File.Copy(source, Path.Combine(project, Path.GetFileName(source)));
        }

        await File.WriteAllTextAsync(Path.Combine(project, "EmbeddedApp.csproj"), """
            <Project Sdk="Microsoft.NET.Sdk.Web">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="JwtIssuer" Version="0.1.0" />
              </ItemGroup>
            </Project>
            """, cancel);
        // The packed folder first; the registry for the library's own dependencies.
        await File.WriteAllTextAsync(Path.Combine(project, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="packed" value="{packages}" />
              </packageSources>
            </configuration>
            """, cancel);

        var built = await RunAsync(project, cancel, "build", "-c", "Release", "--packages", Path.Combine(_directory, "cache"), "-o", Path.Combine(_directory, "out"));
        Assert.True(built.ExitCode == 0, built.Output);
        Assert.True(File.Exists(Path.Combine(_directory, "cache", "jwtissuer", "0.1.0", "jwtissuer.0.1.0.nupkg")), "JwtIssuer was not restored from the package");
        Assert.False(File.Exists(Path.Combine(_directory, "out", "JwtIssuer.Tests.dll")));

        var port = ServerProcess.FreePort();
        var settings = EmbeddedSample.Settings();
        settings["ASPNETCORE_ENVIRONMENT"] = "Production";
        await using var app = await ServerProcess.StartAsync(_directory, port, settings, Path.Combine(_directory, "out", "EmbeddedApp.dll"));

        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() })
        {
            BaseAddress = app.BaseAddress,
        };
        var jwtPath = $"/api/jwt?redirect_url={Uri.EscapeDataString(Consumer)}";
        Assert.Equal("/login", (await browser.GetAsync(jwtPath, cancel)).Headers.Location!.AbsolutePath);
        var signedIn = await EmbeddedSample.SignInAsync(browser, EmbeddedSample.Agent, jwtPath);
        Assert.True(signedIn.StatusCode == HttpStatusCode.Redirect, app.Output);

        var issued = await browser.GetAsync(jwtPath, cancel);
        Assert.Equal(HttpStatusCode.Redirect, issued.StatusCode);
        var token = await TokenAssert.VerifiedAsync(TokenAssert.TokenFrom(issued.Headers.Location!), TokenAssert.Hs256Key, "Comm100", DateTimeOffset.UtcNow);
        Assert.Equal("agent@example.com", token.GetClaim("email").Value);
        Assert.Equal("agent", token.GetClaim(AgentsOnlyPolicy.RoleClaim).Value);
    }

    private async Task<string> PackAsync(string repository, CancellationToken cancel)
    {
        var packages = Path.Combine(_directory, "packages");
        var packed = await RunAsync(repository, cancel, "pack", Path.Combine("src", "JwtIssuer"), "-c", "Release", "-o", packages);
        Assert.True(packed.ExitCode == 0, packed.Output);
        return packages;
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "JwtIssuer.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("JwtIssuer.sln not found above the test's directory");
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string directory, CancellationToken cancel, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // A fresh project: no MSBuild settings inherited from this repository's build.
        start.Environment.Remove("MSBuildExtensionsPath");
        start.Environment.Remove("MSBUILD_EXE_PATH");
        start.Environment.Remove("MSBuildSDKsPath");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(cancel);
        var errors = process.StandardError.ReadToEndAsync(cancel);
        await process.WaitForExitAsync(cancel);
        return (process.ExitCode, await output + await errors);
    }
}
