using System.Buffers.Text;
using System.Security.Cryptography;
using JwtIssuer.Configuration;
using JwtIssuer.Server.Users;
using Microsoft.AspNetCore.Identity;

namespace JwtIssuer.Server.Development;

/// <summary>
/// What <c>dotnet run</c> needs to work on a fresh clone, in Development only: a generated HS256 key kept
/// outside the repository, and a demo user. Production never gets a default key or account.
/// </summary>
internal static class DevelopmentDefaults
{
    public const string KeyId = "development";

    /// <summary>The folder of pages that exist in Development only (their routes are removed anywhere else).</summary>
    public const string PagesFolder = "/Development";
    public const string DemoEmail = "demo@example.com";

    /// <summary>Points the <c>development</c> key at a generated secret file unless it is configured already.</summary>
    public static IHostApplicationBuilder AddDevelopmentDefaults(this IHostApplicationBuilder builder)
    {
        var key = builder.Configuration.GetSection($"{JwtIssuerOptions.SectionName}:SigningKeys:{KeyId}");
        if (!builder.Environment.IsDevelopment() || !key.Exists() || key["Secret"] is not null || key["SecretFile"] is not null)
        {
            return builder;
        }

        var path = Path.Combine(StateDirectory(), "development-hs256.secret");
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using var writer = new StreamWriter(path, options);
            writer.Write(Base64UrlSecret());
        }

        builder.Configuration.AddInMemoryCollection([new($"{key.Path}:SecretFile", path)]);
        return builder;
    }

    /// <summary>Creates <c>demo@example.com</c> with a random password, printed once, when there are no users at all.</summary>
    public static async Task SeedDevelopmentUserAsync(this IHost app)
    {
        if (!app.Services.GetRequiredService<IHostEnvironment>().IsDevelopment())
        {
            return;
        }

        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<User>>();
        if (users.Users.Any())
        {
            return;
        }

        var password = Base64UrlSecret()[..20];
        var demo = new User { UserName = DemoEmail, Email = DemoEmail, EmailConfirmed = true, DisplayName = "Demo Agent", CreatedAt = DateTimeOffset.UtcNow };
        var result = await users.CreateAsync(demo, password);
        if (result.Succeeded)
        {
            // Straight to the console, never through logging: log pipelines are shipped and kept.
            Console.WriteLine($"""

                Development user created (shown once):
                  email:    {DemoEmail}
                  password: {password}

                """);
        }
    }

    private static string StateDirectory()
    {
        var root = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create);
        return Path.Combine(string.IsNullOrEmpty(root) ? Path.GetTempPath() : root, "jwt-issuer");
    }

    private static string Base64UrlSecret() =>
        Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
}
